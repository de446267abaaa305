/**
 * A big fan-out (10,000 no-op steps) is started, read, cancelled and deleted by a real
 * `strata up` while the service and Redis keep answering others: no request and no Lua
 * script holds either for the whole run (docs/runs.md, Big runs). Speed is not asserted
 * (that is for npm run bench): requests answered meanwhile are counted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { flowDoc } from '../support/documents.ts';
import { spawnStrata, stop, until } from '../support/processes.ts';

// Big enough that a call doing work in proportion to the run shows (a script over every
// step, a reply of every step), small enough for the suite on a loaded 2-core machine.
const N = 10_000;
const dir = mkdtempSync(join(tmpdir(), 'strata-big-'));
const cleanup: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Keep asking the service (/healthz) and Redis (PING) while `work` goes on; how many
 * answers came back before `work` ended, for each.
 */
async function answeredDuring<T>(url: string, redis: Redis, work: Promise<T>): Promise<{ result: T; http: number; redis: number }> {
  let over = false;
  const counts = { http: 0, redis: 0 };
  const ended = work.finally(() => (over = true));
  const ask = async (kind: 'http' | 'redis', once: () => Promise<unknown>) => {
    while (!over) {
      await once();
      if (!over) counts[kind]++;
    }
  };
  const [result] = await Promise.all([ended, ask('http', async () => (await fetch(`${url}/healthz`)).arrayBuffer()), ask('redis', () => redis.ping())]);
  return { result, ...counts };
}

describe('a run of 10,000 steps', () => {
  it('is started, read, cancelled and deleted in full while other requests and Redis keep being answered', async () => {
    const prefix = `big-${Date.now()}`;
    const env = { REDIS_URL: inject('redisUrl'), STRATA_PREFIX: prefix, STRATA_HOME: join(dir, 'home'), PORT: '0', STRATA_RUNTIME: 'noop', STRATA_WORKER_CONCURRENCY: '1' };
    const up = spawnStrata(['up'], env);
    cleanup.push(() => stop(up));
    const url = await until('the API to listen', () => /API on (http:\/\/[\d.:]+)/.exec(up.output())?.[1]);
    const redis = new Redis(inject('redisUrl'));
    cleanup.push(() => void redis.disconnect());
    const items = Array.from({ length: N }, (_, i) => i);
    const body = JSON.stringify({ flow: flowDoc({ fanOut: { over: items, as: 'item', do: { id: 'x', task: { image: 'noop' } } } }) });

    const started = await answeredDuring(url, redis, fetch(`${url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(async (r) => ({ status: r.status, body: (await r.json()) as { runId: string } })));
    expect(started.result.status).toBe(202);
    const id = started.result.body.runId;
    // Every item's step is known (running, or further on) once the fan-out has started.
    await until('every item to be known', async () => (await redis.hlen(`${prefix}:run:${id}:steps`)) === N, 120_000, 200);
    const read = await answeredDuring(url, redis, fetch(`${url}/v1/runs/${id}`).then(async (r) => (await r.json()) as { steps: Record<string, { status: string }> }));
    expect(Object.keys(read.result.steps)).toHaveLength(N);
    expect(Object.values(read.result.steps).filter((s) => s.status === 'pending')).toEqual([]);

    const cancelled = await answeredDuring(url, redis, fetch(`${url}/v1/runs/${id}/cancel`, { method: 'POST' }).then((r) => r.status));
    expect(cancelled.result).toBe(200);
    const run = await until('the run to end cancelled', async () => {
      const v = (await (await fetch(`${url}/v1/runs/${id}`)).json()) as { status: string; steps: Record<string, { status: string }> };
      return v.status === 'cancelled' ? v : undefined;
    }, 120_000, 500);
    const counts: Record<string, number> = {};
    for (const s of Object.values(run.steps)) counts[s.status] = (counts[s.status] ?? 0) + 1;
    // Every step accounted for, none left pending or running in an ended run.
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(N);
    expect(counts.pending ?? 0).toBe(0);
    expect(counts.running ?? 0).toBe(0);
    expect(counts.cancelled).toBeGreaterThan(0);

    const deleted = await answeredDuring(url, redis, fetch(`${url}/v1/runs/${id}`, { method: 'DELETE' }).then((r) => r.status));
    expect(deleted.result).toBe(200);
    expect((await fetch(`${url}/v1/runs/${id}`)).status).toBe(404);
    expect(await redis.keys(`${prefix}:run:${id}*`)).toEqual([]);

    // The service and Redis answered others while each of these went on.
    for (const phase of [started, read, cancelled, deleted]) {
      expect(phase.http).toBeGreaterThan(0);
      expect(phase.redis).toBeGreaterThan(0);
    }
    expect(up.exitCode).toBeNull();
  }, 300_000);
});
