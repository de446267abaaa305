/**
 * Tester 16: a run's engine is the fold of its log in every process (docs/runs.md), but each
 * process folded it with its own configuration's limits: with the service at
 * STRATA_MAX_RUN_STEPS=10 and a `strata worker` at the default, the worker's fold answered its
 * pods' asks for micro steps (log version 8) with its own limit, and 3 pods of 3 containers
 * each (12 steps) succeeded past the run's limit of 10. Now the limits a run's engine applies
 * (STRATA_MAX_RUN_STEPS, STRATA_MAX_FANOUT_ITEMS, STRATA_MAX_COMPOSITE_RESULT_BYTES,
 * STRATA_MAX_UNIT_DEPTH) are those of the process that created it, recorded in its log's
 * first entry (`begin`), and every process folds it with them. Real processes: the API and
 * coordinator here, the worker a real `strata worker` with no limit set.
 */
import { describe, expect, it } from 'vitest';
import { flowDoc } from '../support/documents.ts';
import { until } from '../support/processes.ts';
import { linesIn, useTempDirs } from '../support/temp-dirs.ts';
import { podFanningOut, useWorkersBeside } from '../support/workers-beside.ts';

const beside = useWorkersBeside();
const tempDir = useTempDirs('run-limits-');

describe('the limits a run is folded with', () => {
  it('are the creating process\'s, in every process: a worker without STRATA_MAX_RUN_STEPS holds the service\'s 10 (3 pods at once of 3 containers: failed at the limit, at most 7 containers)', async () => {
    const { svc, env } = await beside.service({ STRATA_MAX_RUN_STEPS: '10' }, { graceMs: 300 });
    const worker = beside.worker(env);
    await until('the worker to start', () => /worker running/.test(worker.output()), 20_000);
    const dir = tempDir();
    const pod = podFanningOut(dir);
    const root = { id: 'f', fanOut: { over: [1, 2, 3], as: 'pod', do: pod } };
    const r = await svc.call('POST', '/v1/runs', { flow: { ...flowDoc(root, 'limits-recorded'), spec: { params: { ns: [1, 2, 3] }, root } } });
    expect(r.status, r.text).toBe(202);
    const run = await svc.waitRun(r.body.runId, 60_000);
    expect([run.status, run.error], worker.output()).toEqual(['failed', expect.stringContaining('the run would make more than 10 steps, the limit (STRATA_MAX_RUN_STEPS)')]);
    expect(linesIn(dir, 'ran')).toBeLessThanOrEqual(7);
  }, 120_000);
});
