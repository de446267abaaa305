/**
 * Argo tester 7, R12: a run of a withItems of 100,000 items made GET /v1/runs/:id answer
 * 31.7 MB, built in one go of the service's thread (its Redis commands timed out meanwhile:
 * 503 for everyone), and `strata runs get` took 3 minutes. At 5,000 items (1,000 a turn: five turns) through a real
 * `strata up` (no-op runtime), real HTTP and the real CLI: the run's whole view is written
 * in pieces while /healthz is answered; `?summary=true` (what `strata runs get` asks) shows
 * its first 1,000 steps and counts by status (`stepsSummary`); every step is there by pages
 * too (GET /v1/runs/:id/steps).
 * Sizes and counts are asserted, never times.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runStrata, spawnStrata, stop, until } from '../../support/processes.ts';
import { bigLoop } from '../../support/big-loop.ts';

const N = 5_000;
const dir = mkdtempSync(join(tmpdir(), 'strata-big-view-'));
const prefix = `bigview-${Date.now()}`;
const env = { REDIS_URL: inject('redisUrl'), STRATA_PREFIX: prefix, STRATA_HOME: join(dir, 'home'), PORT: '0', STRATA_RUNTIME: 'noop', STRATA_WORKER_CONCURRENCY: '1' };
const cleanup: Array<() => Promise<unknown> | void> = [];
let url: string;
let id: string;
let redis: Redis;


/** Ask /healthz again and again while `work` goes on: the answers (statuses) that came back before it ended. */
async function healthWhile<T>(work: Promise<T>): Promise<{ result: T; before: number[] }> {
  let over = false;
  const ended = work.finally(() => (over = true));
  const before: number[] = [];
  const ask = async () => {
    while (!over) {
      const r = await fetch(`${url}/healthz`);
      await r.arrayBuffer();
      if (!over) before.push(r.status);
    }
  };
  const [result] = await Promise.all([ended, ask()]);
  return { result, before };
}

const get = async (path: string) => {
  const r = await fetch(`${url}${path}`);
  const text = await r.text();
  return { status: r.status, bytes: Buffer.byteLength(text), body: JSON.parse(text) };
};

beforeAll(async () => {
  const up = spawnStrata(['up'], env);
  cleanup.push(() => stop(up));
  url = await until('the API to listen', () => /API on (http:\/\/[\d.:]+)/.exec(up.output())?.[1]);
  redis = new Redis(inject('redisUrl'));
  cleanup.push(() => void redis.disconnect());
  const r = await fetch(`${url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(bigLoop(N)) });
  expect(r.status).toBe(202);
  id = ((await r.json()) as { runId: string }).runId;
  // Every item's step is known once the loop has started (the loop's own step besides).
  await until('every item to be known', async () => (await redis.hlen(`${prefix}:run:${id}:steps`)) > N, 240_000, 500);
}, 300_000);

afterAll(async () => {
  await fetch(`${url}/v1/runs/${id}/cancel`, { method: 'POST' }).catch(() => undefined);
  await until('the run to end', async () => ['cancelled', 'succeeded', 'failed'].includes((await get(`/v1/runs/${id}?summary=true`)).body.status), 120_000, 500).catch(() => undefined);
  await fetch(`${url}/v1/runs/${id}`, { method: 'DELETE' }).catch(() => undefined);
  for (const c of cleanup.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
}, 180_000);

describe('a run of a withItems of 5,000 items (R12)', () => {
  it('GET /v1/runs/:id?summary=true shows its first 1,000 steps in step order and counts every step by status', async () => {
    const { status, bytes, body } = await get(`/v1/runs/${id}?summary=true`);
    expect(status).toBe(200);
    const shown = Object.keys(body.steps);
    expect(shown).toHaveLength(1000);
    const total = await redis.hlen(`${prefix}:run:${id}:steps`);
    expect(body.stepsSummary.total).toBe(total);
    expect(body.stepsSummary.shown).toBe(1000);
    expect(Object.values(body.stepsSummary.counts as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(total);
    expect(body.stepsSummary.next).toBe(shown.at(-1));
    // Items in numeric order: each/0, each/1, ... each/9, each/10 (not each/10 after each/1).
    const items = shown.filter((s) => /\/\d+$/.test(s)).map((s) => Number(/(\d+)$/.exec(s)![1]));
    expect(items.slice(0, 12)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // A fifth of the whole at 5,000 (the whole is below): a view's size no longer grows with the run.
    expect(bytes).toBeLessThan(600_000);
  });

  it('pages every step once, in step order, through GET /v1/runs/:id/steps; GET /v1/runs/:id gives them all while /healthz is answered', async () => {
    const paged: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const { status, body } = await get(`/v1/runs/${id}/steps?limit=5000${after ? `&after=${encodeURIComponent(after)}` : ''}`);
      expect(status).toBe(200);
      paged.push(...Object.keys(body.steps));
      after = body.next;
      pages++;
    } while (after && pages < 100);
    const total = await redis.hlen(`${prefix}:run:${id}:steps`);
    expect(paged).toHaveLength(total);
    expect(new Set(paged).size).toBe(total);

    const full = await healthWhile(get(`/v1/runs/${id}`));
    expect(full.result.status).toBe(200);
    expect(full.result.body.stepsSummary).toBeUndefined();
    // Every step, in the same order as the pages.
    expect(Object.keys(full.result.body.steps)).toEqual(paged);
    expect(full.result.body.id).toBe(id);
    // /healthz was answered while the whole view was made and written, and never refused.
    expect(full.before.length).toBeGreaterThanOrEqual(1);
    expect(full.before.every((s) => s === 200)).toBe(true);
  });

  it('pages by status: only the steps of the asked statuses, with every step still counted', async () => {
    const { body } = await get(`/v1/runs/${id}/steps?status=succeeded,running&limit=10`);
    expect(Object.values(body.steps as Record<string, { status: string }>).every((s) => ['succeeded', 'running'].includes(s.status))).toBe(true);
    expect(Object.keys(body.steps).length).toBeLessThanOrEqual(10);
    expect(body.total).toBe(Object.values(body.counts as Record<string, number>).reduce((a, b) => a + b, 0));
  });

  it.each([
    ['limit=0', /limit must be a whole number from 1 to 5000/],
    ['limit=5001', /limit must be a whole number from 1 to 5000/],
    ['status=done', /status must be one of pending, running, succeeded, failed, skipped, cancelled, superseded, not "done"/],
    ['after=%2Fbad', /after must be a step id/],
  ])('refuses GET /v1/runs/:id/steps?%s with 400 naming the parameter', async (query, message) => {
    const { status, body } = await get(`/v1/runs/${id}/steps?${query}`);
    expect(status).toBe(400);
    expect(body.error.message).toMatch(message);
  });

  it('answers 404 for the steps of no such run', async () => {
    expect((await get('/v1/runs/r0000000000000000/steps')).status).toBe(404);
  });

  it('strata runs get prints the first 1,000 steps, the counts and how to see every step; --all prints every one', async () => {
    const cli = { STRATA_URL: url };
    const cut = await runStrata(['runs', 'get', id], cli);
    expect(cut.code, cut.stderr).toBe(0);
    expect(cut.stdout).toMatch(/^Steps: +[\d,]+ \w+/m);
    expect(cut.stdout).toMatch(new RegExp(`more steps not shown \\(the first 1,000 of [\\d,]+\\): \`strata runs get ${id} --all\``));
    expect(cut.stdout.split('\n').length).toBeLessThan(1100);

    const json = await runStrata(['runs', 'get', id, '-o', 'json'], cli);
    expect(json.code, json.stderr).toBe(0);
    expect(Object.keys(JSON.parse(json.stdout).steps)).toHaveLength(1000);

    const all = await runStrata(['runs', 'get', id, '--all', '-o', 'json'], cli);
    expect(all.code, all.stderr).toBe(0);
    const every = JSON.parse(all.stdout);
    expect(every.stepsSummary).toBeUndefined();
    expect(Object.keys(every.steps).length).toBeGreaterThan(N);

    const tree = await runStrata(['runs', 'get', id, '--all'], cli);
    expect(tree.code, tree.stderr).toBe(0);
    expect(tree.stdout).not.toMatch(/more steps not shown/);
    expect(tree.stdout.split('\n').length).toBeGreaterThan(N);
  }, 240_000);

  it('a cancel answers the run with every step, written while /healthz is answered', async () => {
    const cancel = await healthWhile(fetch(`${url}/v1/runs/${id}/cancel`, { method: 'POST' }).then(async (r) => ({ status: r.status, body: (await r.json()) as { status: string; steps: Record<string, unknown> } })));
    expect(cancel.result.status).toBe(200);
    expect(Object.keys(cancel.result.body.steps).length).toBeGreaterThan(N);
    expect(cancel.before.every((s) => s === 200)).toBe(true);
  });
});
