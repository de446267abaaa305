/**
 * A strata process: the API, and with `strata up` the coordinator and a worker too, on
 * one Redis. Entry points (src/cli) call this; tests call it with their own Redis.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATORS, GENERATOR_NAMES } from '../../generators/index.ts';
import { createApp } from '../api/app.ts';
import type { CpuPool } from '../api/cpu/cpu-pool.ts';
import type { RunsPort } from '../coordinator/runs-port.ts';
import { loadBuiltinRules } from '../store/builtin-rules.ts';
import type { Rule } from '../rules/rule-document.ts';
import { DefinitionsStore } from '../store/definitions-store.ts';
import { TriggerStore } from '../store/trigger-store.ts';
import type { Config } from './config.ts';
import { cpuThreads } from './cpu-threads.ts';
import type { Logger } from './logger.ts';
import { openRedis, whenReady, type RedisHandle } from './redis-connection.ts';
import { listen, type Served } from './serve.ts';

/**
 * The web UI's build output, ui/dist (scripts/build-ui.mjs), found from this file whether
 * it runs from the sources (src/app) or from their compiled copy (dist/src/app).
 */
const UI_DIR = ['../../ui/dist', '../../../ui/dist'].map((p) => fileURLToPath(new URL(p, import.meta.url))).find((d) => existsSync(join(d, 'index.html'))) ?? fileURLToPath(new URL('../../ui/dist', import.meta.url));

export interface Service {
  url: string;
  redis: RedisHandle;
  defs: DefinitionsStore;
  /** Stop; `force`: without waiting for Redis (it may be gone). */
  close(force?: boolean): Promise<void>;
}

export interface ServiceParts {
  /** the run side, when this process coordinates runs; `cpu`: the service's CPU pool, for its scheduler */
  runs?: (redis: RedisHandle, defs: DefinitionsStore, builtinRules: Rule[], cpu: CpuPool) => Promise<{ port: RunsPort; queueMetrics?: () => Promise<string>; close(force?: boolean): Promise<void> }>;
  /** the process log (silent when absent) */
  logger?: Logger;
}

export async function startService(config: Config, say: (s: string) => void, parts: ServiceParts = {}): Promise<Service> {
  const redis = await openRedis(config, say);
  const client = redis.connect({ requests: true });
  await whenReady(client);
  const defs = new DefinitionsStore(client, `${config.prefix}:`);
  const builtinRules = loadBuiltinRules(GENERATOR_NAMES);
  let runs: Awaited<ReturnType<NonNullable<ServiceParts['runs']>>> | undefined;
  let served: Served | undefined;
  let cpu: CpuPool | undefined;
  try {
    cpu = cpuThreads(config, redis.url, parts.logger);
    runs = parts.runs ? await parts.runs(redis, defs, builtinRules, cpu) : undefined;
    const app = createApp({
      defs, triggers: new TriggerStore(client, `${config.prefix}:`), builtinRules, generators: GENERATORS, redis: client, runs: runs?.port, cpu, prefix: config.prefix,
      maxBodyBytes: config.maxBodyBytes, maxYamlBytes: config.maxYamlBytes, paramsLimits: config.paramsLimits, sizeLimits: config.limits, tokens: config.tokens, allowedOrigins: config.allowedOrigins,
      logger: parts.logger, queueMetrics: runs?.queueMetrics, uiDir: UI_DIR,
    });
    served = await listen(app, config.port, config.host);
  } catch (e) {
    await runs?.close();
    await cpu?.close();
    await redis.stop();
    throw e;
  }
  say(`strata API on ${served.url}${config.tokens.length === 0 ? ' (no STRATA_API_TOKENS: open, so bound to loopback only)' : ` (bearer tokens required, listening on ${config.host})`}`);
  return {
    url: served.url,
    redis,
    defs,
    async close(force = false) {
      await served!.close();
      // The scheduler plans on the pool: it stops first.
      await runs?.close(force);
      await cpu?.close();
      if (!force) return redis.stop();
      redis.abandon();
      await redis.server?.release();
    },
  };
}
