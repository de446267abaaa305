/**
 * A pod's job lost (a worker's state flushed, a crash between removing and adding) is
 * enqueued anew by the coordinator that takes its run up (coordinator.ts recover,
 * RunEngine.startCommandsFor). The start command it enqueues is the one the pod's launch
 * enqueued: the same micro plan, and the same count of the run's steps its quarterback
 * counts on from (pod.stepsBefore, log version 6), so a lost job does not give the pod the
 * whole STRATA_MAX_RUN_STEPS for itself. Real Redis, BullMQ, coordinator and worker, the pod
 * run by a real quarterback; the services run with STRATA_MAX_RUN_STEPS=4. The job is lost
 * as crash.int.test.ts loses one (support/lost-job.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { flowDoc } from '../support/documents.ts';
import { loseJob } from '../support/lost-job.ts';
import { startRunService } from '../support/run-service.ts';
import { linesIn, useTempDirs } from '../support/temp-dirs.ts';
import { usePrefixes } from '../support/test-service.ts';

const newPrefix = usePrefixes();

const tempDir = useTempDirs('lost-pod-job-');
const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

describe('a lost pod job enqueued anew', () => {
  it('carries the run\'s steps as its launch did: a pod fanning out over 4 items under a limit of 4 runs 3 containers (the pod 1, then its 3 items), as it does when its job is not lost', async () => {
    const env = { STRATA_MAX_RUN_STEPS: '4' };
    const prefix = newPrefix('lost-pod');
    const coord = await startRunService(env, { worker: false, graceMs: 100 }, prefix);
    cleanup.push(() => coord.close());
    const dir = tempDir();
    // The plan counts 3 (the pod, its fan-out, the fan-out's task once); the run would make more.
    const root = { id: 'p', pod: { flow: { id: 'g', fanOut: { over: { var: 'params.ns' }, as: 'n', do: { id: 't', task: { image: 'alpine', command: ['sh', '-c', `echo x >> ${dir}/ran`] } } } } } };
    const r = await coord.call('POST', '/v1/runs', { flow: { ...flowDoc(root, 'lost-pod'), spec: { params: { ns: [1, 2, 3, 4] }, root } } });
    expect(r.status, r.text).toBe(202);
    const { launched, again } = await loseJob(prefix, r.body.runId, 'p');
    expect((launched as { cmd: { pod: { stepsBefore?: number } } }).cmd.pod.stepsBefore).toBe(1);
    expect(again).toEqual(launched);
    const worker = await startRunService(env, { coordinator: false }, prefix);
    cleanup.push(() => worker.close());
    const done = await coord.waitRun(r.body.runId);
    expect([done.status, done.error, linesIn(dir, 'ran')]).toEqual(['failed', expect.stringContaining('the run would make more than 4 steps, the limit (STRATA_MAX_RUN_STEPS)'), 3]);
  });
});
