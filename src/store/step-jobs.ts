/**
 * Questions about many step jobs at once, asked of BullMQ's keys in batches (one script
 * call per batch) rather than job by job: a run's running steps may be 90,000.
 */
import type { Redis } from 'ioredis';
import { callScript } from './lua-scripts.ts';

/** Job ids checked per script call: each call holds Redis for about a millisecond. */
export const JOB_CHECK_BATCH = 1000;

/** How a step job stands for taking up a run: it can still run, is gone, or ended (completed or failed). */
export type JobStanding = 'runnable' | 'missing' | 'ended';

const STANDING: JobStanding[] = ['runnable', 'missing', 'ended'];

/**
 * The standing of each job in `jobIds` (same order), of the BullMQ queue `queue` under
 * `bullPrefix` (its keys `<bullPrefix>:<queue>:<jobId>`, `:completed`, `:failed`):
 * ceil(n / JOB_CHECK_BATCH) script calls (step-jobs-check-2.lua), sent together.
 */
export async function jobStandings(redis: Redis, bullPrefix: string, queue: string, jobIds: string[]): Promise<JobStanding[]> {
  const base = `${bullPrefix}:${queue}:`;
  const calls: Array<Promise<number[]>> = [];
  for (let i = 0; i < jobIds.length; i += JOB_CHECK_BATCH) {
    calls.push(callScript<number[]>(redis, 'stepJobsCheck', [`${base}completed`, `${base}failed`], [base, ...jobIds.slice(i, i + JOB_CHECK_BATCH)]));
  }
  return (await Promise.all(calls)).flat().map((c) => STANDING[c]);
}
