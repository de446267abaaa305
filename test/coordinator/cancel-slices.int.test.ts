/**
 * A cancel of a big run is folded in slices (STRATA_FOLD_SLICE_STEPS; engine-events.ts
 * cancelSlice, sync.ts): each slice's steps are told to stop (one message a slice) and
 * recorded `cancelled` before the next slice is folded, the thread let go between; the run
 * is recorded cancelled with the last slice. Real processes, real Redis, real HTTP: a
 * `strata serve` (no worker: the items stay enqueued, running in the engine's eyes) held
 * after its second slice answers requests meanwhile (the run still running, some items
 * cancelled); one killed after its second slice leaves the cancel for the next coordinator,
 * which ends it. Every item ends cancelled with exactly one `cancelled` event, and is told
 * to stop. Orders and counts, never times.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { spawnStrata, stop, until } from '../support/processes.ts';

const N = 30;
const dir = mkdtempSync(join(tmpdir(), 'strata-cancel-slices-'));
const cleanup: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

const urlOf = (p: ReturnType<typeof spawnStrata>) => until('the API to listen', () => /API on (http:\/\/[\d.:]+)/.exec(p.output())?.[1], 30_000);
const items = (steps: Record<string, { status: string }>) => Object.entries(steps).filter(([id]) => /^\d+$/.test(id));
const count = (steps: Record<string, { status: string }>, status: string) => items(steps).filter(([, s]) => s.status === status).length;

/** A fresh strata prefix, a Redis connection, and a subscriber that gathers the steps told to stop (the cancel channel), each time told. */
async function setUp(name: string) {
  const prefix = `${name}-${Date.now()}`;
  const redis = new Redis(inject('redisUrl'));
  const sub = new Redis(inject('redisUrl'));
  cleanup.push(() => void redis.disconnect(), () => void sub.disconnect());
  const told: string[] = [];
  let messages = 0;
  await sub.subscribe(`${prefix}:cancel`);
  sub.on('message', (_c: string, m: string) => {
    const { step, steps } = JSON.parse(m) as { step?: string; steps?: string[] };
    messages++;
    told.push(...(steps ?? [step!]));
  });
  const env = { REDIS_URL: inject('redisUrl'), STRATA_PREFIX: prefix, STRATA_HOME: join(dir, name), PORT: '0', STRATA_FOLD_SLICE_STEPS: '5', STRATA_SYNC_GRACE_MS: '300', STRATA_TEST_SLICE_STATUS: 'cancelled' };
  return { prefix, redis, sub, env, told, messages: () => messages };
}

/**
 * Mark run `id` due now and tell the coordinators (what an append does, a grace earlier),
 * then wait until one has taken it up (runs-due-3.lua re-marks it a grace later) or has
 * found it ended (due no more): its fold of the run follows, after any fold under way.
 */
async function takenUp(redis: Redis, prefix: string, id: string): Promise<void> {
  const due = `${prefix}:runs:due`;
  await redis.zadd(due, 0, id);
  await redis.publish(due, '0');
  await until('a coordinator to take the run up', async () => (await redis.zscore(due, id)) !== '0', 60_000);
}

/** Post a fan-out of N items (each `true`, never run: no worker) and wait until every item is enqueued and recorded running. */
async function startBig(url: string, redis: Redis, prefix: string): Promise<string> {
  const flow = flowDoc({ fanOut: { over: Array.from({ length: N }, (_, i) => i), do: { id: 'x', task: shTask('true') } } }, 'cancel-slices');
  const r = await fetch(`${url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flow }) });
  expect(r.status).toBe(202);
  const id = ((await r.json()) as { runId: string }).runId;
  await until('every item to be running', async () => {
    const v = Object.values(await redis.hgetall(`${prefix}:run:${id}:steps`)).map((s) => (JSON.parse(s) as { status: string }).status);
    return v.filter((s) => s === 'running').length >= N;
  }, 60_000, 100);
  return id;
}

/** Each item's `cancelled` events in the run's event list (what server-sent events replay). */
async function cancelledEvents(redis: Redis, prefix: string, id: string): Promise<Map<string, number>> {
  const byStep = new Map<string, number>();
  for (const raw of await redis.lrange(`${prefix}:run:${id}:events`, 0, -1)) {
    const e = JSON.parse(raw) as { step: string; status: string; run?: boolean };
    if (!e.run && e.status === 'cancelled' && /^\d+$/.test(e.step)) byStep.set(e.step, (byStep.get(e.step) ?? 0) + 1);
  }
  return byStep;
}

const every = Array.from({ length: N }, (_, i) => String(i));

describe('a cancel folded in slices', () => {
  it('requests are answered between two slices of a cancel, which then ends with every item cancelled once', async () => {
    const { prefix, redis, sub, env, told, messages } = await setUp('cancel-held');
    const gate = `${prefix}:test-gate`;
    // A grace longer than the test: no coordinator takes the run up while the cancel is held
    // (this process's waits for the cancel's fold: the test below).
    const serve = spawnStrata(['serve'], { ...env, STRATA_SYNC_GRACE_MS: '3600000', STRATA_TEST_SLICE_HOLD: gate }, { entry: ['test/support/die-between-slices.mjs', '2'] });
    cleanup.push(() => stop(serve));
    const url = await urlOf(serve);
    const id = await startBig(url, redis, prefix);

    let answered = false;
    const cancel = fetch(`${url}/v1/runs/${id}/cancel`, { method: 'POST' }).then(async (r) => {
      answered = true;
      return { status: r.status, body: (await r.json()) as { status: string; steps: Record<string, { status: string }> } };
    });
    await until('the cancel to be held after its second slice', () => serve.output().includes('held after slice 2'), 60_000);
    // Held between two slices of the cancel: the service answers, and what it shows is the cancel half done.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const mid = (await (await fetch(`${url}/v1/runs/${id}`)).json()) as { status: string; steps: Record<string, { status: string }> };
    expect(mid.status).toBe('running');
    const cancelledMid = count(mid.steps, 'cancelled');
    expect(cancelledMid).toBeGreaterThan(0);
    expect(cancelledMid + count(mid.steps, 'running')).toBe(N);
    expect(count(mid.steps, 'running')).toBeGreaterThan(0);
    expect(answered).toBe(false);
    // The steps of the slices recorded so far were told to stop before they were recorded.
    await until('the recorded slices\' steps to be told', () => new Set(told).size >= cancelledMid);

    await redis.lpush(gate, 'go');
    const done = await cancel;
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('cancelled');
    expect(count(done.body.steps, 'cancelled')).toBe(N);
    // A coordinator takes the ended run up (made certain: marked due now) and folds it anew
    // from the start: the cancel's entry is recorded, so its steps are not told again. Once
    // the run is due no more, that fold has sent what it sends (kills go out before the
    // commit that takes the mark away), and the PING answered on the subscriber connection
    // comes after every message published before it.
    await takenUp(redis, prefix, id);
    await until('the run to be due no more', async () => (await redis.zscore(`${prefix}:runs:due`, id)) === null, 60_000);
    await sub.ping();
    // Every item told to stop once, a slice a message (not a message an item), and one `cancelled` event each.
    await until('every item to be told', () => told.length >= N);
    expect([...told].filter((s) => /^\d+$/.test(s)).sort()).toEqual([...every].sort());
    expect(messages()).toBeGreaterThanOrEqual(3);
    expect(messages()).toBeLessThan(N);
    const events = await cancelledEvents(redis, prefix, id);
    expect([...events.keys()].sort()).toEqual([...every].sort());
    expect([...events.values()].filter((c) => c !== 1)).toEqual([]);
  }, 120_000);

  it('a take-up while the cancel is held between two slices, past the grace, by the same process\'s coordinator: every item told to stop once', async () => {
    const { prefix, redis, sub, env, told } = await setUp('cancel-taken-up');
    const gate = `${prefix}:test-gate`;
    // The grace (300 ms) passes while the cancel is held: the run falls due, and the
    // coordinator of the process that folds the cancel takes it up meanwhile.
    const serve = spawnStrata(['serve'], { ...env, STRATA_TEST_SLICE_HOLD: gate }, { entry: ['test/support/die-between-slices.mjs', '2'] });
    cleanup.push(() => stop(serve));
    const url = await urlOf(serve);
    const id = await startBig(url, redis, prefix);
    const cancel = fetch(`${url}/v1/runs/${id}/cancel`, { method: 'POST' }).then(async (r) => ({ status: r.status, body: (await r.json()) as { status: string } }));
    await until('the cancel to be held after its second slice', () => serve.output().includes('held after slice 2'), 60_000);
    await takenUp(redis, prefix, id);
    await redis.lpush(gate, 'go');
    const done = await cancel;
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('cancelled');
    await until('the run to be due no more', async () => (await redis.zscore(`${prefix}:runs:due`, id)) === null, 60_000);
    await sub.ping();
    expect([...told].filter((s) => /^\d+$/.test(s)).sort()).toEqual([...every].sort());
    const events = await cancelledEvents(redis, prefix, id);
    expect([...events.values()].filter((c) => c !== 1)).toEqual([]);
  }, 120_000);

  it('a coordinator that folded the run before its cancel (its engine kept) takes it up after: every item told to stop once', async () => {
    const { prefix, redis, sub, env, told } = await setUp('cancel-cached');
    const serve = spawnStrata(['serve'], { ...env, STRATA_SYNC_GRACE_MS: '3600000' });
    cleanup.push(() => stop(serve));
    const url = await urlOf(serve);
    const id = await startBig(url, redis, prefix);
    // The coordinator takes the running run up: it folds the log, and keeps the engine.
    await takenUp(redis, prefix, id);
    await until('the run to be due no more', async () => (await redis.zscore(`${prefix}:runs:due`, id)) === null, 60_000);
    const r = await fetch(`${url}/v1/runs/${id}/cancel`, { method: 'POST' });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { status: string }).status).toBe('cancelled');
    // It takes the cancelled run up: its engine folds the cancel's entry, recorded already.
    await takenUp(redis, prefix, id);
    await until('the run to be due no more', async () => (await redis.zscore(`${prefix}:runs:due`, id)) === null, 60_000);
    await sub.ping();
    expect([...told].filter((s) => /^\d+$/.test(s)).sort()).toEqual([...every].sort());
  }, 120_000);

  it('a coordinator killed between two slices of a cancel: the next one ends it, every item cancelled once', async () => {
    const { prefix, redis, env, told } = await setUp('cancel-killed');
    const first = spawnStrata(['serve'], env, { entry: ['test/support/die-between-slices.mjs', '2'] });
    cleanup.push(() => stop(first));
    const url = await urlOf(first);
    const id = await startBig(url, redis, prefix);

    const answer = await fetch(`${url}/v1/runs/${id}/cancel`, { method: 'POST' }).then((r) => r.status, () => 'no answer');
    await until('the first coordinator to die', () => first.exitCode !== null || first.signalCode !== null);
    expect(first.output()).toContain('died after slice 2');
    expect(answer).toBe('no answer');
    // What it left: the run still running, the first two slices' items cancelled, the rest running.
    expect(await redis.hget(`${prefix}:run:${id}`, 'status')).toBe('running');
    const left = Object.fromEntries(Object.entries(await redis.hgetall(`${prefix}:run:${id}:steps`)).map(([k, v]) => [k, JSON.parse(v) as { status: string }]));
    const cancelledLeft = count(left, 'cancelled');
    expect(cancelledLeft).toBeGreaterThan(0);
    expect(cancelledLeft).toBeLessThan(N);
    expect(cancelledLeft + count(left, 'running')).toBe(N);

    const second = spawnStrata(['serve'], env);
    cleanup.push(() => stop(second));
    const url2 = await urlOf(second);
    const run = await until('the run to end', async () => {
      const v = (await (await fetch(`${url2}/v1/runs/${id}`)).json()) as { status: string; steps: Record<string, { status: string }> };
      return v.status !== 'running' ? v : undefined;
    }, 60_000, 200);
    expect(run.status, second.output()).toBe('cancelled');
    expect(count(run.steps, 'cancelled')).toBe(N);
    // Each item recorded cancelled once (the first coordinator's parts are not recorded again), and told to stop.
    const events = await cancelledEvents(redis, prefix, id);
    expect([...events.keys()].sort()).toEqual([...every].sort());
    expect([...events.values()].filter((c) => c !== 1)).toEqual([]);
    await until('every item to be told', () => every.every((s) => told.includes(s)));
  }, 120_000);
});
