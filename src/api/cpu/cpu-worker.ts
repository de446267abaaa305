/**
 * One worker thread of the API's CPU pool (cpu-pool.ts): builds its TaskContext once (its
 * own Redis connection, which fails fast like the API's, for reading definitions) and runs
 * tasks. Errors go back as the error a user sees; an internal one also carries its stack
 * for the service's log.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { GENERATOR_NAMES, GENERATORS } from '../../../generators/index.ts';
import { toStrataError } from '../../errors/strata-error.ts';
import { loadBuiltinRules } from '../../store/builtin-rules.ts';
import { DefinitionsStore } from '../../store/definitions-store.ts';
import { requestConnection, whenReady } from '../../app/redis-connection.ts';
import type { TaskOutcome, ThreadPoolOptions } from './cpu-pool.ts';
import { THREAD_LOADED, type ThreadLoaded } from './thread-loaded.ts';
import { TASKS, type TaskContext, type TaskInput, type TaskName } from './tasks.ts';

const data = workerData as ThreadPoolOptions['workerData'];
// Loaded: said once this module's evaluation (and its importer's: the tsx boot file) has
// finished, the next turn of the event loop, so the pool never stops this thread before.
setImmediate(() => parentPort?.postMessage({ type: THREAD_LOADED, threadId } satisfies ThreadLoaded));
let context: Promise<TaskContext> | undefined;

async function makeContext(): Promise<TaskContext> {
  const redis = requestConnection(data.redisUrl, data.redisTimeoutMs);
  redis.on('error', () => {});
  await whenReady(redis);
  return {
    defs: new DefinitionsStore(redis, `${data.prefix}:`),
    builtinRules: loadBuiltinRules(GENERATOR_NAMES),
    generators: GENERATORS,
    limits: { maxBytes: data.maxBytes, maxYamlBytes: data.maxYamlBytes, ...(data.sizeLimits ? { maxNesting: data.sizeLimits.maxTextNesting } : {}) },
    ...(data.paramsLimits ? { paramsLimits: data.paramsLimits } : {}),
    ...(data.sizeLimits ? { sizeLimits: data.sizeLimits } : {}),
  };
}

export default async function runTask(msg: { name: TaskName; input: TaskInput }): Promise<TaskOutcome> {
  try {
    context ??= makeContext();
    return { ok: await TASKS[msg.name](await context, msg.input) };
  } catch (e) {
    const err = toStrataError(e);
    return { error: err.toJSON().error, ...(err.code === 'internal' ? { internal: `internal error in a worker thread: ${(e as Error)?.stack ?? e}` } : {}) };
  }
}
