/**
 * A step whose program succeeded while Redis refuses writes (OOM: past its maxmemory): its
 * completion cannot be appended. Its end must not contradict itself: the worker's `step.end`
 * line said `outcome: succeeded` with the error of Redis refusing the append, where nothing
 * was recorded. It says the step's end was not recorded (`outcome: unrecorded`, the error
 * naming Redis's), and once Redis takes writes again the step's job is taken up and the run
 * goes on to succeed. A real `strata up` on a redis-server of the test's own (the shared one
 * is never made to refuse writes).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startRedisServer } from '../../src/store/redis-server.ts';
import { flowDoc, shTask } from '../support/documents.ts';
import { spawnStrata, stop, until } from '../support/processes.ts';

const dir = mkdtempSync(join(tmpdir(), 'strata-end-refused-'));
const signals = mkdtempSync('/dev/shm/strata-end-refused-');
const cleanup: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
  rmSync(signals, { recursive: true, force: true });
});

const OOM = /OOM command not allowed when used memory > 'maxmemory'/;
type Line = Record<string, unknown> & { event?: string };
const lines = (text: string): Line[] => text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);

const AT = [
  ['a task', (gate: unknown) => ({ id: 'gate', task: gate }), 'gate'],
  // Its container's report is what Redis refuses first (the worker relays it): the pod's end was logged failed beside Redis's error.
  ['a pod', (gate: unknown) => ({ id: 'gate', pod: { flow: { id: 'inner', task: gate } } }), 'gate'],
] as const;

describe.each(AT)('%s that ends while Redis refuses writes (OOM)', (_what, wrap, stepId) => {
  it('is not logged succeeded or failed beside Redis\'s refusal; the run goes on once Redis takes writes again', async () => {
    const server = await startRedisServer({});
    const redis = new Redis(server.url);
    cleanup.push(async () => {
      await redis.config('SET', 'maxmemory', '0').catch(() => undefined);
      redis.disconnect();
      await server.stop();
    });
    const up = spawnStrata(['up'], { REDIS_URL: server.url, STRATA_PREFIX: 'end-refused', STRATA_HOME: mkdtempSync(join(dir, 'home-')), PORT: '0', STRATA_WORKER_CONCURRENCY: '1' });
    cleanup.push(() => stop(up));
    const url = await until('the API to listen', () => /API on (http:\/\/[\d.:]+)/.exec(up.output())?.[1] ?? (up.exitCode !== null && 'exited'), 30_000);
    expect(url, up.output()).not.toBe('exited');
    // The step says it started, then waits to be let go.
    const flag = mkdtempSync(join(signals, 'run-'));
    const gate = shTask(`touch ${flag}/started; while [ ! -e ${flag}/go ]; do sleep 0.05; done`);
    const res = await fetch(`${url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flow: flowDoc({ sequence: [wrap(gate), { id: 'after', task: shTask('true') }] }, 'end-refused') }) });
    expect(res.status).toBe(202);
    const { runId } = (await res.json()) as { runId: string };
    await until('the step to start', () => existsSync(join(flag, 'started')), 30_000);
    await redis.config('SET', 'maxmemory', '1');
    await until('Redis to refuse writes', () => redis.set('probe', '1').then(() => false, (e: Error) => OOM.test(e.message)), 20_000, 100);
    writeFileSync(join(flag, 'go'), '');
    const end = await until('the step\'s end line', () => lines(up.output()).find((l) => l.event === 'step.end' && l.run === runId && l.step === stepId), 30_000);
    // Its end is one thing: recorded and succeeded, or not recorded and saying so.
    if (end.outcome === 'succeeded') expect(end.error, JSON.stringify(end)).toBeUndefined();
    expect(end).toMatchObject({ outcome: 'unrecorded', error: expect.stringMatching(OOM) });
    await redis.config('SET', 'maxmemory', '0');
    const run = await until('the run to end', async () => {
      const r = await fetch(`${url}/v1/runs/${runId}`).catch(() => undefined);
      const body = r?.status === 200 ? ((await r.json()) as { status: string; steps: Record<string, { status: string }> }) : undefined;
      return body && ['succeeded', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
    }, 90_000, 250);
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(run.steps.after.status).toBe('succeeded');
    // Every end line of the run agrees with itself.
    for (const l of lines(up.output()).filter((x) => x.event === 'step.end' && x.run === runId)) {
      if (l.outcome === 'succeeded') expect(l.error, JSON.stringify(l)).toBeUndefined();
    }
    expect(up.exitCode).toBe(null);
  }, 150_000);
});
