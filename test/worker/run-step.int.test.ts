/**
 * Two executions of one step attempt, one after the other (what a takeover makes): the
 * first keeps its outputs; the second, finding them kept, adopts them instead of
 * replacing them, its result is the kept one, and a pod's micro steps are recorded as the
 * kept execution left them.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { LocalRuntime } from '../../runtime/local/local-runtime.ts';
import { NoopRuntime } from '../../runtime/noop-runtime.ts';
import type { PodReport, PodRuntime } from '../../runtime/pod-runtime.ts';
import type { StartCommand } from '../../src/engine/types.ts';
import { RunStore } from '../../src/store/run-store.ts';
import { OutputsPool } from '../../src/worker/outputs-pool.ts';
import { runStep } from '../../src/worker/run-step.ts';
import { shTask } from '../support/documents.ts';
import { podRequestPod, PROGRAMS, TempDirs } from '../sidecar/harness.ts';

const dirs = new TempDirs();
const redis = new Redis(inject('redisUrl'));
const runtime = new LocalRuntime();
afterAll(async () => {
  await dirs.cleanup();
  await runtime.close();
  redis.disconnect();
});

// `$$$$` is the shell's `$$`: a task's command is expanded as Kubernetes expands it (`$$` is `$`).
const token = 'printf \'{"token":"%s"}\' "$$$$-$(date +%s%N)" > $STRATA_OUTPUTS/result.json; printf "%s" "$$$$" > $STRATA_OUTPUTS/out';

describe('runStep, run twice for one attempt', () => {
  it('keeps the first execution\'s outputs and result; the second adopts them', async () => {
    const root = await dirs.make();
    const store = new RunStore(redis, `rs-${randomUUID().slice(0, 8)}:`);
    const cmd: StartCommand = { type: 'start', step: 't', attempt: 1, kind: 'task', task: { ...shTask(token), outputs: ['out'] }, inputs: {}, env: { params: {}, unit: '' }, data: {} };
    const ports = { runtime, store, artifactsDir: join(root, 'artifacts'), roots: { pool: new OutputsPool(join(root, 'work')), ramRoot: join(root, 'ram') } };
    const first = await runStep(ports, 'r1', cmd, new AbortController().signal, { number: 1 });
    const second = await runStep(ports, 'r1', cmd, new AbortController().signal, { number: 2 });
    expect(first).toMatchObject({ type: 'finished', ok: true });
    const firstResult = (first as unknown as { result: { token: string } }).result;
    expect((second as unknown as { result: unknown }).result).toEqual(firstResult);
    expect(JSON.parse(readFileSync(join(root, 'artifacts', 'r1', 't', 'result.json'), 'utf8'))).toEqual(firstResult);
    expect(JSON.parse(readFileSync(join(root, 'artifacts', 'r1', 't', '.strata-kept'), 'utf8'))).toMatchObject({ attempt: 1, execution: 1 });
  });

  it('records a pod\'s micro steps as the execution that kept the pod\'s outputs left them', async () => {
    const root = await dirs.make();
    const store = new RunStore(redis, `rs-${randomUUID().slice(0, 8)}:`);
    const pod = podRequestPod({ sequence: [{ id: 'a', task: { ...shTask(token), outputs: ['out'] } }] });
    const cmd: StartCommand = { type: 'start', step: 'p', attempt: 1, kind: 'pod', pod: { name: pod.name, channels: pod.channels, body: pod.body }, inputs: {}, env: { params: {}, unit: '' }, data: {} };
    const ports = { runtime, store, artifactsDir: join(root, 'artifacts'), roots: { pool: new OutputsPool(join(root, 'work')), ramRoot: join(root, 'ram') } };
    await runStep(ports, 'r2', cmd, new AbortController().signal, { number: 1 });
    const kept = (await store.step('r2', 'p/a'))!.result as { token: string };
    await runStep(ports, 'r2', cmd, new AbortController().signal, { number: 2 });
    // The second execution ran the pod again (its reports came in), then found the first's outputs kept.
    expect((await store.step('r2', 'p/a'))!.result).toEqual(kept);
    expect(readFileSync(join(root, 'artifacts', 'r2', 'p', 'a', 'out'), 'utf8')).toBe(kept.token.split('-')[0]);
    const events = await store.events('r2', 0);
    expect(events.filter((e) => e.step === 'p/a' && e.status === 'succeeded').map((e) => e.pod?.execution)).toEqual([1, 2, 1]);
  });

  it('a step that wrote nothing keeps an empty file as its artifacts; a later execution that wrote something adopts it', async () => {
    const root = await dirs.make();
    const store = new RunStore(redis, `rs-${randomUUID().slice(0, 8)}:`);
    const pool = new OutputsPool(join(root, 'work'));
    const ports = { runtime, store, artifactsDir: join(root, 'artifacts'), roots: { pool, ramRoot: join(root, 'ram') } };
    const quiet: StartCommand = { type: 'start', step: 'q', attempt: 1, kind: 'task', task: shTask('true'), inputs: {}, env: { params: {}, unit: '' }, data: {} };
    expect(await runStep(ports, 'r3', quiet, new AbortController().signal, { number: 1 })).toMatchObject({ type: 'finished', ok: true, result: null });
    const kept = join(root, 'artifacts', 'r3', 'q');
    expect(statSync(kept).isFile() && statSync(kept).size).toBe(0);
    // A late copy that did write outputs does not replace what was kept: it adopts it.
    const loud = { ...quiet, task: shTask(token) };
    expect(await runStep(ports, 'r3', loud, new AbortController().signal, { number: 2 })).toMatchObject({ type: 'finished', ok: true, result: null });
    expect(statSync(kept).isFile()).toBe(true);
    // And the other way round: outputs kept first are adopted by a copy that wrote nothing.
    const first = await runStep(ports, 'r3', { ...loud, step: 'l' }, new AbortController().signal, { number: 1 });
    const second = await runStep(ports, 'r3', { ...quiet, step: 'l' }, new AbortController().signal, { number: 2 });
    expect((second as { result?: unknown }).result).toEqual((first as { result?: unknown }).result);
    // A next step naming an output of a step that kept nothing is told it has none.
    const reader: StartCommand = { ...quiet, step: 'reader', inputs: { in: { step: 'q', output: 'out' } } };
    expect(await runStep(ports, 'r3', reader, new AbortController().signal)).toMatchObject({ ok: false, error: 'input "in": step q has no output "out"' });
  });

  // Standard output is no file of the keep: a stdout step that wrote nothing keeps an empty
  // file, one that wrote files keeps them without its result. An execution that adopts either
  // records its own standard output (a tester saw `succeeded` with result null, fan-ins summed wrong).
  it.each([
    { what: 'result: stdout that wrote nothing', mode: 'stdout' as const, script: 'echo 20', result: 20, kept: 'file' },
    { what: 'result: text that wrote nothing', mode: 'text' as const, script: 'printf "a b\\n"', result: 'a b', kept: 'file' },
    { what: 'result: stdout that wrote an output file', mode: 'stdout' as const, script: 'echo x > $STRATA_OUTPUTS/out; echo \'{"v": 3}\'', result: { v: 3 }, kept: 'dir' },
    { what: 'result: stdout that also wrote a result.json', mode: 'stdout' as const, script: 'echo 7; echo 99 > $STRATA_OUTPUTS/result.json', result: 7, kept: 'dir' },
  ])('a second execution of a step with $what records its standard output as its result, not the keep\'s', async ({ mode, script, result, kept }) => {
    const root = await dirs.make();
    const store = new RunStore(redis, `rs-${randomUUID().slice(0, 8)}:`);
    const ports = { runtime, store, artifactsDir: join(root, 'artifacts'), roots: { pool: new OutputsPool(join(root, 'work')), ramRoot: join(root, 'ram') } };
    const cmd: StartCommand = { type: 'start', step: 'so', attempt: 1, kind: 'task', task: { ...shTask(script), result: mode }, inputs: {}, env: { params: {}, unit: '' }, data: {} };
    const first = await runStep(ports, 'r5', cmd, new AbortController().signal, { number: 1 });
    const second = await runStep(ports, 'r5', cmd, new AbortController().signal, { number: 2 });
    expect(first).toMatchObject({ type: 'finished', ok: true, result });
    expect(second).toMatchObject({ type: 'finished', ok: true, result });
    // The first execution's keep stays the step's: its empty file, or its directory.
    const keep = join(root, 'artifacts', 'r5', 'so');
    if (kept === 'file') expect(statSync(keep).isFile() && statSync(keep).size).toBe(0);
    else expect(JSON.parse(readFileSync(join(keep, '.strata-kept'), 'utf8'))).toMatchObject({ attempt: 1, execution: 1 });
  });

  it('hands an empty outputs directory to the next execution rather than making another', async () => {
    const root = await dirs.make();
    const store = new RunStore(redis, `rs-${randomUUID().slice(0, 8)}:`);
    const pool = new OutputsPool(join(root, 'work'));
    const ports = { runtime, store, artifactsDir: join(root, 'artifacts'), roots: { pool, ramRoot: join(root, 'ram') } };
    const where: StartCommand = { type: 'start', step: 'w0', attempt: 1, kind: 'task', task: shTask('echo "{\\"out\\":\\"$STRATA_OUTPUTS\\"}" >&2'), inputs: {}, env: { params: {}, unit: '' }, data: {} };
    for (const step of ['w0', 'w1', 'w2']) await runStep(ports, 'r4', { ...where, step }, new AbortController().signal);
    expect(readdirSync(join(root, 'work'))).toHaveLength(1); // one directory, used three times
    // One that wrote outputs took its directory along into the artifacts: the next one gets a new one.
    await runStep(ports, 'r4', { ...where, step: 'w3', task: shTask('echo x > $STRATA_OUTPUTS/x') }, new AbortController().signal);
    expect(readdirSync(join(root, 'work'))).toHaveLength(0);
    pool.close();
  });
});

/** What runStep makes of a pod whose quarterback answers at once with `count` (JSON) as its micro steps made. */
async function podEndWithCount(count: string) {
  const root = await dirs.make();
  const runtime = new LocalRuntime({ quarterback: [process.execPath, join(PROGRAMS, 'miscounting-quarterback.mjs'), count] });
  try {
    const store = new RunStore(redis, `rs-${randomUUID().slice(0, 8)}:`);
    const pod = podRequestPod({ sequence: [{ id: 'a', task: shTask('true') }] });
    const cmd: StartCommand = { type: 'start', step: 'p', attempt: 1, kind: 'pod', pod: { name: pod.name, channels: pod.channels, body: pod.body }, inputs: {}, env: { params: {}, unit: '' }, data: {} };
    const ports = { runtime, store, artifactsDir: join(root, 'artifacts'), roots: { pool: new OutputsPool(join(root, 'work')), ramRoot: join(root, 'ram') } };
    return await runStep(ports, 'r3', cmd, new AbortController().signal, { number: 1 });
  } finally {
    await runtime.close();
  }
}

describe('runStep of a pod whose quarterback miscounts its micro steps', () => {
  // Charged to the run past its start's count (STRATA_MAX_RUN_STEPS): a count that is not a
  // whole number would make the run's NaN and switch the limit off for the rest of the run.
  it.each(['"lots"', '-3', '2.5', '1e400', 'null'])('fails the pod for a count of %s, charging nothing', async (count) => {
    const end = await podEndWithCount(count);
    expect(end).toMatchObject({ type: 'finished', ok: false, error: expect.stringMatching(/^the quarterback of pod p reported .* micro steps, not a whole number/) });
    expect(end).not.toHaveProperty('steps');
  });

  it('takes a whole number', async () => {
    expect(await podEndWithCount('7')).toMatchObject({ type: 'finished', ok: true, steps: 7 });
  });
});

describe('runStep\'s signal for a pod\'s asks', () => {
  /** Calls of AbortSignal.any and AbortController#abort while `fn` runs (node's own, wrapped in this process). */
  async function signalsMadeIn(fn: () => Promise<unknown>): Promise<{ any: number; aborts: number }> {
    const counts = { any: 0, aborts: 0 };
    const any = AbortSignal.any;
    const abort = AbortController.prototype.abort;
    AbortSignal.any = (signals) => (counts.any++, any.call(AbortSignal, signals));
    AbortController.prototype.abort = function (this: AbortController, reason?: unknown) {
      counts.aborts++;
      return abort.call(this, reason);
    };
    try {
      await fn();
    } finally {
      AbortSignal.any = any;
      AbortController.prototype.abort = abort;
    }
    return counts;
  }

  const quietCmd = (step: string): StartCommand => ({ type: 'start', step, attempt: 1, kind: 'task', task: { image: 'strata/noop' }, inputs: {}, env: { params: {}, unit: '' }, data: {} });

  it('makes and aborts none for steps that ask nothing (it made one and aborted it a step)', async () => {
    const root = await dirs.make();
    const ports = { runtime: new NoopRuntime(), store: new RunStore(redis, `rs-${randomUUID().slice(0, 8)}:`), artifactsDir: join(root, 'artifacts'), roots: { pool: new OutputsPool(join(root, 'work')), ramRoot: join(root, 'ram') } };
    const ends: unknown[] = [];
    const counts = await signalsMadeIn(async () => {
      for (let i = 0; i < 20; i++) ends.push(await runStep(ports, 'r5', quietCmd(`s${i}`), new AbortController().signal));
    });
    expect(ends).toEqual(Array.from({ length: 20 }, (_, i) => ({ type: 'finished', step: `s${i}`, attempt: 1, ok: true, result: null, exitCode: 0 })));
    expect(counts).toEqual({ any: 0, aborts: 0 });
  });

  it('asks again while the pod runs, and no more once it has ended', async () => {
    const root = await dirs.make();
    let asked = 0;
    let granted: number | undefined;
    let lateGrant: number | undefined;
    // A pod that asks for 3 micro steps and runs until the third try is answered; then, ended, asks again.
    let late: ((r: PodReport) => void) | undefined;
    const asking: PodRuntime = {
      name: 'asking',
      run: (_req, onReport) => new Promise((done) => {
        late = onReport;
        onReport({ type: 'ask', steps: 3, grant: (g) => { granted = g; done({ ok: true, exitCode: 0 }); } });
      }),
    };
    const ports = {
      runtime: asking, store: new RunStore(redis, `rs-${randomUUID().slice(0, 8)}:`), artifactsDir: join(root, 'artifacts'), roots: { pool: new OutputsPool(join(root, 'work')), ramRoot: join(root, 'ram') },
      // Refused twice (Redis away a moment), answered the third time.
      ask: async (_run: string, _step: string, _attempt: number, steps: number) => {
        if (++asked < 3) throw new Error('refused');
        return steps;
      },
    };
    const counts = await signalsMadeIn(() => runStep(ports, 'r6', quietCmd('p'), new AbortController().signal));
    expect({ asked, granted }).toEqual({ asked: 3, granted: 3 });
    expect(counts).toEqual({ any: 1, aborts: 1 });
    late!({ type: 'ask', steps: 4, grant: (g) => { lateGrant = g; } });
    await new Promise((r) => setTimeout(r, 50));
    expect({ asked, lateGrant }).toEqual({ asked: 3, lateGrant: undefined });
  });
});
