/**
 * Issue 9: the limits a run goes by are configuration, at both levels (the coordinator's
 * engine for macro steps, a pod's quarterback for its containers): a leaf's result above
 * the default passes when STRATA_MAX_RESULT_BYTES is raised; a composite's result (a
 * fan-out's list of its items' results) is capped by STRATA_MAX_COMPOSITE_RESULT_BYTES;
 * a run that would make more steps than STRATA_MAX_RUN_STEPS fails saying so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESULT_LIMIT_BYTES } from '../../runtime/step-files.ts';
import { flowDoc as flow, shTask as sh } from '../support/documents.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';

let raised: RunTestService;
let lowered: RunTestService;
beforeAll(async () => {
  [raised, lowered] = await Promise.all([
    startRunService({ STRATA_MAX_RESULT_BYTES: String(2 * RESULT_LIMIT_BYTES) }),
    startRunService({ STRATA_MAX_COMPOSITE_RESULT_BYTES: '2000', STRATA_MAX_RUN_STEPS: '10' }),
  ]);
});
afterAll(async () => {
  await Promise.all([raised?.close(), lowered?.close()]);
});

// A JSON string of the default limit and 10 bytes more (the default refuses it: results.int.test.ts).
const huge = sh(`head -c ${RESULT_LIMIT_BYTES + 10} /dev/zero | tr '\\0' 'x' | sed 's/.*/"&"/' > "$STRATA_OUTPUTS/result.json"`);
// Each item's result is a string of 600 bytes: five of them make a list of 3,000 bytes or so.
const item = sh(`printf '"%0600d"' 0 > "$STRATA_OUTPUTS/result.json"`);
const fanOut = (id: string, n: number) => ({ sequence: [{ id, fanOut: { over: Array.from({ length: n }, (_, i) => i), do: { task: item } } }] });

const levels = [
  { level: 'macro (tasks)', wrap: (node: Record<string, unknown>) => node, step: (id: string) => id },
  { level: 'micro (containers in a pod)', wrap: (node: Record<string, unknown>) => ({ id: 'p', pod: { flow: node } }), step: (id: string) => `p/${id}` },
];

describe.each(levels)('configured limits at the $level level', ({ wrap, step }) => {
  it('a result larger than the default passes when STRATA_MAX_RESULT_BYTES is raised', async () => {
    const r = await raised.call('POST', '/v1/runs', { flow: flow(wrap({ id: 'big', task: huge })) });
    const run = await raised.waitRun(r.body.runId, 60_000);
    expect(run.steps[step('big')].status).toBe('succeeded');
    expect(run.status).toBe('succeeded');
  });

  it('a fan-out whose results add up to more than STRATA_MAX_COMPOSITE_RESULT_BYTES fails saying so; under the default it succeeds', async () => {
    const doc = flow(wrap(fanOut('fan', 5)));
    const fine = await raised.waitRun((await raised.call('POST', '/v1/runs', { flow: doc })).body.runId, 60_000);
    expect(fine.status).toBe('succeeded');
    const run = await lowered.waitRun((await lowered.call('POST', '/v1/runs', { flow: doc })).body.runId, 60_000);
    expect(run.status, JSON.stringify(run.steps)).toBe('failed');
    expect(run.steps[step('fan')]).toMatchObject({ status: 'failed', error: expect.stringMatching(/^its result \(its children's results\) is 3,0\d\d bytes as JSON, more than the limit of 2,000 \(STRATA_MAX_COMPOSITE_RESULT_BYTES\)/) });
    // Its items succeeded: what failed is the list they make.
    expect(run.steps[step('fan/0')].status).toBe('succeeded');
  });

  it('a run that would make more steps than STRATA_MAX_RUN_STEPS fails, naming the variable', async () => {
    // Over a parameter: the plan cannot count the items, the run does.
    const doc = { ...flow(wrap({ id: 'fan', fanOut: { over: { var: 'params.xs' }, concurrency: 2, do: { task: { image: 'strata/noop' } } } })) };
    const r = await lowered.call('POST', '/v1/runs', { flow: doc, params: { xs: Array.from({ length: 12 }, (_, i) => i) } });
    expect(r.status).toBe(202);
    const run = await lowered.waitRun(r.body.runId, 60_000);
    expect(run.status).toBe('failed');
    expect(JSON.stringify(run)).toContain('steps, the limit (STRATA_MAX_RUN_STEPS)');
  });
});
