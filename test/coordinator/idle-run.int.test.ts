/**
 * Nothing polls (issue 9): while a run waits (its only step runs a long program, a viewer
 * follows its event stream, a Schedule waits for its next tick), strata's coordinator,
 * scheduler and event stream send Redis no command. Counted with MONITOR over an idle
 * window: a count of commands, not a time. BullMQ's own queue machinery (keys under
 * `<prefix>:bull:`: the worker's lock renewal, its blocking wait for the next job) is left
 * out of the count and described in docs/performance.md.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { until } from '../support/processes.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

/** Commands Redis runs while `during` runs, as MONITOR shows them (command and arguments). */
async function monitored(during: () => Promise<void>): Promise<string[][]> {
  const seen: string[][] = [];
  const monitor = await new Redis(inject('redisUrl')).monitor();
  monitor.on('monitor', (_time: string, args: string[]) => seen.push(args));
  try {
    await during();
  } finally {
    monitor.disconnect();
  }
  return seen;
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
    // A viewer follows the run's events.
    const viewer = new AbortController();
    cleanup.push(() => viewer.abort());
    const stream = await fetch(`${svc.url}/v1/runs/${runId}/events`, { signal: viewer.signal });
    const reader = stream.body!.getReader();
    await reader.read(); // the backlog is out: the hub follows the run
    // Settled: the run is due no more once its last sync recorded everything.
    await until('the run to be settled', async () => (await redis.zscore(`${svc.prefix}:runs:due`, runId)) === null);
    const own = (args: string[]) => args.some((a) => a.startsWith(`${svc.prefix}:`) && !a.startsWith(`${svc.prefix}:bull:`));
    // Ten times the grace given above: a coordinator that still looked would show, as would a scheduler looking every 500 ms.
    const seen = await monitored(() => new Promise((res) => setTimeout(res, 1000)));
    expect(seen.filter(own).map((a) => a.join(' ').slice(0, 200))).toEqual([]);
    // Not idle any more: the run's cancel is heard at once, and the viewer sees it.
    expect((await svc.call('POST', `/v1/runs/${runId}/cancel`)).status).toBe(200);
    expect((await svc.waitRun(runId)).status).toBe('cancelled');
    viewer.abort();
  });
});
