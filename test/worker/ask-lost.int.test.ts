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
import { describe, expect, it } from 'vitest';
import { flowDoc } from '../support/documents.ts';
import { until } from '../support/processes.ts';
import { linesIn, useTempDirs } from '../support/temp-dirs.ts';
import { podFanningOut, useWorkersBeside } from '../support/workers-beside.ts';

const beside = useWorkersBeside();
const tempDir = useTempDirs('ask-lost-');

describe('a pod\'s ask for steps whose append was refused', () => {
  it('is asked again: the pod fanning out over 4 items gets its steps and the run succeeds, every container run once', async () => {
    const limits = { STRATA_MAX_RUN_STEPS: '10' };
    const { svc, env } = await beside.service(limits, {}, { ...limits, STRATA_SYNC_GRACE_MS: '300' });
    const worker = beside.worker(env, 'ask-once');
    const dir = tempDir();
    // The pod's start counts the fan-out's body once: its items past the first wait for the run's grant (an ask).
    const root = podFanningOut(dir);
    const r = await svc.call('POST', '/v1/runs', { flow: { ...flowDoc(root, 'ask-lost'), spec: { params: { ns: [1, 2, 3, 4] }, root } } });
    expect(r.status, r.text).toBe(202);
    await until('the worker\'s append of the ask refused', () => worker.output().includes('fault: ask refused'), 30_000);
    const run = await svc.waitRun(r.body.runId, 60_000);
    expect([run.status, run.error], worker.output()).toEqual(['succeeded', null]);
    expect(linesIn(dir, 'ran')).toBe(4);
  }, 120_000);
});
