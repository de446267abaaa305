/**
 * Tester 13: a registered flow right at STRATA_MAX_UNIT_DEPTH (u1 -> u2 -> u3 -> u4 under a
 * limit of 3) ran when sent whole (`{ flow }`) but was refused when run by name (`{ use }`,
 * `strata runs submit --use`, POST /v1/plans `{ use }`): the request's wrapper flow
 * (adhoc@0) counted as one more unit ("adhoc@0 -> u1@1 -> ... units nested more than 3
 * deep"). A request by name now nests as the flow itself does. Real HTTP, Redis, processes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { flowDoc, shTask } from '../support/documents.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';

const svc = useRunService({ STRATA_MAX_UNIT_DEPTH: '3' });
/** u4 a task; u3 uses u4; u2 uses u3; u1 uses u2: u1 nests 3 units, the limit. */
const CHAIN = [
  flowDoc({ id: 'x', task: shTask('true') }, 'ud4'),
  flowDoc({ sequence: [{ id: 'a', use: 'ud4@1' }] }, 'ud3'),
  flowDoc({ sequence: [{ id: 'a', use: 'ud3@1' }] }, 'ud2'),
  flowDoc({ sequence: [{ id: 'a', use: 'ud2@1' }] }, 'ud1'),
];

describe('a flow right at STRATA_MAX_UNIT_DEPTH, run by name', () => {
  it('is registered, and runs by { use }, { flow }, runs submit --use and plans by { use }; one more level is refused naming the limit', async () => {
    for (const f of CHAIN) expect((await svc.call('POST', '/v1/flows', f)).status).toBe(201);
    const ends: string[] = [];
    for (const body of [{ use: 'ud1@1' }, { flow: CHAIN[3] }]) {
      const r = await svc.call('POST', '/v1/runs', body);
      ends.push(r.status === 202 ? (await svc.waitRun(r.body.runId)).status : `${r.status} ${r.body.error.message}`);
    }
    expect(ends).toEqual(['succeeded', 'succeeded']);
    const plan = await svc.call('POST', '/v1/plans', { use: 'ud1@1' });
    expect(plan.status, plan.text).toBe(200);
    const sub = await runStrata(['runs', 'submit', '--use', 'ud1@1', '--watch'], cliEnv(svc));
    expect(sub.code, sub.stdout + sub.stderr).toBe(0);
    const deeper = await svc.call('POST', '/v1/flows', flowDoc({ sequence: [{ id: 'a', use: 'ud1@1' }] }, 'ud0'));
    expect(deeper.status).toBe(400);
    expect(deeper.body.error.message).toContain('units nested more than 3 deep (ud0@1 -> ud1@1 -> ud2@1 -> ud3@1 -> ud4@1), the limit (STRATA_MAX_UNIT_DEPTH)');
    const deeperUse = await svc.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: 'a', use: 'ud1@1' }] }, 'ud0') });
    expect(deeperUse.status).toBe(400);
  });

  it('a generate step at the last unit the limit allows (ug1 -> ug2 -> ug3, its Dataset expanded at depth 3) runs asked by { use } as sent whole: the request adds no depth at run time either', async () => {
    const gen = { id: 'gen', generate: { image: 'alpine', command: ['sh', '-c', 'echo \'{"apiVersion":"strata/v1","kind":"Dataset","metadata":{"name":"made-at-depth"},"spec":{"shape":"files"}}\' > "$STRATA_OUTPUTS/result.json"'] } };
    const chain = [flowDoc({ sequence: [gen] }, 'ug3'), flowDoc({ sequence: [{ id: 'a', use: 'ug3@1' }] }, 'ug2'), flowDoc({ sequence: [{ id: 'a', use: 'ug2@1' }] }, 'ug1')];
    for (const f of chain) expect((await svc.call('POST', '/v1/flows', f)).status).toBe(201);
    const ends: string[] = [];
    for (const body of [{ flow: chain[2] }, { use: 'ug1@1' }]) {
      const r = await svc.call('POST', '/v1/runs', body);
      const run = r.status === 202 ? await svc.waitRun(r.body.runId) : undefined;
      ends.push(run ? `${run.status}${run.error ? ` ${run.error}` : ''}` : `${r.status} ${r.body.error.message}`);
    }
    expect(ends).toEqual(['succeeded', 'succeeded']);
  });

  it('a user flow named adhoc@0 whose root is one use is no request by name: refused one level too deep as other@0 is (POST /v1/runs, /v1/plans, /v1/flows; strata plan, apply, runs submit); registered, it runs by { use } and runs submit --use as itself', async () => {
    const dir = join(import.meta.dirname, '..', 'fixtures', 'flows', 'use-request');
    const file = (name: string) => join(dir, name);
    for (const d of parseAllDocuments(readFileSync(file('chain.yaml'), 'utf8'))) expect((await svc.call('POST', '/v1/flows', d.toJS())).status).toBe(201);
    // strata plan and apply check with their own environment's limits, set as the service's.
    const env = { ...cliEnv(svc), STRATA_MAX_UNIT_DEPTH: '3' };
    const outcomes = async (name: string) => {
      const doc = parse(readFileSync(file(`${name}.yaml`), 'utf8'));
      const said = (r: { status: number; body: { error?: { message: string } } }) => `${r.status} ${r.body.error?.message ?? ''}`;
      const cli = (r: { code: number | null; stderr: string }) => `exit ${r.code}: ${r.stderr.trim()}`;
      return [
        said(await svc.call('POST', '/v1/runs', { flow: doc })),
        said(await svc.call('POST', '/v1/plans', doc)),
        said(await svc.call('POST', '/v1/flows', doc)),
        cli(await runStrata(['plan', file(`${name}.yaml`), file('chain.yaml')], env)),
        cli(await runStrata(['apply', file(`${name}.yaml`), file('chain.yaml')], env)),
        cli(await runStrata(['runs', 'submit', file(`${name}.yaml`)], env)),
      ].map((o) => o.replaceAll(`${name}@0`, 'FLOW@0').replaceAll(`${name}.yaml`, 'FLOW.yaml'));
    };
    const other = await outcomes('other');
    for (const o of other) expect(o).toContain('units nested more than 3 deep (FLOW@0 -> ua1@1 -> ua2@1 -> ua3@1 -> ua4@1)');
    expect(await outcomes('adhoc')).toEqual(other);
    // A registered adhoc@0 at the limit (adhoc@0 -> ua2 -> ua3 -> ua4), asked by name, is the flow registered, not the request.
    const atLimit = { ...parse(readFileSync(file('adhoc.yaml'), 'utf8')), spec: { root: { use: 'ua2@1' } } };
    const reg = await svc.call('POST', '/v1/flows', atLimit);
    expect(reg.status, reg.text).toBe(201);
    const run = await svc.call('POST', '/v1/runs', { use: 'adhoc@0' });
    expect(run.status, run.text).toBe(202);
    const ended = await svc.waitRun(run.body.runId);
    expect([ended.status, Object.keys(ended.steps).filter((id) => id.endsWith('/x'))]).toEqual(['succeeded', [expect.stringMatching(/^(.+\/)?a\/a\/x$/)]]);
    const sub = await runStrata(['runs', 'submit', '--use', 'adhoc@0', '--watch'], env);
    expect(sub.code, sub.stdout + sub.stderr).toBe(0);
  });
});
