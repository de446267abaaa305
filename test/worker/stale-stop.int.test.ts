/**
 * A stop message names each step's attempt (`{runId, steps, attempts}`, or `{runId, step,
 * attempt}`), and a worker stops only that attempt. Found by a tester: a run cancelled while
 * its steps ran, then retried, had the cancel's stop for attempt 1 published again after the
 * retry (sync.ts); the worker aborted whatever ran under run|step, attempt 2 included, and
 * returned without recording its end, so the step stayed running for ever (tasks, and pods).
 * Here the stale stop is published by hand while attempt 2 runs, in both forms, followed by
 * a stop of a copy the test made (stale-stop's sentinel): its process is killed only once the
 * worker has handled the messages before it (one channel, handled in order). And a stop that
 * names the running attempt without any cancel of the run (nothing recorded the step's end)
 * ends the step in the run's log: it fails, and the run ends. Real Redis, worker, processes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { homeNamespace, OWNER_FILE, runDirOf, stepTag } from '../../runtime/local/pod-dirs.ts';
import { flowDoc, shTask } from '../support/documents.ts';
import { until } from '../support/processes.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const tempDir = useTempDirs('strata-stale-stop-');
const pub = new Redis(inject('redisUrl'));
afterAll(() => void pub.disconnect());

/** A program that notes each start, then waits for `dir/go` and prints its attempt's mark. */
function gated(dir: string) {
  return shTask(`echo x >> ${dir}/starts; while [ ! -e ${dir}/go ]; do sleep 0.05; done; echo done`);
}

const LEVELS = [
  { level: 'a task (macro)', root: (task: unknown) => ({ sequence: [{ id: 's', task }] }), stopped: 's', inner: undefined },
  { level: 'a container in a pod (micro)', root: (task: unknown) => ({ sequence: [{ id: 's', pod: { flow: { sequence: [{ id: 'c', task }] } } }] }), stopped: 's', inner: 's/c' },
];

function starts(dir: string): number {
  return existsSync(join(dir, 'starts')) ? readFileSync(join(dir, 'starts'), 'utf8').trim().split('\n').length : 0;
}

/**
 * Publish `messages` on the run's cancel channel, then a stop of a live copy of step `sentinel`
 * this test made in the run's pod directory: resolves once the copy's process was killed, so
 * the worker has handled every message before it.
 */
async function publishThenSentinel(runId: string, messages: unknown[], sentinel: string): Promise<void> {
  const runDir = runDirOf(runId, true, { namespace: homeNamespace(svc.home) });
  const root = join(runDir, `${sentinel}.${stepTag(sentinel)}-0000beef`);
  for (const d of ['scratch', 'ipc', 'work']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, OWNER_FILE), String(process.pid));
  const child = spawn('sleep', ['60'], { env: { ...process.env, STRATA_SCRATCH: join(root, 'scratch') }, stdio: 'ignore' });
  const exited = new Promise((res) => child.once('exit', res));
  for (const m of messages) await pub.publish(`${svc.prefix}:cancel`, JSON.stringify(m));
  await pub.publish(`${svc.prefix}:cancel`, JSON.stringify({ runId, step: sentinel, attempt: 1 }));
  await exited;
}

/** A run of `root` around a gated task (gated: it waits for `go` in a fresh directory), once its attempt 1 has started. */
async function startGated(root: (task: unknown) => unknown, name: string): Promise<{ dir: string; runId: string }> {
  const dir = tempDir();
  const r = await svc.call('POST', '/v1/runs', { flow: flowDoc(root(gated(dir)), name) });
  expect(r.status).toBe(202);
  const runId = r.body.runId as string;
  await until('attempt 1 to start', () => starts(dir) === 1, 30_000);
  return { dir, runId };
}

describe.each(LEVELS)('a stop message for an earlier attempt, $level', ({ root, stopped, inner }) => {
  it('leaves the attempt that runs now alone: it ends, and so does the run', async () => {
    const { dir, runId } = await startGated(root, 'stale-stop');
    expect((await svc.call('POST', `/v1/runs/${runId}/cancel`)).status).toBe(200);
    expect((await svc.waitRun(runId)).status).toBe('cancelled');
    expect((await svc.call('POST', `/v1/runs/${runId}/retry`)).status).toBe(200);
    await until('attempt 2 to start', () => starts(dir) === 2, 30_000);

    // The cancel's stop, for attempt 1, told again in both forms while attempt 2 runs.
    await publishThenSentinel(runId, [{ runId, steps: [stopped], attempts: [1] }, { runId, step: stopped, attempt: 1 }], 'sentinel');
    writeFileSync(join(dir, 'go'), '');
    const run = await svc.waitRun(runId, 30_000);
    expect(run.status).toBe('succeeded');
    expect(run.steps[stopped]).toMatchObject({ status: 'succeeded', attempts: 2 });
    if (inner) expect(run.steps[inner].status).toBe('succeeded');
  });
});

describe.each(LEVELS)('a stop message that no cancel of the run recorded, $level', ({ root, stopped, inner }) => {
  it('ends the attempt it stops in the run\'s log: the step fails, the run ends', async () => {
    const { dir, runId } = await startGated(root, 'stray-stop');
    await publishThenSentinel(runId, [{ runId, step: stopped, attempt: 1 }], 'sentinel');
    const run = await svc.waitRun(runId, 30_000);
    expect(run.status).toBe('failed');
    expect(run.steps[stopped].status).toBe('failed');
    expect(run.steps[stopped].error).toMatch(/stopped/);
    if (inner) expect(['cancelled', 'failed']).toContain(run.steps[inner].status);
    expect(starts(dir)).toBe(1);
  });
});
