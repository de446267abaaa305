/** `strata up`, `strata serve`, `strata worker`: long-running processes, stopped by SIGINT/SIGTERM. */
import { loadConfig, withoutPassword, type Config } from '../app/config.ts';
import { openRedis, type RedisHandle } from '../app/redis-connection.ts';
import { startRunParts } from '../app/run-parts.ts';
import { startService } from '../app/service.ts';
import { enableDefaultMetrics } from '../api/metrics.ts';
import { serveMetrics } from '../app/metrics-server.ts';
import { createLogger } from '../app/logger.ts';
import { DefinitionsStore } from '../store/definitions-store.ts';
import { loadBuiltinRules, rulesInForce } from '../store/builtin-rules.ts';
import { GENERATOR_NAMES } from '../../generators/index.ts';
import { operatorPort } from '../app/operator-port.ts';

let logger = createLogger();
const say = (s: string): void => logger.info(s);

/** How long a stop may wait for Redis and running steps before it stops without waiting. */
const STOP_MS = 10_000;

/**
 * SIGINT and SIGTERM, caught from the moment a command starts (a Ctrl-C that comes while
 * the service is still starting is not lost, nor does it kill the process outright), acted
 * on once `until` is called: stop within a bounded time whatever state Redis is in:
 * `stop(false)` (hand steps back, let Redis take the last writes) when Redis is reachable;
 * `stop(true)` (drop connections, the watchdog kills running steps) when it is not, after
 * STOP_MS, or at a second signal. `until` resolves when stopped; the caller's process then exits.
 */
function catchSignals(): { until(stop: (force: boolean) => Promise<void>, reachable: () => Promise<boolean>): Promise<void> } {
  const early: string[] = [];
  let handle: ((sig: string) => void) | undefined;
  const on = (sig: string) => (handle ? handle(sig) : void early.push(sig));
  process.on('SIGINT', () => on('SIGINT'));
  process.on('SIGTERM', () => on('SIGTERM'));
  return {
    until(stop, reachable) {
      return new Promise((resolve) => {
        let closing = false;
        const now = (why: string) => {
          say(`${why}: stopping now, without waiting for Redis`);
          void stop(true).finally(resolve);
        };
        const onSignal = async (sig: string) => {
          if (closing) return now(`${sig} again`);
          closing = true;
          if (!(await reachable())) return now(`${sig} while Redis is not reachable`);
          say(`${sig}: stopping (again to stop at once)`);
          const timer = setTimeout(() => now(`still stopping after ${STOP_MS / 1000} s`), STOP_MS);
          timer.unref();
          void stop(false).finally(() => {
            clearTimeout(timer);
            resolve();
          });
        };
        handle = (sig) => void onSignal(sig);
        for (const sig of early.splice(0)) handle(sig);
      });
    },
  };
}

/** API + coordinator (+ a worker for `up`) in this process. */
export async function serveCommand(withWorker: boolean, config: Config = loadConfig()): Promise<void> {
  const signals = catchSignals();
  logger = createLogger(config.logLevel);
  enableDefaultMetrics();
  const svc = await startService(config, say, {
    logger,
    runs: async (redis, defs, builtinRules, cpu) => {
      const parts = await startRunParts(config, redis, defs, { coordinator: true, worker: withWorker, builtinRules, logger, cpu });
      return { port: parts.port!, queueMetrics: parts.queueMetrics, close: (force?: boolean) => parts.close(force) };
    },
  });
  say(withWorker ? `coordinator and a worker (concurrency ${config.workerConcurrency}, runtime ${config.runtime}) running; Ctrl-C stops` : 'coordinator running; start workers with `strata worker`');
  await signals.until((force) => svc.close(force), () => svc.redis.reachable());
}

/** Step workers only, against REDIS_URL (or a local Redis). */
export async function workerCommand(config: Config = loadConfig()): Promise<void> {
  const signals = catchSignals();
  logger = createLogger(config.logLevel);
  enableDefaultMetrics();
  // The metrics port first: one another program holds stops the worker before anything starts
  // (it had taken steps and run on, deaf to SIGTERM, under an error said as final).
  let parts: Awaited<ReturnType<typeof startRunParts>> | undefined;
  const metrics = config.metricsPort !== undefined ? await serveMetrics(config.metricsPort, '0.0.0.0', () => parts?.queueMetrics?.() ?? Promise.resolve('')) : undefined;
  let redis: RedisHandle | undefined;
  try {
    redis = await openRedis(config, say);
    parts = await startRunParts(config, redis, new DefinitionsStore(redis.connect(), `${config.prefix}:`), { coordinator: false, worker: true, logger });
  } catch (e) {
    await metrics?.close();
    await redis?.stop();
    throw e;
  }
  const [started, opened] = [parts, redis];
  if (metrics) say(`worker metrics on ${metrics.url}/metrics`);
  say(`worker running (concurrency ${config.workerConcurrency}, runtime ${config.runtime}) on ${withoutPassword(opened.url)}`);
  await signals.until(async (force) => {
    await metrics?.close();
    await started.close(force);
    await stopRedis(opened, force);
  }, () => opened.reachable());
}

async function stopRedis(redis: RedisHandle, force: boolean): Promise<void> {
  if (!force) return redis.stop();
  redis.abandon();
  await redis.server?.release();
}

/** The Kubernetes operator: reconciles strata.dev Datasets, Rules and Flows against this strata. */
export async function operatorCommand(config: Config = loadConfig()): Promise<void> {
  const signals = catchSignals();
  logger = createLogger(config.logLevel);
  const redis = await openRedis(config, say);
  const client = redis.connect();
  const defs = new DefinitionsStore(client, `${config.prefix}:`);
  const builtin = loadBuiltinRules(GENERATOR_NAMES);
  const parts = await startRunParts(config, redis, defs, { coordinator: true, worker: false, builtinRules: builtin });
  const rules = () => rulesInForce(defs, builtin);
  const port = operatorPort({ defs, rules, sys: parts.sys, coordinator: parts.coordinator!, redis: client, prefix: config.prefix, limits: config.limits });
  const kube = await import('../../runtime/kubernetes/index.ts');
  const operator = kube.startOperatorFromEnv(port, config);
  say('operator watching strata.dev Datasets, Rules and Flows');
  await signals.until(async (force) => {
    await operator.stop();
    await parts.close(force);
    await stopRedis(redis, force);
  }, () => redis.reachable());
}
