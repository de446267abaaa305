/**
 * Timers whose process died (issue 9, nothing polls): a composite's deadline and a retry
 * back-off are kept in Redis and fired by the process that armed them; a coordinator
 * fires them a grace after their time should that process be gone. There is no sweep
 * every few seconds any more: the coordinator that starts afterwards learns of them when
 * it looks (the earliest entry of the deadlines set), and only then. Real processes: a
 * `strata up` SIGKILLed while the timer waits, then another one started.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { flowDoc, shTask as sh } from '../support/documents.ts';
import { spawnStrata, stop, until } from '../support/processes.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-orphan-timers-');

const dir = newTempDir();
const cleanup: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

interface RunBody {
  status: string;
  steps: Record<string, { status: string; error?: string; attempts?: number }>;
}

/**
 * Start a run on one `strata up` (with `retried`: let it fail, then retry it), SIGKILL it once
 * `armed` holds, and return the run as a second `strata up` ends it.
 */
async function killWhileArmed(name: string, root: unknown, armed: (redis: Redis, prefix: string, runId: string) => Promise<boolean>, retried = false): Promise<RunBody> {
  const prefix = `orphan-${name}-${Date.now()}`;
  const env = { REDIS_URL: inject('redisUrl'), STRATA_PREFIX: prefix, STRATA_HOME: join(dir, name), PORT: '0', STRATA_SYNC_GRACE_MS: '300', STRATA_LOCK_MS: '1000', STRATA_STALLED_MS: '300' };
  const urlOf = async (p: ReturnType<typeof spawnStrata>) => until('the API to listen', () => /API on (http:\/\/[\d.:]+)/.exec(p.output())?.[1]);
  const redis = new Redis(inject('redisUrl'));
  cleanup.push(async () => redis.quit());
  const first = spawnStrata(['up'], env);
  cleanup.push(() => stop(first));
  const url = await urlOf(first);
  const res = await fetch(`${url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flow: flowDoc(root, name) }) });
  const { runId } = (await res.json()) as { runId: string };
  if (retried) {
    await until('the run to fail', async () => ((await (await fetch(`${url}/v1/runs/${runId}`)).json()) as RunBody).status === 'failed', 30_000);
    expect((await fetch(`${url}/v1/runs/${runId}/retry`, { method: 'POST' })).status).toBe(200);
  }
  await until('the timer to be stored', () => armed(redis, prefix, runId), 30_000);
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  const second = spawnStrata(['up'], env);
  cleanup.push(() => stop(second));
  const url2 = await urlOf(second);
  return until('the run to end', async () => {
    const v = (await (await fetch(`${url2}/v1/runs/${runId}`)).json()) as RunBody;
    return ['succeeded', 'failed', 'cancelled'].includes(v.status) ? v : undefined;
  }, 60_000);
}

describe('timers whose process died', () => {
  it('a composite\'s deadline armed by a strata up SIGKILLed is fired by the next coordinator: the run fails with it', async () => {
    const root = { sequence: [{ id: 'group', timeout: 3, sequence: [{ id: 'long', task: sh('sleep 60') }] }] };
    const run = await killWhileArmed('deadline', root, async (redis, prefix, runId) => (await redis.zrange(`${prefix}:deadlines`, '0', '-1')).some((m) => m.startsWith(`${runId}|`)));
    expect(run.status).toBe('failed');
    expect(Object.values(run.steps).find((s) => s.error === 'step group timed out after 3s')).toBeDefined();
  });

  it('a composite\'s deadline armed again by a retry of the run, its strata up SIGKILLed, is fired by the next coordinator: the retry fails with it too', async () => {
    const root = { sequence: [{ id: 'group', timeout: 1, sequence: [{ id: 'long', task: sh('sleep 60') }] }] };
    // The retry's deadline is the group's second (deadlines.ts: run|group|d2); the first was answered before the retry.
    const run = await killWhileArmed('deadline-retried', root, async (redis, prefix, runId) => (await redis.zrange(`${prefix}:deadlines`, '0', '-1')).includes(`${runId}|group|d2`), true);
    expect(run.status).toBe('failed');
    expect(Object.values(run.steps).find((s) => s.error === 'step group timed out after 1s')).toBeDefined();
  });

  it('a retry back-off armed by a strata up SIGKILLed is fired by the next coordinator: the next attempt runs', async () => {
    const mark = join(dir, 'failed-once');
    const root = { sequence: [{ id: 'flaky', retry: { limit: 1, backoff: { duration: 3 } }, task: sh(`if [ -e ${mark} ]; then exit 0; fi; touch ${mark}; exit 1`) }] };
    const run = await killWhileArmed('backoff', root, async (redis, prefix, runId) => (await redis.zrange(`${prefix}:deadlines`, '0', '-1')).includes(`${runId}|flaky|2`));
    expect(existsSync(mark)).toBe(true);
    // Only a second attempt can succeed: a re-run of the first (its job taken over from the
    // killed worker) finds the mark and exits 0, but the first attempt's end is recorded once
    // (failed), so without the back-off firing the run would wait for ever.
    expect(run.status).toBe('succeeded');
    expect(run.steps.flaky.status).toBe('succeeded');
    // `attempts` counts executions too (run-commit-5.lua): 2, or 3 when the killed worker's
    // job of the first attempt was taken over and run again.
    expect(run.steps.flaky.attempts).toBeGreaterThanOrEqual(2);
  });
});
