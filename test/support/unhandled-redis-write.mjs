/**
 * A real `strata` process in which a write to Redis fails and nobody handles the failure,
 * as a background task's can: once the CLI has set up its last-resort handlers (src/cli/main.ts),
 * a SET on REDIS_URL whose rejection is left unhandled. What Redis answers is Redis's own
 * (MISCONF, OOM, ...), so the handler meets the real error. Plain JavaScript on dist/'s copy
 * of strata (test/support/built.mjs), so it starts without tsx.
 * Usage: node test/support/unhandled-redis-write.mjs serve [strata options] (REDIS_URL as for `strata serve`).
 */
import { Redis } from 'ioredis';
import { setImmediate as yieldOnce } from 'node:timers/promises';
import { load } from './built.mjs';

const cli = load('src/cli/main.ts');
while (process.listenerCount('unhandledRejection') === 0) await yieldOnce();
const redis = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: 1 });
void redis.set('strata-test:unhandled', 'x').finally(() => redis.disconnect());
await cli;
