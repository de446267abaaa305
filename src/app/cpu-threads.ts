/**
 * The CPU pool of a strata process (api/cpu/cpu-pool.ts: worker threads) as its
 * configuration sets it: the API's requests and the scheduler's ticks plan on it.
 */
import { lazyPool, threadPool, type CpuPool } from '../api/cpu/cpu-pool.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';

/**
 * A thread pool reading definitions from `redisUrl` under the configured prefix, with the
 * configured threads (STRATA_API_THREADS), per-task time and memory (STRATA_API_TASK_MS,
 * STRATA_API_TASK_MB) and body limits. `lazy`: its first thread starts with its first task
 * (for a process that may never have one: a coordinator without an API, whose schedules
 * may be none).
 */
export function cpuThreads(config: Config, redisUrl: string, logger?: Logger, lazy = false): CpuPool {
  const start = () =>
    threadPool({
      workerData: { redisUrl, prefix: config.prefix, redisTimeoutMs: config.redisTimeoutMs, maxBytes: config.maxBodyBytes, maxYamlBytes: config.maxYamlBytes, paramsLimits: config.paramsLimits, sizeLimits: config.limits },
      threads: config.apiThreads,
      taskTimeoutMs: config.apiTaskMs,
      taskMemoryMb: config.apiTaskMb,
      log: (m) => logger?.error({ event: 'api.thread' }, m),
    });
  return lazy ? lazyPool(start) : start();
}
