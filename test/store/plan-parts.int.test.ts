/**
 * Issue 9: a run's plan is kept in parts (a list of at most PART_BYTES each), so that no
 * single Redis command writes or reads the whole of a big plan (25.6 MB for a 100,000-node
 * tree, a 283 ms GET during which Redis answered no one). Checked by sizes, not times: the
 * largest value stored under the run's keys, and the largest argument of each command sent
 * (MONITOR) while a real big plan is stored and read back. A plan stored by an earlier
 * version as one string is still read, also in parts.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { validateFlowDocument } from '../../src/flow/flow-document.ts';
import { compileFlow } from '../../src/plan/compile.ts';
import { prepareRun } from '../../src/run/prepared-run.ts';
import { DefinitionsStore } from '../../src/store/definitions-store.ts';
import { RunStore } from '../../src/store/run-store.ts';
import { cutParts, fitsOnePart, PART_BYTES } from '../../src/store/value-parts.ts';
import { monitorRedis, type Monitor, type Seen } from '../support/redis-monitor.ts';

const redis = new Redis(inject('redisUrl'));
afterAll(async () => void (await redis.quit()));

/** A tree of `n` tasks, ten children a node (the shape of the 100,000-node tree Dataset's plan). */
function treePlan(n: number) {
  const nodes: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) nodes[`n${i}`] = i === 0 ? { task: { image: 'strata/noop' } } : { task: { image: 'strata/noop', env: { WHO: `node ${i}, é 😀` } }, dependsOn: [`n${Math.floor((i - 1) / 10)}`] };
  return compileFlow(validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'tree', version: '1' }, spec: { root: { graph: { nodes } } } }));
}

/** The largest value stored under `pattern`'s keys: a string's length, a list's or hash's largest element. */
async function largestStored(pattern: string): Promise<{ key: string; bytes: number }> {
  let largest = { key: '', bytes: 0 };
  for (const key of await redis.keys(pattern)) {
    const type = await redis.type(key);
    const sizes = type === 'string' ? [await redis.strlen(key)]
      : type === 'list' ? (await redis.lrangeBuffer(key, 0, -1)).map((b) => b.length)
      : type === 'hash' ? [...Object.values(await redis.hgetallBuffer(key))].map((b) => b.length)
      : [];
    for (const bytes of sizes) if (bytes > largest.bytes) largest = { key, bytes };
  }
  return largest;
}

/** The largest argument of any command a client sent (not a script's own), in bytes as MONITOR shows them (escapes count several). */
const largestArg = (seen: Seen[]) => Math.max(...seen.filter((s) => s.from !== 'lua').flatMap((s) => s.args.map((a) => a.length)));

/**
 * The commands this file's connection sent between the marks `from` and `to` (a script's own
 * commands, `lua`, are nobody's): the Redis is shared with the files running beside this one.
 */
async function sentBetween(watch: Monitor, from: string, to: string): Promise<Seen[]> {
  const window = await watch.between(from, to);
  const self = watch.seen.find((s) => s.args[0] === 'echo' && s.args[1] === to)!.from;
  return window.filter((s) => s.from === self);
}

describe('a big plan', () => {
  const compiled = treePlan(10_000);
  // What RunStore.create stores: the plan as prepareRun serializes it.
  const planJson = prepareRun('tree@1', compiled.root, compiled.params, compiled.stepIds).planJson;

  it('is stored in parts no larger than the bound and read back whole, one part a command', async () => {
    expect(Buffer.byteLength(planJson)).toBeGreaterThan(4 * PART_BYTES);
    const store = new RunStore(redis, `plan-parts-${Date.now()}:`);
    const watch = await monitorRedis(inject('redisUrl'));
    try {
      await redis.echo('create-from');
      expect(await store.create('r', 'tree@1', { root: compiled.root, params: compiled.params }, compiled.stepIds, {})).toBe(true);
      await redis.echo('create-to');
      const plan = await store.plan('r');
      await redis.echo('read-to');
      expect(JSON.stringify(plan)).toBe(planJson);
      // Nothing stored under the run is larger than a part (before: the plan, one string of several MB).
      const stored = await largestStored(`${store.prefix}run:r*`);
      expect(stored.bytes).toBeLessThanOrEqual(PART_BYTES);
      // No command carried more than a part (MONITOR escapes a multi-byte character as \xNN: up to 4x), and the read was one part per command.
      expect(largestArg(await sentBetween(watch, 'create-from', 'create-to'))).toBeLessThanOrEqual(4 * PART_BYTES);
      const read = await sentBetween(watch, 'create-to', 'read-to');
      expect(read.filter((s) => s.args[0] === 'get')).toEqual([]);
      expect(read.filter((s) => s.args[0] === 'lindex').length).toBe(Math.ceil(Buffer.byteLength(planJson) / PART_BYTES));
    } finally {
      watch.stop();
    }
    // Deleting the run takes the parts with it.
    expect(await store.remove('r')).toBe('pending');
    await redis.hset(store.key('r'), 'status', 'succeeded');
    expect(await store.remove('r')).toBe('deleted');
    expect(await redis.keys(`${store.prefix}run:r*`)).toEqual([]);
  });

  it('stored by an earlier version as one string, is still read, by GETRANGE in parts', async () => {
    const store = new RunStore(redis, `plan-legacy-${Date.now()}:`);
    await store.create('r', 'tree@1', { root: compiled.root, params: compiled.params }, compiled.stepIds, {});
    // What run-create-4.lua wrote before plans were kept in parts.
    await redis.del(store.key('r', 'plan:parts'));
    await redis.set(store.key('r', 'plan'), planJson);
    const watch = await monitorRedis(inject('redisUrl'));
    try {
      await redis.echo('read-from');
      expect(JSON.stringify(await store.plan('r'))).toBe(planJson);
      await redis.echo('read-to');
      const read = await sentBetween(watch, 'read-from', 'read-to');
      expect(read.filter((s) => s.args[0] === 'get')).toEqual([]);
      const ranges = read.filter((s) => s.args[0] === 'getrange');
      expect(ranges.length).toBe(Math.ceil(Buffer.byteLength(planJson) / PART_BYTES));
      for (const r of ranges) expect(Number(r.args[3]) - Number(r.args[2]) + 1).toBeLessThanOrEqual(PART_BYTES);
    } finally {
      watch.stop();
    }
    await redis.hset(store.key('r'), 'status', 'failed');
    expect(await store.remove('r')).toBe('deleted');
    expect(await redis.keys(`${store.prefix}run:r*`)).toEqual([]);
    expect(await store.plan('r')).toBeUndefined();
  });
});

describe("a generated flow's Plan document", () => {
  it('is kept in parts too, which join back to it', async () => {
    const text = JSON.stringify(treePlan(10_000).root);
    const prefix = `plan-doc-${Date.now()}:`;
    const key = `${prefix}plan:tree@1`;
    const defs = new DefinitionsStore(redis, prefix);
    // Twice: the second replaces the first whole.
    await defs.putPlan('tree@1', text);
    await defs.putPlan('tree@1', text);
    const parts = await redis.lrangeBuffer(key, 0, -1);
    expect(parts.length).toBe(Math.ceil(Buffer.byteLength(text) / PART_BYTES));
    expect(Math.max(...parts.map((p) => p.length))).toBeLessThanOrEqual(PART_BYTES);
    expect(Buffer.concat(parts).toString('utf8')).toBe(text);
    expect(await redis.ttl(key)).toBe(-1);
    expect(await redis.keys(`${prefix}plan:tree@1:staged:*`)).toEqual([]);
  });
});

describe('cutParts', () => {
  it('cuts by bytes, through multi-byte characters, and the parts join back to the text', () => {
    const text = 'aé😀b'.repeat(5);
    for (const size of [1, 2, 3, 5, 64]) {
      const parts = cutParts(text, size);
      expect(parts.every((p) => p.length <= size)).toBe(true);
      expect(Buffer.concat(parts).toString('utf8')).toBe(text);
    }
  });
});

describe('fitsOnePart', () => {
  it.each([
    { text: 'a'.repeat(64), size: 64, fits: true },
    { text: 'a'.repeat(65), size: 64, fits: false },
    { text: 'é'.repeat(32), size: 64, fits: true },
    { text: 'é'.repeat(33), size: 64, fits: false },
    { text: '😀'.repeat(16), size: 64, fits: true },
    { text: '😀'.repeat(17), size: 64, fits: false },
  ])('$size bytes hold $text.length UTF-16 units of "$text.0": $fits (as many bytes as the UTF-8)', ({ text, size, fits }) => {
    expect(fitsOnePart(text, size)).toBe(fits);
    expect(fitsOnePart(text, size)).toBe(Buffer.byteLength(text) <= size);
  });
});
