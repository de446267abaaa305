/**
 * Redis that answers but refuses writes: MISCONF (it cannot write its snapshot: here its
 * directory is /proc) and OOM (past its maxmemory). Real processes on a redis-server of the
 * test's own: a `strata serve` whose write fails unhandled (test/support/unhandled-redis-write.mjs)
 * says Redis refuses writes, naming Redis's error, and carries on (it answers requests, as it
 * does once room is made: test/worker/disk-full.int.test.ts), where it said Redis was not
 * answering; a `strata runs submit` to it ends non-zero (7, unavailable) with the same
 * words. Never a stack trace.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startRedisServer } from '../../src/store/redis-server.ts';
import { flowDoc, shTask } from '../support/documents.ts';
import { runStrata, spawnStrata, stop, until } from '../support/processes.ts';

const dir = mkdtempSync(join(tmpdir(), 'strata-redis-refuses-'));
const cleanup: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

const MISCONF = /MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk/;
const OOM = /OOM command not allowed when used memory > 'maxmemory'/;

/** A redis-server of the test's own that refuses writes the `how` way; resolves once a write is refused so. */
async function refusingRedis(how: 'misconf' | 'oom'): Promise<string> {
  const server = await startRedisServer(how === 'misconf' ? { dir: '/proc' } : {});
  const redis = new Redis(server.url);
  // Snapshots off again first: a Redis that cannot save them refuses to shut down.
  cleanup.push(async () => {
    await redis.config('SET', 'save', '').catch(() => undefined);
    redis.disconnect();
    await server.stop();
  });
  if (how === 'oom') await redis.config('SET', 'maxmemory', '1');
  else {
    // A snapshot it cannot write (/proc) with snapshots configured: writes are refused (stop-writes-on-bgsave-error).
    await redis.config('SET', 'save', '3600 1');
    await redis.bgsave();
  }
  await until(`Redis to refuse writes (${how})`, () => redis.set('probe', '1').then(() => false, (e: Error) => (how === 'oom' ? OOM : MISCONF).test(e.message)), 20_000, 100);
  return server.url;
}

describe.each([['misconf', MISCONF], ['oom', OOM]] as const)('Redis refusing writes (%s)', (how, words) => {
  it('a strata serve meeting it unhandled says Redis refuses writes, naming its error, and carries on; a command to it ends non-zero saying so', async () => {
    const url = await refusingRedis(how);
    const env = { REDIS_URL: url, STRATA_PREFIX: `refuses-${how}`, STRATA_HOME: join(dir, how), PORT: '0' };
    const serve = spawnStrata(['serve'], env, { entry: ['test/support/unhandled-redis-write.mjs'] });
    cleanup.push(() => stop(serve));
    const api = await until('the API to listen', () => /API on (http:\/\/[\d.:]+)/.exec(serve.output())?.[1] ?? (serve.exitCode !== null && 'exited'), 30_000);
    expect(api, serve.output()).not.toBe('exited');
    const line = await until('the unhandled refusal to be said', () => serve.output().split('\n').find((l) => l.startsWith('strata: Redis')), 30_000);
    expect(line).toMatch(new RegExp(`^strata: Redis refuses writes for now \\(${words.source}[^)]*\\): its disk or memory is full; make room for it; carrying on$`));
    expect(serve.output()).not.toMatch(/not answering|\n\s+at /);
    // Carried on: it answers.
    expect((await fetch(`${api}/healthz`)).status).toBe(200);
    expect(serve.exitCode).toBe(null);

    // A command whose request Redis refuses: exit 7 (unavailable), Redis's error named, no stack trace.
    const file = join(dir, `${how}.json`);
    writeFileSync(file, JSON.stringify(flowDoc({ id: 'a', task: shTask('true') }, `refused-${how}`)));
    const r = await runStrata(['runs', 'submit', file], { STRATA_URL: api });
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(new RegExp(`^strata: Redis refuses writes right now \\(${words.source}[^)]*\\): its disk or memory is full; make room for it and try again\\n$`));
  }, 90_000);
});
