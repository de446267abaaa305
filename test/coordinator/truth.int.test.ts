/**
 * No silent wrong answers, through real runs over HTTP at both levels (issue 8): every
 * enclosing fan-out item readable by its name (json-logic and environment), steps that
 * never start end skipped or cancelled with the reason, a composite's timeout a deadline.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowDoc as flow, shTask as sh } from '../support/documents.ts';
import { until } from '../support/processes.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-truth-');

let svc: RunTestService;
beforeAll(async () => {
  svc = await startRunService();
});
afterAll(async () => svc?.close());

const dir = newTempDir();
/** A step whose result is what it was given: STRATA_ITEM and STRATA_ITEMS. */
const echoItems = sh('printf \'{"item": %s, "items": %s}\' "$STRATA_ITEM" "$STRATA_ITEMS" > "$STRATA_OUTPUTS/result.json"');

const levels = [
  { level: 'macro', wrap: (node: unknown) => node, id: (s: string) => s },
  { level: 'micro (inside a pod)', wrap: (node: unknown) => ({ id: 'p', pod: { flow: node } }), id: (s: string) => `p/${s}` },
];

describe.each(levels)('$level level', ({ wrap, id }) => {
  it('nested fan-outs: the outer item is read by its name in a guard, and every item is in STRATA_ITEMS', async () => {
    const root = wrap({ id: 'regions', fanOut: { over: ['eu', 'us'], as: 'region', do: { fanOut: { over: [1, 2], as: 'shard', do: { when: { '==': [{ var: 'region' }, 'us'] }, task: echoItems } } } } });
    const run = await svc.waitRun((await svc.call('POST', '/v1/runs', { flow: flow(root) })).body.runId);
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    expect(run.steps[id('0/0')].status).toBe('skipped');
    expect(run.steps[id('1/1')]).toMatchObject({ status: 'succeeded', result: { item: 2, items: { region: 'us', shard: 2 } } });
  });

  it('steps after a failure end skipped with the reason, none pending', async () => {
    const root = wrap({ sequence: [{ id: 'e', task: sh('exit 5') }, { id: 'later', task: sh('true') }, { id: 'grp', sequence: [{ id: 'g1', task: sh('true') }] }] });
    const run = await svc.waitRun((await svc.call('POST', '/v1/runs', { flow: flow(root) })).body.runId);
    expect(run.status).toBe('failed');
    for (const s of ['later', 'grp', 'grp/g1']) expect(run.steps[id(s)]).toMatchObject({ status: 'skipped', error: `not started: step ${id('e')} failed` });
    expect(Object.entries(run.steps).filter(([, v]) => v.status === 'pending')).toEqual([]);
  });

  it('after a cancel, what never started is cancelled with the reason, none pending', async () => {
    const mark = join(dir, `started-${id('x').replace('/', '-')}`);
    const root = wrap({ sequence: [{ id: 'slow', task: sh(`touch ${mark}; sleep 30`) }, { id: 'never', task: sh('true') }] });
    const runId = (await svc.call('POST', '/v1/runs', { flow: flow(root) })).body.runId;
    await until('the slow step to start', () => existsSync(mark));
    await svc.call('POST', `/v1/runs/${runId}/cancel`);
    const run = await svc.waitRun(runId);
    expect(run.status).toBe('cancelled');
    // Inside a pod the quarterback may say it first, with its own words for the cancel.
    expect(run.steps[id('never')]).toMatchObject({ status: 'cancelled', error: expect.stringMatching(/^not started: cancelled/) });
    await until('no step pending or running', async () => {
      const v = (await svc.call('GET', `/v1/runs/${runId}`)).body;
      return Object.values(v.steps as Record<string, { status: string }>).every((s) => s.status !== 'pending' && s.status !== 'running');
    });
  });

  it('a sequence\'s timeout is a deadline for the whole sequence: it fails when it passes, and the step after it never runs', async () => {
    const after = join(dir, `after-${id('x').replace('/', '-')}`);
    // s0 ends at once and s1 would sleep far past the deadline: the outcome does not hang on
    // how fast a loaded machine starts processes (a 3 s margin for s0).
    const root = wrap({ sequence: [{ id: 'group', timeout: 3, sequence: [sh('true'), sh('sleep 60'), sh('true')].map((task, i) => ({ id: `s${i}`, task })) }, { id: 'after', task: sh(`touch ${after}`) }] });
    const run = await svc.waitRun((await svc.call('POST', '/v1/runs', { flow: flow(root) })).body.runId);
    expect(run.status).toBe('failed');
    expect(run.steps[id('group')]).toMatchObject({ status: 'failed', error: `step ${id('group')} timed out after 3s` });
    expect(run.steps[id('group/s0')].status).toBe('succeeded');
    expect(run.steps[id('group/s1')]).toMatchObject({ status: 'cancelled', error: `stopped: step ${id('group')} timed out after 3s` });
    expect(run.steps[id('group/s2')]).toMatchObject({ status: 'skipped', error: `not started: step ${id('group')} timed out after 3s` });
    expect(run.steps[id('after')].status).toBe('skipped');
    expect(existsSync(after)).toBe(false);
  });
});

describe('results read by step id', () => {
  it('a step id with a dot is read with the result operation', async () => {
    const root = { sequence: [{ id: 'build-v1.2', task: sh('echo \'{"ok": true}\' > "$STRATA_OUTPUTS/result.json"') }, { id: 'ship', when: { result: ['build-v1.2', 'ok'] }, task: sh('true') }] };
    const run = await svc.waitRun((await svc.call('POST', '/v1/runs', { flow: flow(root) })).body.runId);
    expect(run.steps.ship.status).toBe('succeeded');
  });
});

