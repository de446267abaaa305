/** A step's job lost, as a crash leaves it, and taken up again by a coordinator (coordinator.ts recover). */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { RunStore } from '../../src/store/run-store.ts';
import { until } from './processes.ts';

/**
 * Wait for step `step`'s job (attempt `attempt`) of run `runId` in the strata under `prefix`,
 * remove it, and mark the run due as a sync that did not finish leaves it (its process died
 * after appending to the log; run-store.ts, event-append-2.lua), coordinators told; then wait
 * (up to 10 s) for a coordinator to enqueue the job again. The job's data as first enqueued
 * (`launched`) and as enqueued again (`again`). Throws when either never comes.
 */
export async function loseJob(prefix: string, runId: string, step: string, attempt = 1): Promise<{ launched: unknown; again: unknown }> {
  const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  const queue = new Queue('steps', { connection: redis, prefix: `${prefix}:bull` });
  try {
    const jobId = `${runId}|${step}|${attempt}`;
    const first = await until('the job to be enqueued', async () => queue.getJob(jobId));
    const launched = first.data;
    await first.remove();
    if ((await queue.getJob(jobId)) !== undefined) throw new Error(`job ${jobId} is still there after its removal`);
    const store = new RunStore(redis, `${prefix}:`);
    await redis.zadd(store.dueKey, Date.now(), runId);
    await redis.publish(store.dueKey, String(Date.now()));
    const again = await until('a coordinator to enqueue it again', async () => (await queue.getJob(jobId))?.data, 10_000);
    return { launched, again };
  } finally {
    await queue.close();
    redis.disconnect();
  }
}
