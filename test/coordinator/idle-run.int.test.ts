/**
 * Nothing polls (issue 9): while a run waits (its only step runs a long program, a viewer
 * follows its event stream, a Schedule waits for its next tick), strata's coordinator,
 * scheduler and event stream send Redis no command. Counted with MONITOR over an idle
 * window: a count of commands, not a time. BullMQ's own queue machinery (keys under
 * `<prefix>:bull:`: the worker's lock renewal, its blocking wait for the next job) is left
 * out of the count and described in docs/performance.md.
 */
import { Redis } from 'ioredis';
import { monitorRedis } from '../support/redis-monitor.ts';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { until } from '../support/processes.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

/** Every command Redis runs from now on, as MONITOR shows them (command and arguments), until `stop`. */
async function monitor(): Promise<{ seen: string[][]; stop(): void }> {
  const m = await monitorRedis(inject('redisUrl'));
  return { get seen() { return m.seen.map((s) => s.args); }, stop: m.stop };
}

describe('an idle run', () => {
  let svc: RunTestService;

  it('costs no Redis command of strata\'s own: coordinator, scheduler and a viewer of its events wait on Redis', async () => {
    svc = await startRunService({}, { graceMs: 100 });
    cleanup.push(() => svc.close());
    // A Schedule whose next tick is far away: it is waited for, not looked at.
    const schedule = { apiVersion: 'strata/v1', kind: 'Schedule', metadata: { name: 'yearly' }, spec: { schedule: '0 0 1 1 *', use: 'waits@1' } };
    expect((await svc.call('POST', '/v1/flows', flowDoc({ task: shTask('true') }, 'waits'))).status).toBe(201);
    expect((await svc.call('POST', '/v1/schedules', schedule)).status).toBe(201);
    const r = await svc.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: 'long', task: shTask('sleep 60') }] }) });
    expect(r.status).toBe(202);
    const runId = r.body.runId as string;
    const redis = new Redis(inject('redisUrl'));
    cleanup.push(() => redis.disconnect());
    await until('the step to run', async () => (await svc.call('GET', `/v1/runs/${runId}`)).body.steps.long.status === 'running');
    const watch = await monitor();
    cleanup.push(() => watch.stop());
    // A viewer follows the run's events.
    const viewer = new AbortController();
    cleanup.push(() => viewer.abort());
    const stream = await fetch(`${svc.url}/v1/runs/${runId}/events`, { signal: viewer.signal });
    const reader = stream.body!.getReader();
    await reader.read();
    // The stream is set up once it has read the run's state (status and event count, after the backlog).
    const eventsKey = `${svc.prefix}:run:${runId}:events`;
    await until('the viewer to be set up', () => watch.seen.some((a) => a[0].toLowerCase() === 'llen' && a[1] === eventsKey));
    // At rest: the coordinator and the scheduler have heard everything said to them, no look
    // is under way, and none is planned (the scheduler's is the yearly tick). Before this,
    // a look still under way, or a wake said on the channel and not heard yet, would send
    // commands after the window opened (what made this test fail now and then).
    const coordinator = svc.parts.coordinator!;
    const scheduler = svc.parts.scheduler!;
    await until('the coordinator and the scheduler to be at rest', async () => (await coordinator.nextLook()) === Infinity && ((await scheduler.nextLook()) ?? 0) > Date.now() + 3_600_000);
    // The run's last sync recorded everything: it is due no more.
    expect(await redis.zscore(`${svc.prefix}:runs:due`, runId)).toBeNull();
    // The window opens at a mark in MONITOR's feed: Redis runs commands one at a time and
    // MONITOR shows them in that order, so whatever ran before the mark (the test's own
    // reads, lines still on their way over the socket) stays out of the window.
    const mark = `idle-window-${runId}`;
    await redis.echo(mark);
    await until('the mark in the feed', () => watch.seen.some((a) => a[0].toLowerCase() === 'echo' && a[1] === mark));
    const from = watch.seen.findIndex((a) => a[0].toLowerCase() === 'echo' && a[1] === mark) + 1;
    const own = (args: string[]) => args.some((a) => a.startsWith(`${svc.prefix}:`) && !a.startsWith(`${svc.prefix}:bull:`));
    // A second: a coordinator that still looked would show (it was given a 100 ms grace), as would a scheduler looking every 500 ms.
    await new Promise((res) => setTimeout(res, 1000));
    expect(watch.seen.slice(from).filter(own).map((a) => a.join(' ').slice(0, 200))).toEqual([]);
    watch.stop();
    // Not idle any more: the run's cancel is heard at once, and the viewer sees it.
    expect((await svc.call('POST', `/v1/runs/${runId}/cancel`)).status).toBe(200);
    expect((await svc.waitRun(runId)).status).toBe('cancelled');
    viewer.abort();
  });
});
