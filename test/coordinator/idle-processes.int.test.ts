/**
 * Nothing polls (issue 9), as real processes: the siblings of idle-run.int.test.ts (which
 * runs the parts in the test's process). An idle `strata up` with no run and no Schedule
 * (its scheduler has nothing to wait for), an idle `strata worker` beside it, and then a
 * run whose only step sleeps, followed by a viewer over server-sent events, by `strata
 * runs watch` and by `strata logs -f` as processes: Redis runs no command naming a key of strata's own. Counted
 * with MONITOR between two marks (a count of commands, not a time; the second window spans a
 * heartbeat of the event stream), and, as the positive control that makes those empty
 * lists mean something, the same filter over the run's cancel sees strata's commands; BullMQ's own machinery
 * (keys under `<prefix>:bull:`: a worker's blocking wait for the next job, its stalled-job
 * check, the lock renewal of a running step) is counted apart, by command, and printed: what
 * docs/performance.md reports of it.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { spawnStrata, stop, until } from '../support/processes.ts';
import { monitorRedis, type Monitor } from '../support/redis-monitor.ts';
import { usePrefixes, testHome } from '../support/test-service.ts';

const newPrefix = usePrefixes();

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

const prefix = newPrefix('idle');
const env = { REDIS_URL: inject('redisUrl'), STRATA_PREFIX: prefix, STRATA_HOME: testHome(prefix), PORT: '0', STRATA_SYNC_GRACE_MS: '100' };
/** How long the window with nothing to do stays open: a count over it, not a time asserted. */
const WINDOW_MS = 2000;

/** The commands Redis ran between two ECHO marks, the second once `until` resolves: strata's own (naming a key under the prefix, not BullMQ's) and BullMQ's counted by command. */
async function idleWindow(monitor: Monitor, redis: Redis, name: string, until: () => Promise<unknown>): Promise<{ own: string[]; bull: Record<string, number> }> {
  const from = `${name}-from-${randomUUID()}`;
  const to = `${name}-to-${randomUUID()}`;
  await redis.echo(from);
  await until();
  await redis.echo(to);
  const seen = await monitor.between(from, to);
  const named = (args: string[], p: string) => args.slice(1).some((a) => a.startsWith(p));
  const own = seen.filter((s) => s.from !== 'lua' && named(s.args, `${prefix}:`) && !named(s.args, `${prefix}:bull:`)).map((s) => s.args.join(' ').slice(0, 200));
  const bull: Record<string, number> = {};
  for (const s of seen) if (named(s.args, `${prefix}:bull:`)) bull[`${s.from === 'lua' ? 'in a script: ' : ''}${s.args[0]}`] = (bull[`${s.from === 'lua' ? 'in a script: ' : ''}${s.args[0]}`] ?? 0) + 1;
  return { own, bull };
}

describe('idle strata processes send Redis no command of their own', () => {
  it('strata up and strata worker with nothing to do; then a waiting run followed over SSE, by strata runs watch and by strata logs -f', { timeout: 120_000 }, async () => {
    const redis = new Redis(inject('redisUrl'));
    cleanup.push(() => redis.disconnect());
    const up = spawnStrata(['up'], env);
    cleanup.push(() => stop(up));
    const url = await until('the API to listen', () => /API on (http:\/\/[\d.:]+)/.exec(up.output())?.[1], 30_000);
    await until('the coordinator and worker to run', () => up.output().includes('coordinator and a worker'), 30_000);
    const worker = spawnStrata(['worker'], env);
    cleanup.push(() => stop(worker));
    await until('the worker to run', () => worker.output().includes('worker running'), 30_000);
    const monitor = await monitorRedis(inject('redisUrl'));
    cleanup.push(() => monitor.stop());

    // Nothing to do: no run, no Schedule.
    const empty = await idleWindow(monitor, redis, 'empty', () => new Promise((r) => setTimeout(r, WINDOW_MS)));
    console.log(`idle strata up + strata worker, ${WINDOW_MS} ms: strata's own ${empty.own.length}, BullMQ's ${JSON.stringify(empty.bull)}`);
    expect(empty.own).toEqual([]);

    // A run waiting on its step, a viewer of its events and `strata runs watch` following it.
    const res = await fetch(`${url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flow: flowDoc({ sequence: [{ id: 'long', task: shTask('echo started; sleep 60') }] }) }) });
    const { runId } = (await res.json()) as { runId: string };
    await until('the step to run', async () => ((await (await fetch(`${url}/v1/runs/${runId}`)).json()) as { steps: Record<string, { status: string }> }).steps.long?.status === 'running', 30_000);
    const viewer = new AbortController();
    cleanup.push(() => viewer.abort());
    const stream = await fetch(`${url}/v1/runs/${runId}/events`, { signal: viewer.signal });
    const reader = stream.body!.getReader();
    await reader.read();
    // Everything the viewer is sent from now on, heartbeats included.
    let received = '';
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        received += new TextDecoder().decode(value);
      }
    })();
    const watch = spawnStrata(['runs', 'watch', runId], { STRATA_URL: url });
    cleanup.push(() => stop(watch));
    await until('strata runs watch to show the running step', () => /long\b.*running/.test(watch.output()), 30_000);
    // And `strata logs -f`, once it has the step's first line.
    const logs = spawnStrata(['logs', runId, '-f'], { STRATA_URL: url });
    cleanup.push(() => stop(logs));
    await until('strata logs -f to show the step\'s line', () => logs.output().includes('started'), 30_000);
    await until('the run to be due no more', async () => (await redis.zscore(`${prefix}:runs:due`, runId)) === null, 30_000);

    // The window spans a heartbeat (a comment line every 15 s): the stream's keep-alive costs Redis nothing either.
    const waiting = await idleWindow(monitor, redis, 'waiting', () => {
      const before = received.length;
      return until('a heartbeat on the idle stream', () => received.slice(before).includes(': keep-alive'), 40_000, 200);
    });
    console.log(`a waiting run, a viewer over SSE, strata runs watch and strata logs -f, until a heartbeat: strata's own ${waiting.own.length}, BullMQ's ${JSON.stringify(waiting.bull)}`);
    expect(waiting.own).toEqual([]);

    // Not idle any more: the cancel is heard at once, and the watcher ends with it. The
    // positive control of the windows above: the same filter, over a window where the run
    // is active, sees strata's own commands on the run's keys (so an empty list above says
    // nothing was sent, not that the filter sees nothing).
    let code: number | null = null;
    const active = await idleWindow(monitor, redis, 'active', async () => {
      expect((await fetch(`${url}/v1/runs/${runId}/cancel`, { method: 'POST' })).status).toBe(200);
      code = await new Promise<number | null>((r) => (watch.exitCode !== null ? r(watch.exitCode) : watch.once('exit', (c) => r(c))));
    });
    console.log(`a run cancelled: strata's own ${active.own.length}, BullMQ's ${JSON.stringify(active.bull)}`);
    expect(active.own.filter((c) => c.includes(runId)).length).toBeGreaterThan(0);
    expect(code).toBe(1);
    expect(watch.output()).toContain('cancelled');
    await new Promise<void>((r) => (logs.exitCode !== null ? r() : logs.once('exit', () => r())));
  });
});
