/**
 * The worker answers a step's BullMQ job once its `finished` event is appended, before the
 * sync that carries the run on (sync.ts, appendAndSync `early`). Should that sync fail, or
 * the worker die after the answer, the append has marked the run due, and a coordinator
 * takes it up and carries it to its end. Real processes: the step's worker is a real
 * `strata worker` whose every enqueue and commit is refused or held
 * (test/support/faulty-worker.mjs); the coordinator is the test service's (no worker).
 */
import { Queue } from 'bullmq';
import { describe, expect, inject, it } from 'vitest';
import { STEP_QUEUE, stepJobId } from '../../src/worker/step-job.ts';
import { flowDoc, shTask } from '../support/documents.ts';
import { until } from '../support/processes.ts';
import type { RunTestService } from '../support/run-service.ts';
import { useWorkersBeside } from '../support/workers-beside.ts';

const beside = useWorkersBeside();

const FLOW = flowDoc({ sequence: [{ id: 'a', task: shTask('echo \'{"n":1}\' > $STRATA_OUTPUTS/result.json') }, { id: 'b', task: shTask('echo \'{"n":2}\' > $STRATA_OUTPUTS/result.json') }] }, 'early');

async function setUp(): Promise<{ svc: RunTestService; env: Record<string, string>; queue: Queue }> {
  const { svc, env } = await beside.service({}, {}, { STRATA_SYNC_GRACE_MS: '300' });
  const queue = new Queue(STEP_QUEUE, { connection: { url: inject('redisUrl') } as never, prefix: `${svc.prefix}:bull` });
  beside.later(() => queue.close());
  return { svc, env, queue };
}

describe('the worker\'s early answer: a sync lost after the append', () => {
  it('every sync of the worker fails after its append: each step\'s job is answered, and the coordinator carries the run to its end', async () => {
    const { svc, env, queue } = await setUp();
    const worker = beside.worker(env, 'fail');
    const r = await svc.call('POST', '/v1/runs', { flow: FLOW });
    expect(r.status).toBe(202);
    const run = await svc.waitRun(r.body.runId, 60_000);
    expect(run.status, worker.output()).toBe('succeeded');
    // Each step ran once (an execution BullMQ retried would count 2) and its job was answered;
    // the fault was met after the appends (each sync goes on beside its answer, in its own time).
    expect(run.steps.a).toMatchObject({ status: 'succeeded', result: { n: 1 }, attempts: 1 });
    expect(run.steps.b).toMatchObject({ status: 'succeeded', result: { n: 2 }, attempts: 1 });
    const answered = async () => (await Promise.all(['a', 'b'].map((s) => queue.getJobState(stepJobId(run.id, s, 1))))).every((st) => st === 'completed');
    await until('both steps\' jobs answered', answered, 30_000);
    await until('a sync of the worker refused', () => /fault: (enqueue|commit) refused/.test(worker.output()), 30_000);
  }, 90_000);

  it('a worker that dies after answering, its sync held: the run is carried on by the coordinator and another worker', async () => {
    const { svc, env, queue } = await setUp();
    const faulty = beside.worker(env, 'hang');
    const r = await svc.call('POST', '/v1/runs', { flow: FLOW });
    expect(r.status).toBe(202);
    const runId = r.body.runId as string;
    // a's job is answered while the worker's sync after it is held: then the worker dies.
    await until('step a\'s job answered', async () => (await queue.getJobState(stepJobId(runId, 'a', 1))) === 'completed', 30_000);
    // The sync after the append goes on beside the answer: it reaches its held enqueue in its own time.
    await until('the sync after a\'s append held', () => faulty.output().includes('fault: enqueue held'), 30_000);
    faulty.kill('SIGKILL');
    const worker = beside.worker(env);
    const run = await svc.waitRun(runId, 60_000);
    expect(run.status, worker.output()).toBe('succeeded');
    expect(run.steps.a).toMatchObject({ status: 'succeeded', result: { n: 1 }, attempts: 1 });
    expect(run.steps.b).toMatchObject({ status: 'succeeded', result: { n: 2 }, attempts: 1 });
  }, 90_000);
});
