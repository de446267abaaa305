/**
 * The run side of one process, wired once: the step queue (BullMQ), the sync ports every
 * coordinator and worker shares, and the cancel channel. Both `strata up` and the
 * separate `strata serve` / `strata worker` processes build on this.
 */
import { Queue } from 'bullmq';
import { DEFAULT_LIMITS, foldLimits, runLimits, type Limits, type RunLimits } from '../flow/limits.ts';
import type { Redis } from 'ioredis';
import { jobStandings, removeJobs, type JobRemoval, type JobStanding } from '../store/step-jobs.ts';
import type { StartCommand } from '../engine/types.ts';
import type { FlowRegistry } from '../plan/flow-registry.ts';
import type { Generator } from '../rules/generator.ts';
import type { Rule } from '../rules/rule-document.ts';
import { NO_OBSERVER, type RunObserver } from '../run/run-observer.ts';
import { RunStore } from '../store/run-store.ts';
import { EngineCache } from './engine-cache.ts';
import { expand } from './expander.ts';
import { DeadlineBook } from './deadlines.ts';
import { timerDedupe, timerEvent } from '../engine/timer-names.ts';
import { appendAndSync, syncLocal, syncLocalBeside, type SyncPorts } from './sync.ts';
import { readWindow } from './window-reader.ts';
import { STEP_QUEUE, stepJobId, type StepJobData } from '../worker/step-job.ts';

/** How many times a step's job runs in all when the runtime fails it (an infrastructure failure), unless jobAttempts says otherwise. */
export const DEFAULT_JOB_ATTEMPTS = 3;

export interface RunSystemOptions {
  /** a connection for commands (not blocking) */
  redis: Redis;
  prefix: string;
  rules(): Promise<Rule[]>;
  registry: FlowRegistry;
  generators: ReadonlyMap<string, Generator>;
  /** size limits (the process's configuration; DEFAULT_LIMITS when unset): runs' engines, generate steps' Datasets, results */
  limits?: Limits;
  /** BullMQ attempts for infrastructure failures (a step's own failures use its `retries`; DEFAULT_JOB_ATTEMPTS when unset) */
  jobAttempts?: number;
  /** the only directories file:// cycle sources may be read from; unset: any */
  fileRoots?: string[];
  /** told about run and step starts and ends (logs, metrics, notifications) */
  observer?: RunObserver;
  /** engines kept per process (1024 when unset) */
  engineCacheSize?: number;
  /** how long after a change a run is due, unless the sync that follows settles it (RunStore) */
  graceMs?: number;
  /** steps started per slice when a log entry is folded in slices (STRATA_FOLD_SLICE_STEPS; FOLD_SLICE_STEPS when unset) */
  foldSliceSteps?: number;
  /** another run system of this process whose runs' locks and last commits this one shares (syncLocalBeside) */
  beside?: RunSystem;
}

/** Step jobs added to the queue per call at most. */
const ENQUEUE_BATCH = 500;

export interface RunSystem {
  store: RunStore;
  queue: Queue<StepJobData>;
  ports: SyncPorts;
  bullPrefix: string;
  cancelChannel: string;
  observer: RunObserver;
  deadlines: DeadlineBook;
  /** what a run may make and hold (steps, result sizes, unit depth) */
  limits: RunLimits;
  /** the standing of each step job in `jobIds` (same order), a batch of ids per command (store/step-jobs.ts) */
  stepJobStandings(jobIds: string[]): Promise<JobStanding[]>;
  /** remove step jobs as Queue.remove does (a locked one is kept), a batch of ids per command (store/step-jobs.ts) */
  removeStepJobs(jobIds: string[]): Promise<JobRemoval[]>;
  close(): Promise<void>;
}

export function createRunSystem(o: RunSystemOptions): RunSystem {
  const bullPrefix = `${o.prefix}:bull`;
  const store = new RunStore(o.redis, `${o.prefix}:`, o.graceMs);
  if (o.limits) store.logCap = o.limits.maxLogBytes;
  // The runs made here are folded by this process's limits everywhere (engine-cache.ts fold).
  store.foldLimits = foldLimits(o.limits ?? DEFAULT_LIMITS);
  const queue = new Queue<StepJobData>(STEP_QUEUE, { connection: o.redis, prefix: bullPrefix });
  queue.on('error', () => {});
  const cancelChannel = `${o.prefix}:cancel`;
  const observer = o.observer ?? NO_OBSERVER;
  const limits = o.limits ?? DEFAULT_LIMITS;
  const deadlines = new DeadlineBook(o.redis, `${o.prefix}:deadlines`, { channel: store.dueKey, graceMs: store.dueGraceMs });
  const ports: SyncPorts = {
    store,
    cache: new EngineCache(o.engineCacheSize, runLimits(limits), o.foldSliceSteps),
    local: o.beside ? syncLocalBeside(o.beside.ports.local) : syncLocal(),
    maxUnitDepth: limits.maxUnitDepth,
    onRunEnded: (runId, status) => observer.runEnded(runId, status),
    async enqueue(runId: string, cmds: StartCommand[]) {
      if (cmds.length === 0) return;
      const opts = (cmd: StartCommand) => ({
        jobId: stepJobId(runId, cmd.step, cmd.attempt),
        attempts: o.jobAttempts ?? DEFAULT_JOB_ATTEMPTS,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: { age: 24 * 3600, count: 200_000 },
        removeOnFail: { age: 7 * 24 * 3600 },
      });
      if (cmds.length === 1) await queue.add(cmds[0].step, { runId, cmd: cmds[0] }, opts(cmds[0]));
      // In batches: BullMQ adds a bulk in one script (addJobs), which would hold Redis for
      // the whole of a big fan-out; a batch takes it a few milliseconds.
      else for (let i = 0; i < cmds.length; i += ENQUEUE_BATCH) await queue.addBulk(cmds.slice(i, i + ENQUEUE_BATCH).map((cmd) => ({ name: cmd.step, data: { runId, cmd }, opts: opts(cmd) })));
    },
    // One message for the steps a fold stops (a cancel of 20,000 steps was 20,000 messages, each parsed by every worker).
    // Each step's attempt too: a worker that takes that attempt's job after the message (before
    // the fold that stopped it is recorded) does not run it (step-worker.ts).
    async kill(runId: string, steps: string[], attempts: number[]) {
      await o.redis.publish(cancelChannel, JSON.stringify(steps.length === 1 ? { runId, step: steps[0], attempt: attempts[0] } : { runId, steps, attempts }));
    },
    readWindow: (runId, cmd) => readWindow(o.redis, store.key(runId, 'cursors'), cmd, o.fileRoots),
    expand: (_runId, cmd) => expand({ rules: o.rules, registry: o.registry, generators: o.generators, limits }, cmd),
    armDeadlines: async (runId, cmds) => {
      const fresh = await deadlines.arm(runId, cmds);
      // The step's log says why nothing runs for a while (once: a timer is stored once).
      for (const c of fresh) if (c.type === 'backoff') await store.appendLogLine(runId, c.step, `strata: attempt ${c.attempt} in ${c.seconds} s (retry back-off)\n`);
    },
  };
  deadlines.onFire(async (runId, t) => {
    if ((await store.status(runId)) !== 'running') return;
    // Each timer's event is appended once (a step started again arms its own: timer-names.ts).
    await appendAndSync(ports, runId, timerEvent(t), timerDedupe(t));
  });
  return {
    store, queue, ports, bullPrefix, cancelChannel, observer, deadlines, limits: runLimits(limits),
    stepJobStandings: (jobIds) => jobStandings(o.redis, bullPrefix, STEP_QUEUE, jobIds),
    removeStepJobs: (jobIds) => removeJobs(o.redis, bullPrefix, STEP_QUEUE, jobIds),
    close: async () => {
      deadlines.stop();
      await queue.close();
    },
  };
}
