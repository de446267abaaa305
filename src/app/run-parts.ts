/**
 * The run side of a process: coordinator (start, cancel, sweep) and, for `strata up` and
 * `strata worker`, step workers with a runtime. One function per role, both on one
 * RunSystem.
 */
import { redisUnavailable } from '../errors/strata-error.ts';
import { join } from 'node:path';
import { GENERATORS } from '../../generators/index.ts';
import { LocalRuntime } from '../../runtime/local/local-runtime.ts';
import { homeNamespace, ramWorkRoot } from '../../runtime/local/pod-dirs.ts';
import { NoopRuntime } from '../../runtime/noop-runtime.ts';
import { Guard } from '../../runtime/watchdog/guard.ts';
import type { PodRuntime } from '../../runtime/pod-runtime.ts';
import { STRATA_IMAGES } from '../../runtime/programs/index.ts';
import type { RunsPort } from '../coordinator/runs-port.ts';
import { Coordinator } from '../coordinator/coordinator.ts';
import { createRunSystem, type RunSystem } from '../coordinator/run-system.ts';
import { runsService } from '../coordinator/runs-service.ts';
import { loadBuiltinRules, rulesInForce } from '../store/builtin-rules.ts';
import { RunEventsHub } from '../store/run-events-hub.ts';
import { RunLogsHub } from '../store/run-logs-hub.ts';
import type { Rule } from '../rules/rule-document.ts';
import type { DefinitionsStore } from '../store/definitions-store.ts';
import { startStepWorker, type StepWorker } from '../worker/step-worker.ts';
import { GENERATOR_NAMES } from '../../generators/index.ts';
import type { Config } from './config.ts';
import { silentLogger, type Logger } from './logger.ts';
import { runTelemetry } from './run-telemetry.ts';
import type { RunStatus } from '../engine/types.ts';
import { TriggerStore } from '../store/trigger-store.ts';
import { startNotifier, type Notifier } from './notifier.ts';
import { Scheduler } from './scheduler.ts';
import type { CpuPool } from '../api/cpu/cpu-pool.ts';
import { cpuThreads } from './cpu-threads.ts';
import { whenReady, type RedisHandle } from './redis-connection.ts';

export interface RunParts {
  sys: RunSystem;
  coordinator?: Coordinator;
  scheduler?: Scheduler;
  port?: RunsPort;
  worker?: StepWorker;
  /** BullMQ's metrics of the step queue (Prometheus text); fails with a 503 error within STRATA_REDIS_TIMEOUT_MS while Redis is away or frozen. */
  queueMetrics(): Promise<string>;
  /** Stop; `force`: without waiting for Redis (it may be gone), steps killed by the watchdog. */
  close(force?: boolean): Promise<void>;
}

export interface RunPartsOptions {
  /** the built-in rules, when the caller has loaded them already (read from rules/ otherwise) */
  builtinRules?: Rule[];
  coordinator: boolean;
  worker: boolean;
  runtime?: PodRuntime;
  /** how long after a change a coordinator takes up a run whose sync did not finish (STRATA_SYNC_GRACE_MS) */
  graceMs?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** the process log; run and step lines go there (silent when absent) */
  logger?: Logger;
  /** the CPU pool schedule ticks are planned on (the service's); absent: the coordinator starts one of its own when a tick first needs it */
  cpu?: CpuPool;
  /** how long after a look at the schedules that failed (Redis away) the scheduler looks again (500 ms) */
  scheduleIntervalMs?: number;
  /** the first delay before a failed onEnd delivery is tried again (1 s) */
  notifyBackoffMs?: number;
}

/** The runtime named by STRATA_RUNTIME; `guard`: the worker process's watchdog. */
export async function runtimeFor(config: Config, guard?: Guard): Promise<PodRuntime> {
  if (config.runtime === 'kubernetes') {
    // Loaded only when asked for: the Kubernetes client is heavy.
    const kube = await import('../../runtime/kubernetes/index.ts');
    return kube.createKubeRuntimeFromEnv(process.env);
  }
  if (config.runtime === 'noop') return new NoopRuntime();
  return new LocalRuntime({
    imageMap: { ...STRATA_IMAGES, ...config.images },
    home: config.home,
    ...(config.fileRoots ? { fileRoots: config.fileRoots } : {}),
    ...(guard ? { guard } : {}),
  });
}

/** `p`, or a 503 error (redisUnavailable) once `ms` have passed without an answer. */
function bounded<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(redisUnavailable()), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Wait for `p`, or when `force`, for at most a second. */
async function within(force: boolean, p: Promise<unknown> | undefined): Promise<void> {
  if (!p) return;
  const settled = p.then(() => undefined, () => undefined);
  if (!force) return settled;
  await Promise.race([settled, new Promise<void>((r) => setTimeout(r, 1000).unref())]);
}

export async function startRunParts(config: Config, redis: RedisHandle, defs: DefinitionsStore, o: RunPartsOptions): Promise<RunParts> {
  const builtin = o.builtinRules ?? loadBuiltinRules(GENERATOR_NAMES);
  const rules = () => rulesInForce(defs, builtin);
  const log = o.logger ?? silentLogger;
  let store: RunSystem['store'] | undefined;
  let notifier: Notifier | undefined;
  const onEnd = (runId: string, status: RunStatus) => void notifier?.ended(runId, status).catch((e) => log.error({ event: 'notify.error', run: runId, err: e }, `onEnd of run ${runId} not queued: ${(e as Error).message}`));
  const observer = runTelemetry({ log, store: () => store, onEnd });
  const graceMs = o.graceMs ?? config.syncGraceMs;
  const sys = createRunSystem({ redis: redis.connect(), prefix: config.prefix, rules, registry: defs, generators: GENERATORS, observer, graceMs, foldSliceSteps: config.foldSliceSteps, limits: config.limits, ...(config.fileRoots ? { fileRoots: config.fileRoots } : {}) });
  store = sys.store;
  // Any process that ends a run queues its notification; coordinators deliver them.
  notifier = startNotifier({ store: sys.store, connection: redis.connect(), bullPrefix: sys.bullPrefix, secret: config.notifySecret, log, deliver: o.coordinator ? { connection: redis.connect() } : undefined, ...(o.notifyBackoffMs ? { backoffMs: o.notifyBackoffMs } : {}) });
  let scheduler: Scheduler | undefined;
  let coordinator: Coordinator | undefined;
  let port: RunsPort | undefined;
  let hub: RunEventsHub | undefined;
  let requestSys: RunSystem | undefined;
  let ownCpu: CpuPool | undefined;
  if (o.coordinator) {
    coordinator = new Coordinator(sys, join(config.home, 'artifacts'), config.retentionMs);
    if (notifier.outbox) coordinator.addSource(notifier.outbox);
    await coordinator.startWaiting(redis.connect());
    // Requests get a run system of their own on a connection that fails fast while Redis is
    // away (503), where the sweep waits for Redis as long as it takes. Two run systems in one
    // process act like two processes on one Redis, which the run design allows (docs/runs.md),
    // but they share each run's lock and last commit: the coordinator's take-up of a run whose
    // cancel a request folds (past the grace, under load) waits for it, where it folded the
    // cancel again and told every step to stop a second time (cancel-slices.int).
    const client = redis.connect({ requests: true });
    await whenReady(client);
    requestSys = createRunSystem({ redis: client, prefix: config.prefix, rules, registry: defs, generators: GENERATORS, observer, engineCacheSize: 64, beside: sys, graceMs, foldSliceSteps: config.foldSliceSteps, limits: config.limits, ...(config.fileRoots ? { fileRoots: config.fileRoots } : {}) });
    // The hub's subscription waits an outage out and subscribes again; its reads fail fast.
    hub = new RunEventsHub(requestSys.store, redis.connect());
    port = runsService(requestSys, new Coordinator(requestSys, join(config.home, 'artifacts')), hub, join(config.home, 'artifacts'), new RunLogsHub(requestSys.store, redis.connect()));
    // A tick's run is planned on the CPU pool: the service's, or (no API here) one of this process's own.
    if (!o.cpu) ownCpu = cpuThreads(config, redis.url, log, true);
    scheduler = new Scheduler({ triggers: new TriggerStore(redis.connect(), `${config.prefix}:`), store: sys.store, starter: { cpu: o.cpu ?? ownCpu!, defs, runs: port }, log }, o.scheduleIntervalMs ?? 500);
    await scheduler.startWaiting(redis.connect());
  }
  let worker: StepWorker | undefined;
  let guard: Guard | undefined;
  const close = async (force = false) => {
    coordinator?.stop();
    scheduler?.stop();
    hub?.close();
    // Forced: Redis may be gone, so nothing here waits for it for long; the watchdog,
    // let go, kills whatever steps still run.
    await within(force, notifier?.close());
    await within(force, worker?.close(force));
    await guard?.close();
    await within(force, requestSys?.close());
    await within(force, sys.close());
    await ownCpu?.close();
  };
  try {
    if (o.worker) await startWorker();
  } catch (e) {
    // Nothing started here outlives a start that failed (a timer of the scheduler would fire on closed connections).
    await close(true);
    throw e;
  }
  // The request connection when there is one (it fails fast); a worker's connections wait
  // for Redis as long as it takes, so there the answer is bounded by the command timeout.
  const queueMetrics = () => bounded((requestSys ?? sys).queue.exportPrometheusMetrics(), config.redisTimeoutMs);
  return { sys, coordinator, scheduler, port, worker, queueMetrics, close };

  async function startWorker(): Promise<void> {
    // One watchdog per worker process: whatever its steps start or make goes with it.
    guard = new Guard();
    await guard.start();
    worker = await startStepWorker({
      sys,
      guard,
      runtime: o.runtime ?? (await runtimeFor(config, guard)),
      connection: redis.connect(),
      subscriber: redis.connect(),
      artifactsDir: join(config.home, 'artifacts'),
      workRoot: join(config.home, 'work'),
      ramRoot: ramWorkRoot({ namespace: homeNamespace(config.home) }),
      concurrency: config.workerConcurrency,
      lockDurationMs: o.lockDurationMs ?? config.lockDurationMs,
      stalledIntervalMs: o.stalledIntervalMs ?? config.stalledIntervalMs,
    });
  }
}
