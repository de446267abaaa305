/**
 * A run cancelled while its steps ran, then retried (tester 19): the run goes on to its end,
 * its cancel's stop is told once, and a cancel of the retried run ends it. Before, the first
 * completion after the retry was folded by the worker's run system, whose engine was kept
 * from before the cancel (the cancel and the retry came through the requests' run system):
 * the append handed it the cancel's entry and it told the cancel's steps to stop again
 * (sync.ts acted on entries recorded already), which stopped their attempt 2; and a cancel of
 * the retried run was taken for the first (its dedupe key `cancel`): 200, nothing changed.
 * Real Redis, HTTP, worker, step processes and the `strata` CLI; each step waits for a file
 * the test writes, so what runs when is driven, not timed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { runStrata, until } from '../support/processes.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const tempDir = useTempDirs('strata-retry-after-cancel-');
const strata = (...args: string[]) => runStrata(args, { STRATA_URL: svc.url });
const sub = new Redis(inject('redisUrl'));
/** Every stop message published on the cancel channel, by run. */
const told = new Map<string, Array<{ steps: string[]; attempts: number[] }>>();
beforeAll(async () => {
  await sub.subscribe(`${svc.prefix}:cancel`);
  sub.on('message', (_c: string, m: string) => {
    const { runId, step, steps, attempt, attempts } = JSON.parse(m) as { runId: string; step?: string; steps?: string[]; attempt?: number; attempts?: number[] };
    told.set(runId, [...(told.get(runId) ?? []), { steps: steps ?? [step!], attempts: attempts ?? [attempt!] }]);
  });
});
afterAll(() => void sub.disconnect());

/** The stop messages of `runId` published so far (a PING on the subscriber is answered after every message before it). */
async function toldFor(runId: string) {
  await sub.ping();
  return told.get(runId) ?? [];
}

/** A step program that notes its start, then waits for `dir/go-<gate>`. */
function gated(dir: string, gate: string) {
  return shTask(`echo "$STRATA_STEP" >> ${dir}/starts; while [ ! -e "${dir}/go-${gate}" ]; do sleep 0.05; done; echo ok`);
}
const starts = (dir: string) => (existsSync(join(dir, 'starts')) ? readFileSync(join(dir, 'starts'), 'utf8').trim().split('\n') : []);
const open = (dir: string, gate: string) => writeFileSync(join(dir, `go-${gate}`), '');

const CASES = [
  {
    level: 'macro: a fan-out over 1..6, concurrency 3',
    root: (dir: string) => ({ sequence: [{ id: 'fan', fanOut: { over: [1, 2, 3, 4, 5, 6], concurrency: 3, do: { task: gated(dir, 'fan$STRATA_ITEM') } } }] }),
    // Item 1 ends before the cancel (the worker folds its end, and keeps that engine); 2, 3, 4 run.
    first: 'fan1', startsAtCancel: 4, cancelled: ['fan/1', 'fan/2', 'fan/3'],
    gates: ['fan2', 'fan3', 'fan4', 'fan5', 'fan6'], ended: ['fan/0', 'fan/1', 'fan/2', 'fan/3', 'fan/4', 'fan/5'],
  },
  {
    level: 'micro: a pod whose container runs at the cancel',
    root: (dir: string) => ({ sequence: [{ id: 'a', task: gated(dir, 'a') }, { id: 'p', pod: { flow: { sequence: [{ id: 'c', task: gated(dir, 'p') }] } } }] }),
    first: 'a', startsAtCancel: 2, cancelled: ['p'],
    gates: ['p'], ended: ['a', 'p', 'p/c'],
  },
];

describe.each(CASES)('a run cancelled mid-way and retried, $level', ({ root, first, startsAtCancel, cancelled, gates, ended }) => {
  it('runs to its end; the cancel\'s stop is told once, for attempt 1', async () => {
    const dir = tempDir();
    const r = await svc.call('POST', '/v1/runs', { flow: flowDoc(root(dir), 'retry-after-cancel') });
    expect(r.status).toBe(202);
    const runId = r.body.runId as string;
    await until('the first steps to start', () => starts(dir).length === startsAtCancel - 1, 30_000);
    open(dir, first);
    await until('the step after the first to start', () => starts(dir).length === startsAtCancel, 30_000);

    expect((await strata('runs', 'cancel', runId)).code).toBe(0);
    expect((await svc.waitRun(runId)).status).toBe('cancelled');
    const atCancel = await toldFor(runId);
    expect(atCancel).toEqual([{ steps: cancelled, attempts: cancelled.map(() => 1) }]);

    expect((await strata('runs', 'retry', runId)).code).toBe(0);
    // The cancelled steps run again, at attempt 2.
    await until('the cancelled steps to start again', () => starts(dir).length === startsAtCancel + cancelled.length, 30_000);
    for (const g of gates) open(dir, g);
    const run = await svc.waitRun(runId, 60_000);
    expect(run.status).toBe('succeeded');
    expect(ended.map((s) => run.steps[s].status)).toEqual(ended.map(() => 'succeeded'));
    expect(cancelled.map((s) => run.steps[s].attempts)).toEqual(cancelled.map(() => 2));
    // Told once: the retry's folds do not tell the cancel's steps to stop again.
    expect(await toldFor(runId)).toEqual(atCancel);
  });
});

describe('a cancel of a run retried after a cancel', () => {
  it('ends the run cancelled, stopping the attempt that runs; the run can then be deleted', async () => {
    const dir = tempDir();
    const r = await svc.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: 's', task: gated(dir, 's') }] }, 'cancel-again') });
    expect(r.status).toBe(202);
    const runId = r.body.runId as string;
    await until('attempt 1 to start', () => starts(dir).length === 1, 30_000);
    expect((await strata('runs', 'cancel', runId)).code).toBe(0);
    expect((await svc.waitRun(runId)).status).toBe('cancelled');
    expect((await strata('runs', 'retry', runId)).code).toBe(0);
    await until('attempt 2 to start', () => starts(dir).length === 2, 30_000);

    const again = await strata('runs', 'cancel', runId);
    expect(again.code).toBe(0);
    const run = await svc.waitRun(runId, 30_000);
    expect(run.status).toBe('cancelled');
    expect(run.steps.s).toMatchObject({ status: 'cancelled', attempts: 2 });
    expect(await toldFor(runId)).toEqual([{ steps: ['s'], attempts: [1] }, { steps: ['s'], attempts: [2] }]);
    // A third cancel is refused as for any ended run; the run can be deleted.
    expect((await svc.call('POST', `/v1/runs/${runId}/cancel`)).status).toBe(409);
    expect((await strata('runs', 'delete', runId)).code).toBe(0);
  });
});
