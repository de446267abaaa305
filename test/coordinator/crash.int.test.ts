/**
 * Crashes with real processes: a worker SIGKILLed mid-step, a coordinator that died right
 * after writing a run, and a whole `strata up` SIGKILLed mid-run and started again.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { newRunId } from '../../src/coordinator/coordinator.ts';
import { RunStore } from '../../src/store/run-store.ts';
import { compileFlow } from '../../src/plan/compile.ts';
import { validateFlowDocument } from '../../src/flow/flow-document.ts';
import { alive, spawnStrata, stop, until, workerOf } from '../support/processes.ts';
import { startRunService } from '../support/run-service.ts';
import { flowDoc as flow, shTask as sh } from '../support/documents.ts';
import { loseJob } from '../support/lost-job.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { usePrefixes } from '../support/test-service.ts';

const newPrefix = usePrefixes();

const newTempDir = useTempDirs('strata-crash-');

const flowDoc = (root: unknown) => flow(root, 'crash');
const dir = newTempDir();
const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

const lines = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').filter(Boolean) : []);

describe('crashes', () => {
  it('a worker SIGKILLed mid-step loses nothing: the step runs again elsewhere and its outputs count once', async () => {
    const svc = await startRunService({}, { worker: false });
    cleanup.push(() => svc.close());
    const env = { REDIS_URL: inject('redisUrl'), STRATA_PREFIX: svc.prefix, STRATA_HOME: svc.home, STRATA_LOCK_MS: '1000', STRATA_STALLED_MS: '300', STRATA_WORKER_CONCURRENCY: '2' };
    const workers = [spawnStrata(['worker'], env), spawnStrata(['worker'], env)];
    cleanup.push(async () => void (await Promise.all(workers.map(stop))));
    const tries = join(dir, 'tries');
    const slow = { id: 'slow', task: { ...sh(`echo "$PPID $$$$" >> ${tries}; sleep 1.5; echo '{"v":7}' > $STRATA_OUTPUTS/result.json; echo payload > $STRATA_OUTPUTS/out`), outputs: ['out'] } };
    const next = { id: 'next', task: { ...sh('cat $STRATA_INPUTS/in'), inputs: { in: 'slow:out' } } };
    const r = await svc.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [slow, next] }) });
    const [first] = await until('the step to start', () => (lines(tries).length > 0 ? lines(tries) : undefined));
    const [parent, stepPid] = first.split(' ').map(Number);
    const workerPid = workerOf(parent);
    expect(workers.map((w) => w.pid)).toContain(workerPid);
    process.kill(workerPid, 'SIGKILL');
    cleanup.push(async () => void (alive(stepPid) && process.kill(-stepPid, 'SIGKILL')));
    const run = await svc.waitRun(r.body.runId, 30_000);
    expect(run.status).toBe('succeeded');
    expect(lines(tries)).toHaveLength(2); // ran again on the other worker
    // Both executions count (issue 8 item 11): one attempt of the engine, run twice.
    expect(run.steps.slow).toMatchObject({ status: 'succeeded', attempts: 2, result: { v: 7 } });
    const text = await fetch(`${svc.url}/v1/runs/${run.id}/events`).then((x) => x.text());
    const events = text.split('\n\n').map((b) => /^data: (.*)$/m.exec(b)?.[1]).filter((d): d is string => !!d).map((d) => JSON.parse(d)).filter((e) => e.step === 'slow' && e.status === 'succeeded');
    expect(events).toHaveLength(1);
    expect((await svc.call('GET', `/v1/runs/${run.id}/steps/next/logs`)).text.trim()).toBe('payload');
  });

  it('a coordinator that died right after writing a run: the next one carries it to the end', async () => {
    const prefix = newPrefix('crash-c');
    const redis = new Redis(inject('redisUrl'));
    cleanup.push(async () => void redis.quit());
    const doc = validateFlowDocument(flowDoc({ sequence: [{ id: 'a', task: sh('true') }, { id: 'b', task: sh('true') }] }));
    const compiled = compileFlow(doc);
    // What a coordinator writes before it dies: the run, its plan, the first log entry. No sync.
    const id = newRunId();
    await new RunStore(redis, `${prefix}:`).create(id, 'crash@1', { root: compiled.root, params: {} }, compiled.stepIds, {});
    const svc = await startRunService({}, {}, prefix);
    cleanup.push(() => svc.close());
    const run = await svc.waitRun(id);
    expect(run.status).toBe('succeeded');
    expect(run.steps.b.status).toBe('succeeded');
  });

  it('strata up SIGKILLed mid-run and started again finishes the run', async () => {
    const prefix = newPrefix('crash-up');
    const env = { REDIS_URL: inject('redisUrl'), STRATA_PREFIX: prefix, STRATA_HOME: join(dir, 'home'), PORT: '0', STRATA_LOCK_MS: '1000', STRATA_STALLED_MS: '300' };
    const urlOf = async (p: ReturnType<typeof spawnStrata>) => until('the API to listen', () => /API on (http:\/\/[\d.:]+)/.exec(p.output())?.[1]);
    const first = spawnStrata(['up'], env);
    cleanup.push(() => stop(first));
    const url = await urlOf(first);
    const marks = join(dir, 'marks');
    const go = join(dir, 'go');
    // b holds until told to go on, so the kill lands while b runs, whatever the machine's load:
    // with sleeps alone a slow poll let the run reach d before the kill, and d ran again.
    const steps = ['a', 'b', 'c', 'd'].map((id) => ({ id, task: sh(`echo ${id} >> ${marks}; ${id === 'b' ? `while [ ! -e ${go} ]; do sleep 0.05; done` : 'true'}`) }));
    const res = await fetch(`${url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flow: flowDoc({ sequence: steps }) }) });
    const { runId } = (await res.json()) as { runId: string };
    await until('step b to start', () => lines(marks).includes('b'));
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const second = spawnStrata(['up'], env);
    cleanup.push(() => stop(second));
    const url2 = await urlOf(second);
    writeFileSync(go, '');
    const run = await until('the run to finish', async () => {
      const v = (await (await fetch(`${url2}/v1/runs/${runId}`)).json()) as { status: string; steps: Record<string, { status: string }> };
      return v.status === 'succeeded' || v.status === 'failed' ? v : undefined;
    }, 30_000);
    expect(run.status).toBe('succeeded');
    // At least once (docs/runs.md, Workers): b, running when strata up was killed, runs again
    // once its lock lapses; what had ended before (a) and what came after (c, d) run once.
    const count = (id: string) => lines(marks).filter((m) => m === id).length;
    expect({ a: count('a'), b: count('b') >= 1, c: count('c'), d: count('d') }).toEqual({ a: 1, b: true, c: 1, d: 1 });
    expect(Object.values(run.steps).every((s) => s.status === 'succeeded')).toBe(true);
  });

  it('a running step whose job was lost is enqueued again once its run is due', async () => {
    const prefix = newPrefix('crash-lost');
    const coord = await startRunService({}, { worker: false, graceMs: 100 }, prefix);
    cleanup.push(() => coord.close());
    const r = await coord.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: 'only', task: sh('true') }] }) });
    // Its job gone and the run due, as a crash mid-sync leaves it: enqueued again.
    await loseJob(prefix, r.body.runId, 'only');
    const worker = await startRunService({}, { coordinator: false }, prefix);
    cleanup.push(() => worker.close());
    const run = await coord.waitRun(r.body.runId);
    expect(run.status).toBe('succeeded');
  });
});
