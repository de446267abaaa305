/**
 * Where the routes' CPU-heavy tasks run: a pool of worker threads (piscina) in a service,
 * so that parsing a large document or dry-running a large plan never holds up the main
 * thread (health checks, the coordinator, a worker under `strata up`); or this thread,
 * for callers that measure a route alone (bench/). Why threads and not chunking:
 * docs/api-safety.md.
 */
import type { ParamsLimits } from '../../flow/params-limits.ts';
import type { Limits } from '../../flow/limits.ts';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { builtBundle, rebuiltSinceStart } from '../../../runtime/built-copy.ts';
import { StrataError, type ErrorCode } from '../../errors/strata-error.ts';
import { TASKS, type TaskContext, type TaskInput, type TaskName, type TaskResult } from './tasks.ts';
import { isThreadLoaded } from './thread-loaded.ts';

export interface CpuPool {
  run<N extends TaskName>(name: N, input: TaskInput): Promise<TaskResult<N>>;
  close(): Promise<void>;
}

/** What a worker thread sends back: a result, or the error a user sees (never a stack trace). */
export type TaskOutcome = { ok: unknown } | { error: { code: ErrorCode; message: string; details: Record<string, unknown> }; internal?: string };

/** Tasks run on the calling thread. */
export function inlinePool(ctx: TaskContext): CpuPool {
  return {
    run: (name, input) => TASKS[name](ctx, input) as never,
    close: async () => {},
  };
}

/** A pool made by `start` on its first task, so that a process that never has one starts no thread. */
export function lazyPool(start: () => CpuPool): CpuPool {
  let pool: CpuPool | undefined;
  return {
    run: (name, input) => (pool ??= start()).run(name, input),
    close: async () => pool?.close(),
  };
}

export interface ThreadPoolOptions {
  /** what each worker thread needs to build its TaskContext */
  workerData: { redisUrl: string; prefix: string; redisTimeoutMs: number; maxBytes: number; maxYamlBytes: number; paramsLimits?: ParamsLimits; sizeLimits?: Limits };
  /** threads (STRATA_API_THREADS; default 2, more on machines with more cores) */
  threads?: number;
  /** a task running longer is stopped and its request answered 422 (STRATA_API_TASK_MS) */
  taskTimeoutMs: number;
  /** heap of one thread in MB; a task needing more is stopped and answered 413 (STRATA_API_TASK_MB) */
  taskMemoryMb: number;
  /** tasks waiting for a thread; past that a request is answered 503 */
  maxQueue?: number;
  /** internal errors of tasks, for the service's log */
  log?: (message: string) => void;
  /** told, as close() stops the threads, how many there were and how many had loaded their module */
  onStop?: (state: { threads: number; loaded: number }) => void;
  /** how long close() waits at most for threads still loading their module (ms; 5000): a stop stays bounded */
  loadWaitMs?: number;
}


/** The default thread count: 2, or half the cores where there are more than 4. */
export function defaultThreads(): number {
  return Math.max(2, Math.floor(availableParallelism() / 2));
}

/**
 * The module each thread of the pool runs (a file URL). Under tsx (sources run as
 * TypeScript), cpu-worker.ts, unless dist/ holds a fresh compiled copy (built-copy.ts);
 * compiled, cpu-worker.js, or its bundle when the build made one (dist/bundle/cpu-worker.js:
 * 0.39 s of CPU to load against 0.61 s for its modules, docs/performance.md).
 */
export function cpuWorkerFile(): URL {
  const here = import.meta.url;
  return builtBundle(new URL(here.endsWith('.ts') ? './cpu-worker.ts' : './cpu-worker.js', here), 'cpu-worker');
}

/** Tasks run on worker threads; one is started now (so the first request does not wait for it), more when tasks wait. */
export function threadPool(o: ThreadPoolOptions): CpuPool {
  const threads = o.threads ?? defaultThreads();
  const worker = cpuWorkerFile();
  // Under tsx, the TypeScript worker is loaded by a small ESM file that registers tsx first.
  const filename = worker.href.endsWith('.ts') ? new URL('./cpu-worker-boot.mjs', import.meta.url).href : worker.href;
  const pool = new Piscina({
    filename,
    minThreads: 1,
    maxThreads: threads,
    maxQueue: o.maxQueue ?? 64,
    idleTimeout: 2 ** 31 - 1,
    // An idle thread must keep its event loop turning: its Redis connection reconnects on
    // timers (with atomics a thread waits blocked between tasks).
    atomics: 'disabled',
    workerData: o.workerData,
    resourceLimits: { maxOldGenerationSizeMb: o.taskMemoryMb },
  });
  pool.on('error', (e: Error) => o.log?.(`worker thread error: ${e.message}`));
  // Threads that have loaded their module, by threadId (their own message); whoever waits for them is told at each change.
  const loaded = new Set<number>();
  let changed: (() => void) | undefined;
  const tell = () => changed?.();
  pool.on('message', (m: unknown) => {
    if (!isThreadLoaded(m)) return;
    loaded.add(m.threadId);
    tell();
  });
  // A thread that dies before it loads is waited for no longer.
  pool.on('workerDestroy', tell);
  const allLoaded = () => pool.threads.every((t) => loaded.has(t.threadId));
  return {
    async run(name, input) {
      // A thread started now would load the new build's module beside this process's old code.
      const rebuilt = rebuiltSinceStart();
      if (rebuilt !== undefined) throw new StrataError('unavailable', rebuilt);
      const bytes = input.body.bytes;
      // The body's bytes move to the thread (no copy) when they fill their buffer.
      const transferList = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? [bytes.buffer as ArrayBuffer] : [];
      let outcome: TaskOutcome;
      try {
        outcome = (await pool.run({ name, input }, { transferList, signal: AbortSignal.timeout(o.taskTimeoutMs) })) as TaskOutcome;
      } catch (e) {
        throw poolFailure(e, o);
      }
      if ('ok' in outcome) return outcome.ok as never;
      if (outcome.internal) o.log?.(outcome.internal);
      throw new StrataError(outcome.error.code, outcome.error.message, outcome.error.details);
    },
    async close() {
      // A thread stopped while it still loads its module (piscina require()s the ES module)
      // can abort the whole process with a V8 fatal error (IsGraphAsync on a module not
      // instantiated; seen on Node 20 at a Ctrl-C right after start): wait, at most 5 s
      // (loadWaitMs), for each thread's word that it has loaded before stopping them.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => done(), o.loadWaitMs ?? 5000);
        timer.unref();
        const done = () => {
          changed = undefined;
          clearTimeout(timer);
          resolve();
        };
        changed = () => allLoaded() && done();
        changed();
      });
      o.onStop?.({ threads: pool.threads.length, loaded: pool.threads.filter((t) => loaded.has(t.threadId)).length });
      await pool.destroy();
    },
  };
}

/** A task the pool could not finish, as the error its request is answered with. */
function poolFailure(e: unknown, o: ThreadPoolOptions): StrataError {
  const err = e as Error & { code?: string };
  if (err.name === 'AbortError') {
    return new StrataError('limit_exceeded', `the request needed more than ${o.taskTimeoutMs / 1000} s of computing (STRATA_API_TASK_MS); send a smaller document`);
  }
  if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new StrataError('too_large', `the request needed more than ${o.taskMemoryMb} MB of memory (STRATA_API_TASK_MB); send a smaller document`);
  }
  if (/queue is at limit/i.test(err.message)) {
    return new StrataError('unavailable', 'the service is busy with other large requests; try again in a few seconds', { retryAfter: 2 });
  }
  o.log?.(`worker thread failed: ${err.stack ?? err.message}`);
  return new StrataError('internal', 'internal error: a worker thread failed');
}
