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
import { afterAll, describe, expect, inject, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flowDoc } from '../support/documents.ts';
import { spawnStrata, stop, until } from '../support/processes.ts';
import { startRunService } from '../support/run-service.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});
const tempDir = useTempDirs('run-limits-');

describe('the limits a run is folded with', () => {
  it('are the creating process\'s, in every process: a worker without STRATA_MAX_RUN_STEPS holds the service\'s 10 (3 pods at once of 3 containers: failed at the limit, at most 7 containers)', async () => {
    const svc = await startRunService({ STRATA_MAX_RUN_STEPS: '10' }, { worker: false, graceMs: 300 });
    cleanup.push(() => svc.close());
    const env = { REDIS_URL: inject('redisUrl'), STRATA_PREFIX: svc.prefix, STRATA_HOME: svc.home };
    const worker = spawnStrata(['worker'], env);
    cleanup.push(() => stop(worker));
    await until('the worker to start', () => /worker running/.test(worker.output()), 20_000);
    const dir = tempDir();
    const pod = { id: 'p', pod: { flow: { id: 'g', fanOut: { over: { var: 'params.ns' }, do: { id: 't', task: { image: 'alpine', command: ['sh', '-c', `echo x >> ${dir}/ran`] } } } } } };
    const root = { id: 'f', fanOut: { over: [1, 2, 3], as: 'pod', do: pod } };
    const r = await svc.call('POST', '/v1/runs', { flow: { ...flowDoc(root, 'limits-recorded'), spec: { params: { ns: [1, 2, 3] }, root } } });
    expect(r.status, r.text).toBe(202);
    const run = await svc.waitRun(r.body.runId, 60_000);
    const ran = existsSync(join(dir, 'ran')) ? readFileSync(join(dir, 'ran'), 'utf8').split('\n').filter(Boolean).length : 0;
    expect([run.status, run.error], worker.output()).toEqual(['failed', expect.stringContaining('the run would make more than 10 steps, the limit (STRATA_MAX_RUN_STEPS)')]);
    expect(ran).toBeLessThanOrEqual(7);
  }, 120_000);
});
