/**
 * Two executions of one step attempt, one after the other (what a takeover makes): the
 * first keeps its outputs; the second, finding them kept, adopts them instead of
 * replacing them, its result is the kept one, and a pod's micro steps are recorded as the
 * kept execution left them.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { LocalRuntime } from '../../runtime/local/local-runtime.ts';
import type { StartCommand } from '../../src/engine/types.ts';
import { RunStore } from '../../src/store/run-store.ts';
import { runStep } from '../../src/worker/run-step.ts';
import { shTask } from '../support/documents.ts';
import { podRequestPod, TempDirs } from '../sidecar/harness.ts';

const dirs = new TempDirs();
const redis = new Redis(inject('redisUrl'));
const runtime = new LocalRuntime();
afterAll(async () => {
  await dirs.cleanup();
  await runtime.close();
  redis.disconnect();
});

const token = 'printf \'{"token":"%s"}\' "$$-$(date +%s%N)" > $STRATA_OUTPUTS/result.json; printf "%s" "$$" > $STRATA_OUTPUTS/out';

describe('runStep, run twice for one attempt', () => {
  it('keeps the first execution\'s outputs and result; the second adopts them', async () => {
    const root = await dirs.make();
    const store = new RunStore(redis, `rs-${randomUUID().slice(0, 8)}:`);
    const cmd: StartCommand = { type: 'start', step: 't', attempt: 1, kind: 'task', task: { ...shTask(token), outputs: ['out'] }, inputs: {}, env: { params: {}, unit: '' }, data: {} };
    const ports = { runtime, store, artifactsDir: join(root, 'artifacts'), workDir: join(root, 'work') };
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
    const ports = { runtime, store, artifactsDir: join(root, 'artifacts'), workDir: join(root, 'work') };
    await runStep(ports, 'r2', cmd, new AbortController().signal, { number: 1 });
    const kept = (await store.step('r2', 'p/a'))!.result as { token: string };
    await runStep(ports, 'r2', cmd, new AbortController().signal, { number: 2 });
    // The second execution ran the pod again (its reports came in), then found the first's outputs kept.
    expect((await store.step('r2', 'p/a'))!.result).toEqual(kept);
    expect(readFileSync(join(root, 'artifacts', 'r2', 'p', 'a', 'out'), 'utf8')).toBe(kept.token.split('-')[0]);
    const events = await store.events('r2', 0);
    expect(events.filter((e) => e.step === 'p/a' && e.status === 'succeeded').map((e) => e.pod?.execution)).toEqual([1, 2, 1]);
  });
});
