/**
 * A worker process for the `workers` bench whose steps wait without a process: the no-op
 * runtime's path (a real step's, minus the program) plus a timer of STEP_MS, so that a
 * step holds its slot for a while and costs the machine only strata's own work. Throughput
 * can then grow with the steps in flight until strata's CPU or Redis is the limit, which a
 * step that starts a process (`sleep 0.05`) never shows on a loaded 2-core machine: its
 * process start is the limit first. Configured like `strata worker` (REDIS_URL,
 * STRATA_PREFIX, STRATA_HOME, STRATA_WORKER_CONCURRENCY); says `worker running` on stderr
 * once it takes jobs; SIGTERM stops it.
 *   STEP_MS=50 node --import tsx bench/sleep-worker.ts
 */
import { Redis } from 'ioredis';
import { loadConfig } from '../src/app/config.ts';
import { startRunParts } from '../src/app/run-parts.ts';
import type { RedisHandle } from '../src/app/redis-connection.ts';
import { DefinitionsStore } from '../src/store/definitions-store.ts';
import type { PodOutcome, PodReport, PodRequest } from '../runtime/pod-runtime.ts';
import { NoopRuntime } from '../runtime/noop-runtime.ts';

const stepMs = Number(process.env.STEP_MS ?? 50);

/** The no-op runtime, each pod lasting `stepMs` (ended early when the step is cancelled). */
class SleepingRuntime extends NoopRuntime {
  override async run(req: PodRequest, onReport: (r: PodReport) => void, signal: AbortSignal): Promise<PodOutcome> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, stepMs);
      signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
    return super.run(req, onReport, signal);
  }
}

const config = loadConfig();
const url = config.redisUrl!;
const clients: Redis[] = [];
const handle: RedisHandle = { url, connect: () => { const r = new Redis(url, { maxRetriesPerRequest: null }); clients.push(r); return r; }, stop: async () => undefined, reachable: async () => true, abandon: () => undefined };
const parts = await startRunParts(config, handle, new DefinitionsStore(handle.connect(), `${config.prefix}:`), { coordinator: false, worker: true, runtime: new SleepingRuntime() });
await parts.worker!.worker.waitUntilReady();
process.stderr.write(`worker running (concurrency ${config.workerConcurrency}, a no-op step of ${stepMs} ms)\n`);
process.once('SIGTERM', () => {
  void parts.close().finally(() => {
    for (const c of clients) c.disconnect();
    process.exit(0);
  });
});
