/**
 * Deleting a run (DELETE or retention) removes its BullMQ step jobs too: their hashes hold
 * the steps' parameters and environment, which must not outlive the run. Real HTTP,
 * Redis, BullMQ and processes.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { until } from '../support/processes.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';

const flow = (name: string) => flowDoc({ sequence: [
  { id: 'a', task: shTask('true') },
  { id: 'f', fanOut: { over: [1, 2, 3], do: { task: shTask('true') } } },
  { id: 'bad', retries: 1, task: shTask('exit 1') },
] }, name);

let svc: RunTestService;
let redis: Redis;
beforeAll(async () => {
  svc = await startRunService();
  redis = new Redis(svc.redis.url);
});
afterAll(async () => {
  await redis?.quit();
  await svc?.close();
});

/** Every Redis key of `prefix` that names the run (BullMQ's job hashes and logs hold the id). */
const keysOf = (r: Redis, prefix: string, id: string) => r.keys(`${prefix}:*${id}*`);

describe('deleting a run', () => {
  it('removes its step jobs (completed and failed, every attempt)', async () => {
    const started = await svc.call('POST', '/v1/runs', { flow: flow('jobs-del'), params: { secret: 'hunter2' } });
    const id = started.body.runId as string;
    expect((await svc.waitRun(id)).status).toBe('failed');
    const before = await keysOf(redis, svc.prefix, id);
    expect(before.filter((k) => k.includes(':bull:')).length).toBeGreaterThan(3);
    expect((await svc.call('DELETE', `/v1/runs/${id}`)).status).toBe(200);
    expect(await keysOf(redis, svc.prefix, id)).toEqual([`${svc.prefix}:deleted:${id}`]);
    // Nor does the queue's completed or failed set still name them.
    for (const set of ['completed', 'failed']) {
      const members = await redis.zrange(`${svc.prefix}:bull:steps:${set}`, '0', '-1');
      expect(members.filter((m) => m.startsWith(`${id}|`))).toEqual([]);
    }
  });

  it('by retention removes its step jobs too', async () => {
    const short = await startRunService({ STRATA_RETENTION: '1s' });
    try {
      const started = await short.call('POST', '/v1/runs', { flow: flow('jobs-exp') });
      const id = started.body.runId as string;
      await short.waitRun(id);
      await until('the run to expire', async () => (await short.call('GET', `/v1/runs/${id}`)).status === 404, 20_000);
      expect(await keysOf(redis, short.prefix, id)).toEqual([`${short.prefix}:deleted:${id}`]);
    } finally {
      await short.close();
    }
  });
});
