/**
 * A step told to stop before its job is taken (issue 9, found with the cancel's slices): the
 * coordinator tells workers to stop a cancelled run's steps, then records them cancelled
 * (sync.ts: told first, so a coordinator that dies between leaves the run to be folded and
 * told again). A worker that took one of those steps' jobs between the two saw the run and
 * the step still running, started it, and was never told again: the step ran to its end
 * after its run was cancelled. Real processes: a `strata serve` held before the cancel's
 * commit (test/support/hold-before-cancel-commit.mjs) and a `strata worker` of concurrency 1,
 * whose freed slot takes the next item's job meanwhile. Orders and counts, never times.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { alive, spawnStrata, stop, until } from '../support/processes.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const N = 5;
const tempDir = useTempDirs('strata-stop-before-record-');
const cleanup: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

/** The items that started (each writes its id and pid), in order. */
function started(file: string): Array<{ step: string; pid: number }> {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => ({ step: l.split(' ')[0], pid: Number(l.split(' ')[1]) })) : [];
}

describe('a step told to stop before its job is taken', () => {
  it('does not start, though the run is not yet recorded cancelled; the run ends cancelled with nothing left running', async () => {
    const dir = tempDir();
    const prefix = `stop-before-${Date.now()}`;
    const gate = `${prefix}:test-gate`;
    const redis = new Redis(inject('redisUrl'));
    cleanup.push(() => void redis.disconnect());
    const env = { REDIS_URL: inject('redisUrl'), STRATA_PREFIX: prefix, STRATA_HOME: join(dir, 'home'), PORT: '0' };
    const serve = spawnStrata(['serve'], { ...env, STRATA_TEST_HOLD: gate }, { entry: ['test/support/hold-before-cancel-commit.mjs'] });
    cleanup.push(() => stop(serve));
    const worker = spawnStrata(['worker'], { ...env, STRATA_WORKER_CONCURRENCY: '1' });
    cleanup.push(() => stop(worker));
    const url = await until('the API to listen', () => /API on (http:\/\/[\d.:]+)/.exec(serve.output())?.[1], 30_000);
    const marks = join(dir, 'started');
    const flow = flowDoc({ fanOut: { over: Array.from({ length: N }, (_, i) => i), do: { id: 'x', task: shTask(`echo "$STRATA_STEP $$" >> ${marks}; exec sleep 300`) } } }, 'stop-before-record');
    const r = await fetch(`${url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flow }) });
    expect(r.status).toBe(202);
    const runId = ((await r.json()) as { runId: string }).runId;
    const [first] = await until('an item to start', () => (started(marks).length > 0 ? started(marks) : undefined), 60_000);

    // Cancel: the steps are told to stop, the commit that records them cancelled waits.
    const cancel = fetch(`${url}/v1/runs/${runId}/cancel`, { method: 'POST' });
    cancel.catch(() => undefined); // awaited below; not left unhandled should the test fail first
    await until('the serve to hold', () => serve.output().includes('held before the cancel\'s commit'), 30_000);
    await until('the first item to be stopped', () => !alive(first.pid), 30_000);
    // The worker's freed slot takes the next item's jobs; each is checked and must not run.
    const queue = `${prefix}:bull:steps`;
    await until('the worker to have taken every other item\'s job, or to run one', async () => started(marks).length > 1 || ((await redis.llen(`${queue}:wait`)) === 0 && (await redis.llen(`${queue}:active`)) === 0), 60_000);
    expect(started(marks).map((s) => s.step)).toEqual([first.step]);

    await redis.rpush(gate, 'go');
    expect((await cancel).status).toBe(200);
    const run = await until('the run to be recorded cancelled', async () => {
      const v = (await (await fetch(`${url}/v1/runs/${runId}`)).json()) as { status: string; steps: Record<string, { status: string }> };
      return v.status === 'cancelled' ? v : undefined;
    }, 30_000);
    expect(Object.entries(run.steps).filter(([id]) => /^0\/\d+$/.test(id) || /^\d+$/.test(id)).every(([, s]) => s.status === 'cancelled')).toBe(true);
    expect(started(marks).map((s) => s.step)).toEqual([first.step]);
    expect(started(marks).filter((s) => alive(s.pid))).toEqual([]);
  });
});
