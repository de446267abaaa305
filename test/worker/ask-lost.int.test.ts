/**
 * Tester 16: a pod's ask for micro steps (log version 8, docs/runs.md) whose append to the
 * run's log failed (Redis refused the write, or was away a moment) was never asked again: the
 * quarterback's steps waited for a grant that never came, and the run stayed running for ever
 * (a pod without a timeout). Now the worker asks again, with back-off, while the pod runs.
 * Real processes: the step's worker is a real `strata worker` whose first append holding an
 * ask is refused (test/support/faulty-worker.mjs ask-once); the coordinator is the test
 * service's (no worker). The Kubernetes runtime's twin (the answer's patch on the pod
 * refused): test/runtime/kubernetes/kube-run-steps.int.test.ts.
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
const tempDir = useTempDirs('ask-lost-');

describe('a pod\'s ask for steps whose append was refused', () => {
  it('is asked again: the pod fanning out over 4 items gets its steps and the run succeeds, every container run once', async () => {
    const limits = { STRATA_MAX_RUN_STEPS: '10' };
    const svc = await startRunService(limits, { worker: false });
    cleanup.push(() => svc.close());
    const env = { ...limits, REDIS_URL: inject('redisUrl'), STRATA_PREFIX: svc.prefix, STRATA_HOME: svc.home, STRATA_SYNC_GRACE_MS: '300' };
    const worker = spawnStrata(['worker'], env, { entry: ['test/support/faulty-worker.mjs', 'ask-once'] });
    cleanup.push(() => stop(worker));
    const dir = tempDir();
    // The pod's start counts the fan-out's body once: its items past the first wait for the run's grant (an ask).
    const root = { id: 'p', pod: { flow: { id: 'g', fanOut: { over: { var: 'params.ns' }, do: { id: 't', task: { image: 'alpine', command: ['sh', '-c', `echo x >> ${dir}/ran`] } } } } } };
    const r = await svc.call('POST', '/v1/runs', { flow: { ...flowDoc(root, 'ask-lost'), spec: { params: { ns: [1, 2, 3, 4] }, root } } });
    expect(r.status, r.text).toBe(202);
    await until('the worker\'s append of the ask refused', () => worker.output().includes('fault: ask refused'), 30_000);
    const run = await svc.waitRun(r.body.runId, 60_000);
    expect([run.status, run.error], worker.output()).toEqual(['succeeded', null]);
    const ran = existsSync(join(dir, 'ran')) ? readFileSync(join(dir, 'ran'), 'utf8').split('\n').filter(Boolean).length : 0;
    expect(ran).toBe(4);
  }, 120_000);
});
