/**
 * Issue 9: taking up a due run checks that each running step still has a job that can run.
 * That check must not scan BullMQ's wait list per step (getState runs LPOS over it: with
 * 90,000 steps waiting, a 100,000-node tree Dataset's run, it was quadratic and held Redis
 * for minutes), nor send commands per step (three a step, 270,000 for that run, each time
 * it fell due). Counted, not timed: the commands Redis ran (MONITOR) on a Redis of this
 * test's own, while the coordinator takes up a run whose 200 steps wait for a worker.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunParts } from '../../src/app/run-parts.ts';
import { newRunId } from '../../src/coordinator/coordinator.ts';
import { validateFlowDocument } from '../../src/flow/flow-document.ts';
import { compileFlow } from '../../src/plan/compile.ts';
import { prepareRun } from '../../src/run/prepared-run.ts';
import { startPrivateRunParts, type PrivateRunParts } from '../support/private-run-parts.ts';
import { monitorRedis } from '../support/redis-monitor.ts';

let run: PrivateRunParts;
let parts: RunParts;
let server: { url: string };
const STEPS = 200;

beforeAll(async () => {
  // A coordinator and no worker: the steps' jobs stay waiting.
  run = await startPrivateRunParts({ worker: false });
  ({ parts, server } = run);
});

afterAll(async () => {
  await run?.close();
});

it('checks the running steps of a due run in a few commands, without scanning the wait list, and replaces a lost job', async () => {
  const doc = validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'wide', version: '1' }, spec: { root: { fanOut: { over: Array.from({ length: STEPS }, (_, i) => i), do: { task: { image: 'strata/noop' } } } } } });
  const c = compileFlow(doc);
  const id = newRunId();
  await parts.port!.start(prepareRun('wide@1', c.root, c.params, c.stepIds), { flow: 'wide@1' }, id);
  const admin = run.connect();
  // Its steps are running and their jobs wait.
  for (let i = 0; i < 200 && (await admin.llen('strata:bull:steps:wait')) < STEPS; i++) await new Promise((r) => setTimeout(r, 50));
  expect(await admin.llen('strata:bull:steps:wait')).toBe(STEPS);
  // One job is lost (its hash and its place in the wait list gone, as after a flush of a worker's state).
  const lostJob = `${id}|7|1`;
  await admin.del(`strata:bull:steps:${lostJob}`);
  await admin.lrem('strata:bull:steps:wait', 0, lostJob);
  expect(await admin.llen('strata:bull:steps:wait')).toBe(STEPS - 1);
  const watch = await monitorRedis(server.url);
  try {
    await admin.echo('recover-from');
    // What a coordinator does with a due run (a process that carried it on may have died).
    await (parts.coordinator as unknown as { recover(id: string): Promise<void> }).recover(id);
    await admin.echo('recover-to');
    const window = await watch.between('recover-from', 'recover-to');
    const sent = window.filter((s) => s.from !== 'lua');
    const ran = (cmd: string) => window.filter((s) => s.args[0] === cmd).length;
    expect(ran('lpos')).toBe(0);
    // Each running step's job was looked at, by a script: not three commands sent per step.
    const looked = new Set(window.filter((s) => s.from === 'lua' && s.args[0] === 'exists' && s.args[1].startsWith(`strata:bull:steps:${id}|`)).map((s) => s.args[1]));
    expect(looked.size).toBe(STEPS);
    expect(sent.filter((s) => s.args[0] === 'hgetall' || s.args[0] === 'zscore' || s.args[0] === 'exists').length).toBe(0);
    // A bound independent of the steps: the sync's reads, the check, re-adding the lost job, the commit.
    expect(sent.length).toBeLessThan(40);
  } finally {
    watch.stop();
  }
  // The lost job was added again; the others were still there to run and were left alone.
  expect(await admin.llen('strata:bull:steps:wait')).toBe(STEPS);
  expect(await admin.exists(`strata:bull:steps:${lostJob}`)).toBe(1);
});
