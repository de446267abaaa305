/**
 * Issue 9: deleting a run removes its BullMQ step jobs (they hold the steps' parameters and
 * environment) a batch per command, not one BullMQ remove call per job (a run of 100,000
 * steps sent 100,000). Counted, not timed: the commands this process sent Redis (MONITOR)
 * while a run of 300 ended steps is deleted, on a Redis of this test's own.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunParts } from '../../src/app/run-parts.ts';
import { newRunId } from '../../src/coordinator/coordinator.ts';
import { validateFlowDocument } from '../../src/flow/flow-document.ts';
import { compileFlow } from '../../src/plan/compile.ts';
import { prepareRun } from '../../src/run/prepared-run.ts';
import { JOB_REMOVE_BATCH } from '../../src/store/step-jobs.ts';
import { startPrivateRunParts, type PrivateRunParts } from '../support/private-run-parts.ts';
import { monitorRedis } from '../support/redis-monitor.ts';

let run: PrivateRunParts;
let parts: RunParts;
let server: { url: string };
const STEPS = 300;

beforeAll(async () => {
  run = await startPrivateRunParts({ worker: true, env: { STRATA_WORKER_CONCURRENCY: '10' } });
  ({ parts, server } = run);
});

afterAll(async () => {
  await run?.close();
});

it('removes the jobs of a deleted run a batch per command, keeping a locked one as BullMQ does', async () => {
  const doc = validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'wide', version: '1' }, spec: { root: { fanOut: { over: Array.from({ length: STEPS }, (_, i) => i), do: { task: { image: 'strata/noop' } } } } } });
  const c = compileFlow(doc);
  const id = newRunId();
  await parts.port!.start(prepareRun('wide@1', c.root, c.params, c.stepIds), { flow: 'wide@1' }, id);
  for (let i = 0; i < 1200 && (await parts.port!.get(id))?.status !== 'succeeded'; i++) await new Promise((r) => setTimeout(r, 100));
  expect((await parts.port!.get(id))?.status).toBe('succeeded');
  const admin = run.connect();
  const jobsOfRun = async () => (await admin.zrange('strata:bull:steps:completed', '0', '-1')).filter((j) => j.startsWith(`${id}|`));
  const done = await jobsOfRun();
  expect(done).toHaveLength(STEPS);
  // One job's lock is held (a worker that has not let go of it yet): BullMQ's remove keeps such a job.
  const locked = done[7];
  await admin.set(`strata:bull:steps:${locked}:lock`, 'someone');
  const watch = await monitorRedis(server.url);
  try {
    await admin.echo('delete-from');
    await parts.port!.delete(id);
    await admin.echo('delete-to');
    const window = await watch.between('delete-from', 'delete-to');
    const sent = window.filter((s) => s.from !== 'lua');
    const scripts = sent.filter((s) => s.args[0] === 'evalsha' || s.args[0] === 'eval');
    // Every job went through BullMQ's removal (inside the scripts: one DEL of each job's keys)...
    const deletedJobs = new Set(window.filter((s) => s.from === 'lua' && s.args[0] === 'del' && s.args[1].startsWith(`strata:bull:steps:${id}|`)).map((s) => s.args[1]));
    expect(deletedJobs.size).toBe(STEPS - 1);
    // ...in ceil(300 / batch) calls, plus the run's own few: not one command per job.
    expect(scripts.length).toBeLessThanOrEqual(Math.ceil(STEPS / JOB_REMOVE_BATCH) + 2);
    expect(sent.length).toBeLessThan(30);
  } finally {
    watch.stop();
  }
  expect(await parts.port!.get(id)).toBeUndefined();
  expect(await jobsOfRun()).toEqual([locked]);
  expect(await admin.exists(`strata:bull:steps:${done[0]}`)).toBe(0);
  expect(await admin.exists(`strata:bull:steps:${locked}`)).toBe(1);
}, 180_000);
