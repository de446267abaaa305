/**
 * A big fan-out's start is folded in slices (STRATA_FOLD_SLICE_STEPS; sync.ts): each
 * slice's steps are enqueued and recorded before the next slice is folded. A coordinator
 * SIGKILLed between two slices leaves those slices launched and the rest pending; the next
 * coordinator takes the run up and launches the rest, every item exactly once (one run of
 * its program, one recorded execution). Real processes: the first coordinator is a
 * `strata serve` that kills itself after its second slice (test/support/die-between-slices.mjs),
 * the second a `strata up` with the local runtime.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { STEP_QUEUE } from '../../src/worker/step-job.ts';
import { flowDoc, shTask } from '../support/documents.ts';
import { spawnStrata, stop, until } from '../support/processes.ts';

const N = 30;
const dir = mkdtempSync(join(tmpdir(), 'strata-slices-'));
const cleanup: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

const urlOf = (p: ReturnType<typeof spawnStrata>) => until('the API to listen', () => /API on (http:\/\/[\d.:]+)/.exec(p.output())?.[1], 30_000);

describe('a fan-out started in slices', () => {
  it('a coordinator killed between two slices: the next one launches the rest, each item exactly once', async () => {
    const prefix = `slices-${Date.now()}`;
    const marks = join(dir, 'marks');
    const env = { REDIS_URL: inject('redisUrl'), STRATA_PREFIX: prefix, STRATA_HOME: join(dir, 'home'), PORT: '0', STRATA_FOLD_SLICE_STEPS: '5', STRATA_SYNC_GRACE_MS: '300', STRATA_WORKER_CONCURRENCY: '8' };
    const redis = new Redis(inject('redisUrl'));
    const queue = new Queue(STEP_QUEUE, { connection: { url: inject('redisUrl') } as never, prefix: `${prefix}:bull` });
    cleanup.push(() => void redis.disconnect(), () => queue.close());

    const first = spawnStrata(['serve'], env, { entry: ['test/support/die-between-slices.mjs', '2'] });
    cleanup.push(() => stop(first));
    const url = await urlOf(first);
    const flow = flowDoc({ fanOut: { over: Array.from({ length: N }, (_, i) => i), do: { id: 'x', task: shTask(`echo "$STRATA_ITEM" >> ${marks}`) } } }, 'slices');
    // Its answer never comes: the process dies while it starts the run.
    const post = await fetch(`${url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flow }) }).then((r) => r.status, () => 'no answer');
    await until('the first coordinator to die', () => first.exitCode !== null || first.signalCode !== null);
    expect(first.output()).toContain('died after slice 2');
    expect(post).toBe('no answer');

    // What it left: two slices launched (enqueued, and recorded running), the other items not yet.
    const [stepsKey] = await redis.keys(`${prefix}:run:*:steps`);
    const runId = stepsKey.split(':').at(-2)!;
    const states = Object.entries(await redis.hgetall(stepsKey)).filter(([id]) => /^\d+$/.test(id)).map(([, v]) => (JSON.parse(v) as { status: string }).status);
    const running = states.filter((s) => s === 'running').length;
    expect(running).toBeGreaterThan(0);
    expect(running).toBeLessThan(N / 2);
    expect(states.filter((s) => s !== 'running' && s !== 'pending')).toEqual([]);
    expect((await queue.getJobCounts('waiting')).waiting).toBe(running);
    expect(existsSync(marks)).toBe(false);

    const second = spawnStrata(['up'], env);
    cleanup.push(() => stop(second));
    const url2 = await urlOf(second);
    const run = await until('the run to end', async () => {
      const v = (await (await fetch(`${url2}/v1/runs/${runId}`)).json()) as { status: string; steps: Record<string, { status: string; attempts: number }> };
      return v.status === 'succeeded' || v.status === 'failed' ? v : undefined;
    }, 60_000, 200);
    expect(run.status, second.output()).toBe('succeeded');
    // Every item ran once, and each was recorded as started once.
    const ran = readFileSync(marks, 'utf8').trim().split('\n').map(Number).sort((a, b) => a - b);
    expect(ran).toEqual(Array.from({ length: N }, (_, i) => i));
    const items = Object.entries(run.steps).filter(([id]) => /^\d+$/.test(id));
    expect(items).toHaveLength(N);
    expect(items.filter(([, s]) => s.status !== 'succeeded' || s.attempts !== 1)).toEqual([]);
  }, 90_000);
});
