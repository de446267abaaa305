/**
 * A Redis that answers BUSY (a long Lua script: someone's EVAL, or a slow script of ours)
 * never kills `strata up`: requests meanwhile are answered, 503 with Retry-After at worst,
 * background work tries again later, and once Redis is free the service carries on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../src/store/redis-server.ts';
import { flowDoc } from '../support/documents.ts';
import { spawnStrata, stop, until } from '../support/processes.ts';

const dir = mkdtempSync(join(tmpdir(), 'strata-busy-'));
const cleanup: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

/** A script that keeps Redis busy for `ms` (Redis answers other clients BUSY past busy-reply-threshold). */
const SPIN = "local t = redis.call('TIME'); local s = t[1] * 1000 + t[2] / 1000; repeat local n = redis.call('TIME') until n[1] * 1000 + n[2] / 1000 - s > tonumber(ARGV[1]); return 1";

describe('Redis busy running a script', () => {
  it('strata up stays up, answers requests (503 + Retry-After at worst) and finishes the run once Redis is free', async () => {
    // A Redis of this test's own: its busy threshold is lowered, which would slow every other test's.
    const server: RedisServer = await startRedisServer({ dir: join(dir, 'redis') });
    cleanup.push(() => server.stop());
    const admin = new Redis(server.url);
    cleanup.push(() => void admin.disconnect());
    await admin.config('SET', 'busy-reply-threshold', '50');
    const env = { REDIS_URL: server.url, STRATA_PREFIX: 'busy', STRATA_HOME: join(dir, 'home'), PORT: '0', STRATA_RUNTIME: 'noop', STRATA_LOCK_MS: '4000', STRATA_STALLED_MS: '1000' };
    const up = spawnStrata(['up'], env);
    cleanup.push(() => stop(up));
    const url = await until('the API to listen', () => /API on (http:\/\/[\d.:]+)/.exec(up.output())?.[1]);
    const items = Array.from({ length: 300 }, (_, i) => i);
    const res = await fetch(`${url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flow: flowDoc({ fanOut: { over: items, as: 'item', do: { id: 'x', task: { image: 'noop' } } } }) }) });
    expect(res.status).toBe(202);
    const { runId } = (await res.json()) as { runId: string };
    // Three busy spells while the run goes on and requests keep coming.
    const statuses: number[] = [];
    const retryAfter: Array<string | null> = [];
    let spinning = true;
    const asking = (async () => {
      while (spinning) {
        for (const path of ['/healthz', '/readyz', `/v1/runs/${runId}`, '/v1/runs']) {
          const r = await fetch(url + path).catch(() => undefined);
          if (!r) continue;
          statuses.push(r.status);
          if (r.status === 503) retryAfter.push(r.headers.get('retry-after'));
          await r.arrayBuffer();
        }
      }
    })();
    const spinner = new Redis(server.url);
    cleanup.push(() => void spinner.disconnect());
    // Spells short and long (past the request connections' command timeout, and the 8 s one
    // past the job locks themselves: 4 s here, checked every second, so jobs are taken as
    // stalled and run again; the default 30 s lock made the test wait most of a minute).
    for (const ms of [1500, 1500, 8000]) {
      await spinner.eval(SPIN, 0, ms);
      await new Promise((r) => setTimeout(r, 200));
    }
    spinning = false;
    await asking;
    expect(up.exitCode).toBeNull();
    expect(up.output()).not.toMatch(/internal error/);
    // Requests were answered meanwhile: never a 5xx other than 503, which says when to come back.
    expect(statuses).toContain(503); // Redis was busy while they were asked
    expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
    expect(retryAfter.every((h) => h !== null && Number(h) > 0)).toBe(true);
    const run = await until('the run to finish', async () => {
      const v = (await (await fetch(`${url}/v1/runs/${runId}`)).json()) as { status: string; steps: Record<string, { status: string }> };
      return v.status === 'succeeded' || v.status === 'failed' ? v : undefined;
    }, 60_000, 200);
    expect(run.status).toBe('succeeded');
    expect(Object.values(run.steps).filter((s) => s.status === 'succeeded')).toHaveLength(300);
    expect(up.exitCode).toBeNull();
  }, 120_000);
});
