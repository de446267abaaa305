/**
 * `strata worker`: BullMQ workers that take step jobs, run them through a PodRuntime and
 * carry their run forward. Step failures are the flow's business (`retries` in the
 * engine); a thrown error is an infrastructure failure that BullMQ retries with backoff.
 *
 * A worker killed mid-step loses nothing: its job stalls and runs again elsewhere (a new
 * execution of the same attempt), its processes and directories are removed by its
 * watchdog, and the `finished` event is appended once per attempt, only by the execution
 * that holds the job's lock (its token fences every write; see docs/runs.md). A worker
 * that learns it lost a job's lock (a renewal refused) stops that step at once.
 */
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { appendAndSync, sync, type SyncPorts } from '../coordinator/sync.ts';
import type { RunSystem } from '../coordinator/run-system.ts';
import type { PodRuntime } from '../../runtime/pod-runtime.ts';
import type { Guard } from '../../runtime/watchdog/guard.ts';
import type { Fence, RunStore } from '../store/run-store.ts';
import type { StartCommand } from '../engine/types.ts';
import { executionMark, runStep } from './run-step.ts';
import { OutputsPool } from './outputs-pool.ts';
import { rmdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { isRamWorkRoot, reapAttemptDirs, sweepRamWorkRoots, type WorkRoots } from './step-files.ts';
import { STEP_QUEUE, type StepJobData } from './step-job.ts';
import { thrownTransient } from '../engine/transient-fault.ts';
import { isTransientRedisError } from '../errors/strata-error.ts';

export interface StepWorkerOptions {
  sys: RunSystem;
  runtime: PodRuntime;
  /** a connection of its own for BullMQ's blocking commands */
  connection: Redis;
  /** a connection of its own for the cancel channel */
  subscriber: Redis;
  artifactsDir: string;
  /** where execution directories are made (STRATA_HOME/work; step-files.ts) */
  workRoot: string;
  /** where inputs directories without files go: RAM (step-files.ts); absent, workRoot */
  ramRoot?: string;
  concurrency?: number;
  /** how long a job's lock lives without renewal: a killed worker's job stalls after this */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** this process's watchdog (attempt directories are registered with it) */
  guard?: Guard;
}

export interface StepWorker {
  worker: Worker<StepJobData>;
  /** Stop taking jobs, hand running steps back; `force` does not wait for Redis (it may be gone). */
  close(force?: boolean): Promise<void>;
}

const TERMINAL = new Set(['succeeded', 'failed', 'skipped', 'cancelled']);

/** How BullMQ fails a job that stalled more often than maxStalledCount. */
const STALLED = /stalled more than allowable limit/;

/**
 * How many (run, step, attempt) stops of steps a worker was not running it remembers (the
 * oldest forgotten first): a stop comes before the fold that stopped the step is recorded
 * (sync.ts), and a job of that attempt taken in between passes the check; the memory only
 * has to outlast that gap.
 */
const STOPS_KEPT = 100_000;

/** Why a step this worker ran was stopped without its completion being recorded. */
const LOST_LOCK = 'this worker lost the step\'s job lock (it stalled past STRATA_LOCK_MS); another worker runs the step';

/** Why a step was stopped by a stop message (the run's cancel, a deadline): the end the worker records for it, unless the run recorded one. */
const STOPPED = 'stopped: the run told its workers to stop this attempt (a cancel or a deadline)';

export async function startStepWorker(o: StepWorkerOptions): Promise<StepWorker> {
  const { sys } = o;
  // Every instance's RAM directories left by processes gone, this one's included (fault 15):
  // the sweep reaps this worker's RAM root too, unless its name is not one it knows.
  const sweptRam = o.ramRoot !== undefined && isRamWorkRoot(basename(o.ramRoot));
  await reapAttemptDirs([o.workRoot, ...(o.ramRoot && !sweptRam ? [o.ramRoot] : [])]).catch(() => undefined);
  if (o.ramRoot) await sweepRamWorkRoots(dirname(o.ramRoot)).catch(() => undefined);
  const roots: WorkRoots = { pool: new OutputsPool(o.workRoot, o.guard, 2 * (o.concurrency ?? 4)), ...(o.ramRoot ? { ramRoot: o.ramRoot } : {}) };
  // run|step|attempt -> controller of the execution here: a stop names the attempt it stops.
  const running = new Map<string, AbortController>();
  const byJob = new Map<string, AbortController>(); // job id -> controller
  // run|step|attempt told to stop while not running here: a job of it taken later is not run.
  const stopped = new Set<string>();
  await o.subscriber.subscribe(sys.cancelChannel);
  o.subscriber.on('message', (_channel: string, message: string) => {
    let runId: string, steps: string[], attempts: Array<number | undefined>;
    try {
      // One step, or the steps one fold of the run stopped (a cancel's slice); each at its attempt (older coordinators: none).
      const m = JSON.parse(message) as { runId: string; step?: string; steps?: string[]; attempt?: number; attempts?: number[] };
      runId = m.runId;
      steps = m.steps ?? (m.step === undefined ? [] : [m.step]);
      attempts = m.steps ? (m.attempts ?? []) : [m.attempt];
    } catch {
      return; // not ours
    }
    const elsewhere: string[] = [];
    const elsewhereAttempts: Array<number | undefined> = [];
    steps.forEach((step, i) => {
      const attempt = attempts[i];
      const named = typeof attempt === 'number' && attempt > 0 ? attempt : undefined;
      // Only the attempt the message names: a stop told again after a retry of the run (the
      // cancel's, for attempt 1) must not stop attempt 2, which nothing would then end
      // (stale-stop.int). A message of an older coordinator names none: every attempt here.
      const here = named !== undefined ? [running.get(`${runId}|${step}|${named}`)].filter((c) => c !== undefined) : attemptsHere(running, `${runId}|${step}|`);
      if (here.length > 0) return void here.forEach((c) => c.abort(new Error('cancelled')));
      elsewhere.push(step);
      elsewhereAttempts.push(named);
      if (named === undefined) return;
      stopped.add(`${runId}|${step}|${named}`);
      if (stopped.size > STOPS_KEPT) stopped.delete(stopped.values().next().value!);
    });
    // A copy another worker of this machine runs but cannot stop (frozen, or dying) is stopped
    // here: looked for once for the message's steps (a slice of a cancel), not once a step;
    // only copies of the attempt named (a copy of another attempt is left alone).
    if (elsewhere.length > 0) void o.runtime.stopCopies?.(runId, elsewhere, elsewhereAttempts)?.catch(() => undefined);
  });

  let stopping = false;

  const process = async (job: Job<StepJobData>, token?: string): Promise<string> => {
    const { runId, cmd } = job.data;
    // One script call for the steps of this run whose jobs arrived together (step-checks.ts).
    const [status, view] = await sys.store.statusAndProgress(runId, cmd.step);
    const fence: Fence | undefined = token ? { key: `${sys.bullPrefix}:${STEP_QUEUE}:${job.id}:lock`, token } : undefined;
    // attemptsStarted counts every time BullMQ handed this job to a worker: takeovers and retries included.
    const execution = Math.max(1, job.attemptsStarted ?? 1);
    // Pending: the run's first commit goes out after its first steps are enqueued (sync.ts).
    if (status !== 'running' && status !== 'pending') {
      await endLeftOpen(sys.store, runId, cmd, execution, status === 'cancelled', fence);
      return 'run not running';
    }
    if (view && view.attempt > cmd.attempt) return 'already finished';
    if (view && view.attempt === cmd.attempt && TERMINAL.has(view.status)) {
      await endLeftOpen(sys.store, runId, cmd, execution, view.status === 'cancelled', fence);
      return 'already finished';
    }
    // Told to stop before its stop was recorded (the check above read the record from before it).
    if (stopped.has(`${runId}|${cmd.step}|${cmd.attempt}`)) {
      await endStopped(sys, runId, cmd, fence);
      return 'cancelled';
    }
    const key = `${runId}|${cmd.step}|${cmd.attempt}`;
    const controller = new AbortController();
    running.set(key, controller);
    byJob.set(job.id!, controller);
    let event;
    const began = Date.now();
    let outcome = 'failed';
    let error: string | undefined;
    sys.observer.stepStarted({ runId, step: cmd.step, attempt: cmd.attempt });
    try {
      // A re-run is marked in the step's events, so its reports are not mistaken for the first's.
      // A pod run again: its containers' records of the execution before are superseded (docs/runs.md); not a resumed pod's, which keeps its inner steps that succeeded.
      if (execution > 1) await sys.store.report(runId, [...(cmd.kind === 'pod' && !cmd.resume ? [{ step: cmd.step, status: 'running' as const, supersede: true }] : []), { step: cmd.step, status: 'running', attempt: cmd.attempt, execution }], fence);
      // Executions after the first are told apart in the step's log (issue 8 item 11).
      if (cmd.attempt > 1 || execution > 1) await sys.store.appendLogLine(runId, cmd.step, executionMark(cmd.attempt, execution));
      event = await runStep({ runtime: o.runtime, store: sys.store, artifactsDir: o.artifactsDir, roots, limits: sys.limits, ask: (...a) => askRun(sys.ports, ...a), ...(o.guard ? { guard: o.guard } : {}) }, runId, cmd, controller.signal, { number: execution, ...(fence ? { fence } : {}) });
      // A worker that stops hands the step back: the job fails and BullMQ runs it again elsewhere.
      if (stopping) {
        outcome = 'handed back';
        throw new Error('the worker stopped while the step ran; it runs again on another worker');
      }
      if (controller.signal.aborted) {
        const lost = (controller.signal.reason as Error)?.message === LOST_LOCK;
        outcome = lost ? 'lost its lock' : 'cancelled';
        // Stopped by the run: its end goes to the log unless the run recorded one (never left running).
        if (!lost) await endStopped(sys, runId, cmd, fence);
        return outcome;
      }
      const ended = event.type === 'finished' && event.ok ? 'succeeded' : 'failed';
      if (event.type === 'finished' && event.error) error = event.error;
      // Answered once appended: BullMQ completes the job while the sync carries the run on (sync.ts).
      try {
        await appendAndSync(sys.ports, runId, event, `f|${cmd.step}|${cmd.attempt}`, fence, true);
      } catch (e) {
        // Its end is not the run's (Redis refused the append: OOM, MISCONF, away): not said to
        // have succeeded beside the refusal. The job fails, and its step runs again once Redis
        // takes writes (a retry of the job, or a takeover of its lock): at least once.
        outcome = 'unrecorded';
        error = `its end (${ended}) was not recorded: ${(e as Error).message}`;
        throw e;
      }
      outcome = ended;
    } catch (e) {
      error ??= (e as Error).message;
      // Redis away or refusing writes (a pod's reports of its containers, say): nothing of its
      // end is the run's, and it runs again once Redis answers; not said to have failed.
      if (outcome === 'failed' && !stopping && isTransientRedisError(e)) outcome = 'unrecorded';
      // Out of attempts: the step fails with the reason, so the run does not wait for it forever.
      if (!stopping && job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        // Transient when the runtime that threw said so (transient-fault.ts), never by the words.
        const transient = thrownTransient(e) ? { transient: true } : {};
        await appendAndSync(sys.ports, runId, { type: 'finished', step: cmd.step, attempt: cmd.attempt, ok: false, error: `infrastructure failure: ${(e as Error).message}`, ...transient }, `f|${cmd.step}|${cmd.attempt}`, fence);
        outcome = 'failed';
      }
      throw e;
    } finally {
      if (running.get(key) === controller) running.delete(key);
      if (byJob.get(job.id!) === controller) byJob.delete(job.id!);
      sys.observer.stepEnded({ runId, step: cmd.step, attempt: cmd.attempt, durationMs: Date.now() - began, outcome, ...(error ? { error } : {}) });
    }
    return 'done';
  };

  const worker = new Worker<StepJobData>(STEP_QUEUE, process, {
    connection: o.connection,
    prefix: sys.bullPrefix,
    concurrency: o.concurrency ?? 4,
    // A drained worker's blocking read for its next job lasts this many seconds (BZPOPMIN on
    // the queue's marker, then a fetch): BullMQ's default 5 made an idle worker ask twice as
    // often; 10 is BullMQ's own longest block (defaultMaximumBlockTimeout, issue 1658). A job
    // added wakes it at once either way.
    drainDelay: 10,
    lockDuration: o.lockDurationMs ?? 30_000,
    stalledInterval: o.stalledIntervalMs ?? 15_000,
    maxStalledCount: 3,
  });
  worker.on('error', () => {});
  // A job that stalled more times than allowed (its workers died or froze while running it)
  // is failed by BullMQ without our processor: the step fails with the reason, as when an
  // infrastructure failure has used up its attempts.
  worker.on('failed', (job: Job<StepJobData> | undefined, err: Error) => {
    if (!job || !STALLED.test(err.message)) return;
    const { runId, cmd } = job.data;
    void appendAndSync(sys.ports, runId, { type: 'finished', step: cmd.step, attempt: cmd.attempt, ok: false, error: `infrastructure failure: ${err.message} (each worker running it died or froze past its lock)` }, `f|${cmd.step}|${cmd.attempt}`).catch(() => undefined);
  });
  // Another worker may have the job now: stop this copy at once rather than when it ends.
  worker.on('lockRenewalFailed', (jobIds: string[]) => {
    for (const id of jobIds) byJob.get(id)?.abort(new Error(LOST_LOCK));
  });
  return {
    worker,
    async close(force = false) {
      stopping = true;
      for (const c of running.values()) c.abort(new Error('worker stopping'));
      await worker.close(force);
      roots.pool.close();
      await o.runtime.close?.();
      // Its RAM directory goes with the last worker of the instance (another's executions keep it).
      if (o.ramRoot) await rmdir(o.ramRoot).catch(() => undefined);
      if (!force) await o.subscriber.unsubscribe().catch(() => undefined);
    },
  };
}

/** The controllers of every attempt of one step running here (`prefix`: run|step|): a stop that names no attempt. */
function attemptsHere(running: Map<string, AbortController>, prefix: string): AbortController[] {
  return [...running].filter(([k]) => k.startsWith(prefix) && /^\d+$/.test(k.slice(prefix.length))).map(([, c]) => c);
}

/**
 * A step attempt stopped by a stop message (or whose job was not run for one) ends in the
 * run's log, as a failure, unless the run has recorded its end already (the cancel or
 * deadline that stopped it: the usual case, and then nothing is appended). The stop goes out
 * before the fold that decided it is recorded (sync.ts), so the record may still say running:
 * the `finished` appended then is folded after the cancel or deadline, and changes nothing
 * (a late event). Without it, a stop that no fold of the run recorded (one told again after
 * a retry of the run, tester 19) left the step running for ever: nothing else ends it.
 */
async function endStopped(sys: RunSystem, runId: string, cmd: StartCommand, fence: Fence | undefined): Promise<void> {
  const [status, view] = await sys.store.statusAndProgress(runId, cmd.step);
  if (status !== 'running' && status !== 'pending') return;
  if (view && (view.attempt > cmd.attempt || (view.attempt === cmd.attempt && TERMINAL.has(view.status)))) return;
  await appendAndSync(sys.ports, runId, { type: 'finished', step: cmd.step, attempt: cmd.attempt, ok: false, error: STOPPED }, `f|${cmd.step}|${cmd.attempt}`, fence);
}

/**
 * A pod's job taken over (a later execution) after its pod ended without it (the run was
 * cancelled, or the pod failed or timed out, while the worker running it was dead): the micro
 * steps its dead execution reported running end now, as they would with their pod (run-step.ts
 * OpenSteps). Nobody else ends them: they stayed running under the ended run (tester 16,
 * test/worker/pod-ended-steps.int.test.ts).
 */
async function endLeftOpen(store: RunStore, runId: string, cmd: StartCommand, execution: number, cancelled: boolean, fence: Fence | undefined): Promise<void> {
  if (cmd.kind !== 'pod' || execution <= 1) return;
  const open = await store.openStepsUnder(runId, cmd.step);
  if (open.length === 0) return;
  const error = 'its pod ended before it did: its worker stopped while it ran';
  await store.report(runId, open.map((o) => ({ step: o.step, status: cancelled ? 'cancelled' : 'failed', error, attempt: o.attempt })), fence);
}

/**
 * A pod's ask for `steps` micro steps in all (log version 8; RunStepPorts.ask): appended to
 * the run's log once per total asked (a second execution asking the same reads the same
 * answer), folded, and the run's answer read from this process's fold of it.
 */
async function askRun(ports: SyncPorts, runId: string, step: string, attempt: number, steps: number, fence: Fence | undefined): Promise<number | undefined> {
  await appendAndSync(ports, runId, { type: 'ask', step, attempt, steps }, `a|${step}|${attempt}|${steps}`, fence);
  // A refused commit forgets the fold: fold the log again to read the answer.
  if (!ports.cache.get(runId)) await sync(ports, runId);
  return ports.cache.get(runId)?.engine.grantFor(step, attempt, steps);
}
