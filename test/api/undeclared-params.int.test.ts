/**
 * Tester 16: a parameter the flow does not declare (`-p cont=5` for `count`) was taken
 * silently everywhere and the run went on with the default, a silent wrong answer. A flow
 * with spec.params declares its parameters there, so every place parameters are given for
 * it refuses such a key before anything is stored, naming the place, the key and the nearest
 * declared name (flow/undeclared-params.ts): HTTP runs (`params`, `{ use, with }`), plans,
 * a use's `with` in a flow registered, Schedules and Hooks (their `spec.with`, a hook
 * call's body), and `-p` of `runs submit` (a real process), `plan` and `apply --run`
 * (test/support/strata-here.ts). A flow without spec.params declares nothing and takes any
 * (its programs read them whole, STRATA_PARAMS): kept, and shown here.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runStrata } from '../support/processes.ts';
import { strataHere } from '../support/strata-here.ts';
import { useRunService } from '../support/use-run-service.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-undeclared-');
const svc = useRunService();

const task = { task: { image: 'alpine', command: ['echo', '{{ params.count }}'], result: 'stdout' } };
const counted = (name = 'counted', version = '1') => ({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name, version }, spec: { params: { count: 1, mode: null }, root: task } });
const caller = (name: string) => ({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name, version: '1' }, spec: { root: { use: 'counted@1', with: { cont: 5 } } } });
const NEAR = 'declares no param "cont" (did you mean "count"?)';
const fileOf = (doc: unknown): string => {
  const file = join(newTempDir(), 'flow.yaml');
  writeFileSync(file, stringify(doc));
  return file;
};
const names = async (kind: string) => ((await svc.call('GET', `/v1/${kind}`)).body[kind] as Array<{ name?: string; metadata?: { name: string } }>).map((x) => x.name ?? x.metadata?.name);
const runCount = async () => ((await svc.call('GET', '/v1/runs?limit=1000')).body.runs as unknown[]).length;

describe('a parameter the flow does not declare', () => {
  it('is refused over HTTP in every route, 400 naming the place and the key, nothing stored', async () => {
    expect((await svc.call('POST', '/v1/flows', counted())).status).toBe(201);
    const before = await runCount();
    const rows: Array<[string, string, unknown, string]> = [
      ['POST', '/v1/runs', { flow: counted('inline'), params: { cont: 5 } }, 'params.cont'],
      ['POST', '/v1/runs', { use: 'counted@1', with: { cont: 5 } }, 'with.cont'],
      ['POST', '/v1/plans', { use: 'counted@1', with: { cont: 5 } }, 'with.cont'],
      ['POST', '/v1/flows', caller('caller'), 'spec.root.with.cont'],
      ['POST', '/v1/runs', { flow: caller('caller-run') }, 'spec.root.with.cont'],
      ['POST', '/v1/schedules', { apiVersion: 'strata/v1', kind: 'Schedule', metadata: { name: 'typo-tick' }, spec: { schedule: '0 0 1 1 *', use: 'counted@1', with: { cont: 5 } } }, 'spec.with.cont'],
      ['POST', '/v1/hooks', { apiVersion: 'strata/v1', kind: 'Hook', metadata: { name: 'typo-hook' }, spec: { use: 'counted@1', with: { cont: 5 } } }, 'spec.with.cont'],
    ];
    for (const [method, path, body, place] of rows) {
      const r = await svc.call(method, path, body);
      expect(r.status, `${path}: ${r.text}`).toBe(400);
      // The place as the request wrote it (a { use, with } had been named at its wrapper's spec.root.with: tester 17).
      expect(r.body.error.message, path).toMatch(new RegExp(`^${place.replace(/\./g, '\\.')}: `));
      expect(r.body.error.details.problems[0].path, path).toBe(place);
      expect(r.body.error.message, path).toContain(NEAR);
    }
    // A { use } request's params reach the used flow only through its with: a key no with value reads was dropped, the run going on with the default.
    for (const [body, key] of [[{ use: 'counted@1', params: { count: 5 } }, 'count'], [{ use: 'counted@1', with: { count: { var: 'params.n' } }, params: { n: 5, cont: 5 } }, 'cont']] as const) {
      const r = await svc.call('POST', '/v1/runs', body);
      expect(r.status, r.text).toBe(400);
      expect(r.body.error.code).toBe('invalid_request');
      expect(r.body.error.message).toContain(`params.${key}: no with value of { use: counted@1 } reads param "${key}"`);
      expect(r.body.error.message).toContain(`as with.${key}`);
    }
    expect(await names('flows')).not.toContain('caller');
    expect(await names('schedules')).not.toContain('typo-tick');
    expect(await names('hooks')).not.toContain('typo-hook');
    expect(await runCount()).toBe(before);
  });

  it('of a { use } request that the used flow declares is offered no other name: the key is right, its place is with (tester 18)', async () => {
    const nums = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'nums', version: '1' }, spec: { params: { x: 1, y: [1, 2] }, root: { task: { image: 'alpine', command: ['echo', '{{ params.x }}'] } } } };
    expect((await svc.call('POST', '/v1/flows', nums)).status).toBe(201);
    const r = await svc.call('POST', '/v1/runs', { use: 'nums', params: { x: 5 } });
    expect(r.status, r.text).toBe(400);
    // It had said 'reads param "x" (did you mean "y"?)' for the x nums declares.
    expect(r.body.error.message).toBe('params.x: no with value of { use: nums@1 } reads param "x" (a { use } request\'s params reach nums@1 only through its with: give its parameters there, as with.x)');
  });

  it('in a hook call\'s body is refused, 400, and no run starts', async () => {
    const reg = await svc.call('POST', '/v1/hooks', { apiVersion: 'strata/v1', kind: 'Hook', metadata: { name: 'good-hook' }, spec: { use: 'counted@1', with: { count: 2 } } });
    expect(reg.status, reg.text).toBe(201);
    const before = await runCount();
    const r = await svc.call('POST', '/v1/hooks/good-hook', { cont: 5 }, { authorization: `Bearer ${reg.body.token}` });
    expect(r.status, r.text).toBe(400);
    expect(r.body.error.message).toBe(`body.cont: flow counted@1 ${NEAR} (its spec.params: count, mode)`);
    expect(r.body.error.details.problems).toEqual([{ path: 'body.cont', message: `flow counted@1 ${NEAR} (its spec.params: count, mode)` }]);
    expect(await runCount()).toBe(before);
  });

  it('declared ones are taken, and a flow without spec.params takes any', async () => {
    expect((await svc.call('POST', '/v1/runs', { flow: counted('inline-ok'), params: { count: 5, mode: 'x' } })).status).toBe(202);
    expect((await svc.call('POST', '/v1/runs', { use: 'counted@1', with: { count: 5 } })).status).toBe(202);
    // A { use } request's params that its with reads reach the used flow through it.
    expect((await svc.runToEnd({ use: 'counted@1', with: { count: { var: 'params.n' } }, params: { n: 6 } })).result).toBe(6);
    const open = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'open', version: '1' }, spec: { root: { task: { image: 'alpine', command: ['sh', '-c', 'echo "$STRATA_PARAMS"'] } } } };
    expect((await svc.call('POST', '/v1/runs', { flow: open, params: { anything: 1 } })).status).toBe(202);
  });

  it('given with -p is refused, exit 2 naming -p and the key: runs submit (a process), plan and apply --run', async () => {
    const file = fileOf(counted('cli-counted'));
    const before = await runCount();
    for (const [args, here] of [[['runs', 'submit', file, '-p', 'cont=5'], false], [['runs', 'submit', '--use', 'counted@1', '-p', 'cont=5'], false], [['plan', file, '-p', 'cont=5'], true], [['apply', file, '--run', '-p', 'cont=5'], true]] as const) {
      const p = await (here ? strataHere : runStrata)([...args], { STRATA_URL: svc.url });
      expect(p.code, `${args.join(' ')}: ${p.stderr}`).toBe(2);
      expect(p.stderr, args.join(' ')).toContain(NEAR);
      expect(p.stderr, args.join(' ')).toMatch(/-p|params\.cont|with\.cont/);
    }
    expect(await names('flows')).not.toContain('cli-counted');
    expect(await runCount()).toBe(before);
    const ok = await strataHere(['plan', file, '-p', 'count=5']);
    expect(ok.code, ok.stderr).toBe(0);
  }, 60_000);
});
