/**
 * `strata worker`: BullMQ workers that take step jobs, run them through a PodRuntime and
 * carry their run forward. Step failures are the flow's business (`retries` in the
 * engine); a thrown error is an infrastructure failure that BullMQ retries with backoff.
 * A worker killed mid-step loses nothing: its job stalls and runs again elsewhere, and
 * the `finished` event is appended once per attempt.
 */
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { appendAndSync } from '../coordinator/sync.ts';
import type { RunSystem } from '../coordinator/run-system.ts';
import type { PodRuntime } from '../../runtime/pod-runtime.ts';
import { runStep } from './run-step.ts';
import { STEP_QUEUE, type StepJobData } from './step-job.ts';

export interface StepWorkerOptions {
  sys: RunSystem;
  runtime: PodRuntime;
  /** a connection of its own for BullMQ's blocking commands */
  connection: Redis;
  /** a connection of its own for the cancel channel */
  subscriber: Redis;
  artifactsDir: string;
  workDir: string;
  concurrency?: number;
  /** how long a job's lock lives without renewal: a killed worker's job stalls after this */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

export interface StepWorker {
  worker: Worker<StepJobData>;
  close(): Promise<void>;
}

const TERMINAL = new Set(['succeeded', 'failed', 'skipped', 'cancelled']);

export async function startStepWorker(o: StepWorkerOptions): Promise<StepWorker> {
  const { sys } = o;
  const running = new Map<string, AbortController>(); // run|step -> controller
  await o.subscriber.subscribe(sys.cancelChannel);
  o.subscriber.on('message', (_channel: string, message: string) => {
    try {
      const { runId, step } = JSON.parse(message) as { runId: string; step: string };
      running.get(`${runId}|${step}`)?.abort(new Error('cancelled'));
    } catch {
      // not ours
    }
  });

  let stopping = false;

  const process = async (job: Job<StepJobData>): Promise<string> => {
    const { runId, cmd } = job.data;
    // Both reads go out together: one round trip.
    const [status, view] = await Promise.all([sys.store.status(runId), sys.store.step(runId, cmd.step)]);
    if (status !== 'running') return 'run not running';
    if (view && (view.attempts > cmd.attempt || (view.attempts === cmd.attempt && TERMINAL.has(view.status)))) return 'already finished';
    const key = `${runId}|${cmd.step}`;
    const controller = new AbortController();
    running.set(key, controller);
    let event;
    const began = Date.now();
    let outcome = 'failed';
    let error: string | undefined;
    sys.observer.stepStarted({ runId, step: cmd.step, attempt: cmd.attempt });
    try {
      event = await runStep({ runtime: o.runtime, store: sys.store, artifactsDir: o.artifactsDir, workDir: o.workDir }, runId, cmd, controller.signal);
      // A worker that stops hands the step back: the job fails and BullMQ runs it again elsewhere.
      if (stopping) {
        outcome = 'handed back';
        throw new Error('the worker stopped while the step ran; it runs again on another worker');
      }
      if (controller.signal.aborted) {
        outcome = 'cancelled';
        return 'cancelled';
      }
      outcome = event.type === 'finished' && event.ok ? 'succeeded' : 'failed';
      if (event.type === 'finished' && event.error) error = event.error;
      await appendAndSync(sys.ports, runId, event, `f|${cmd.step}|${cmd.attempt}`);
    } catch (e) {
      error ??= (e as Error).message;
      // Out of attempts: the step fails with the reason, so the run does not wait for it forever.
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        await appendAndSync(sys.ports, runId, { type: 'finished', step: cmd.step, attempt: cmd.attempt, ok: false, error: `infrastructure failure: ${(e as Error).message}` }, `f|${cmd.step}|${cmd.attempt}`);
      }
      throw e;
    } finally {
      running.delete(key);
      sys.observer.stepEnded({ runId, step: cmd.step, attempt: cmd.attempt, durationMs: Date.now() - began, outcome, ...(error ? { error } : {}) });
    }
    return 'done';
  };

  const worker = new Worker<StepJobData>(STEP_QUEUE, process, {
    connection: o.connection,
    prefix: sys.bullPrefix,
    concurrency: o.concurrency ?? 4,
    lockDuration: o.lockDurationMs ?? 30_000,
    stalledInterval: o.stalledIntervalMs ?? 15_000,
    maxStalledCount: 3,
  });
  worker.on('error', () => {});
  return {
    worker,
    async close() {
      stopping = true;
      for (const c of running.values()) c.abort(new Error('worker stopping'));
      await worker.close();
      await o.runtime.close?.();
      await o.subscriber.unsubscribe().catch(() => undefined);
    },
  };
}
