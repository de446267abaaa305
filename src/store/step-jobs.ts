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

/** Job ids removed per script call: BullMQ's removal is about a dozen commands a job, so a call holds Redis a few milliseconds. */
export const JOB_REMOVE_BATCH = 200;

/** What became of each job given to removeJobs: removed, kept (a worker holds its lock), or there was none. */
export type JobRemoval = 'removed' | 'locked' | 'missing';

/**
 * Remove the jobs `jobIds` of the BullMQ queue `queue` under `bullPrefix` as Queue.remove
 * does (from any state, with their logs; a job a worker holds the lock of is kept), in
 * ceil(n / JOB_REMOVE_BATCH) script calls (step-jobs-remove-1.lua, which runs BullMQ's own
 * removeJob script per job), sent one after the other. Throws on a code BullMQ gives for a
 * job it refuses (a job scheduler's), which step jobs never are.
 */
export async function removeJobs(redis: Redis, bullPrefix: string, queue: string, jobIds: string[]): Promise<JobRemoval[]> {
  const base = `${bullPrefix}:${queue}:`;
  const out: JobRemoval[] = [];
  for (let i = 0; i < jobIds.length; i += JOB_REMOVE_BATCH) {
    const codes = await callScript<number[]>(redis, 'stepJobsRemove', [`${base}repeat`], [base, ...jobIds.slice(i, i + JOB_REMOVE_BATCH)]);
    for (const c of codes) {
      if (c < 0) throw new Error(`BullMQ refused to remove a job of ${queue} (code ${c})`);
      out.push(c === 1 ? 'removed' : c === 0 ? 'locked' : 'missing');
    }
  }
  return out;
}
