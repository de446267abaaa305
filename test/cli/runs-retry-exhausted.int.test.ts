/**
 * `strata runs retry` of a run whose failed step had used up its retries (Argo tester 6,
 * Q22: the run stayed `running` with nothing queued and `--watch` never returned), and the
 * exit handler run again by it (Q9: the succeeded run kept the handler's `Failed` report).
 * Argo's retry resets a failed retry node (its attempts start afresh) and every exit-handler
 * node (workflow/util/util.go FormulateRetryWorkflow). Through the real stack: `strata runs
 * submit` / POST /v1/runs, the real `strata runs retry --watch` process, real Redis, the
 * local runtime; the strata forms at both levels.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunView } from '../../src/run/run-view.ts';
import { flowDoc, shTask } from '../support/documents.ts';
import { LEVELS } from '../support/levels.ts';
import { runStrata, spawnStrata, stop, until } from '../support/processes.ts';
import { useRunService } from '../support/use-run-service.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('retry-exhausted-');

const svc = useRunService();
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'argo', 'tester-6');

/** A fresh directory and the flag file path in it whose presence makes the flaky step succeed. */
function flagDir(): { dir: string; flag: string } {
  const dir = newTempDir();
  return { dir, flag: join(dir, 'flag.ok') };
}

/**
 * `strata runs retry ID --watch` as a real process; the run must end (waitRun fails the test
 * if it stays running) and then the command must exit. Resolves with the command's exit
 * code, its output, and the run as it ended.
 */
async function retryWatch(id: string): Promise<{ code: number | null; out: string; run: RunView }> {
  const before = ((await svc.call('GET', `/v1/runs/${id}`)).body as RunView).retries;
  const child = spawnStrata(['runs', 'retry', id, '--watch'], { STRATA_URL: svc.url });
  try {
    // The end of this round: the run counts one retry more and has ended again.
    const run = await until(`run ${id} retried and ended`, async () => {
      const r = (await svc.call('GET', `/v1/runs/${id}`)).body as RunView;
      return r.retries > before && ['succeeded', 'failed', 'cancelled'].includes(r.status) && r;
    }, 60_000);
    const code = child.exitCode ?? (await new Promise<number | null>((res) => child.once('exit', (c) => res(c))));
    return { code, out: child.output(), run };
  } finally {
    await stop(child);
  }
}

/** POST /v1/runs/:id/retry, then the run as it ended again (waitRun-like: fails the test if it never does). */
async function retryHttp(id: string): Promise<RunView> {
  const before = ((await svc.call('GET', `/v1/runs/${id}`)).body as RunView).retries;
  const r = await svc.call('POST', `/v1/runs/${id}/retry`);
  expect(r.status, r.text).toBe(200);
  return until(`run ${id} retried and ended`, async () => {
    const v = (await svc.call('GET', `/v1/runs/${id}`)).body as RunView;
    return v.retries > before && ['succeeded', 'failed', 'cancelled'].includes(v.status) && v;
  }, 60_000);
}

/**
 * The failing step fixed (its flag file written), then `strata runs retry ID --watch`: the
 * run must end succeeded and the command exit 0. Resolves with the command's output and the
 * run as it ended.
 */
async function fixedAndRetried(id: string, flag: string): Promise<{ out: string; run: RunView }> {
  writeFileSync(flag, '');
  const { code, out, run } = await retryWatch(id);
  expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
  expect(code, out).toBe(0);
  return { out, run };
}

/** Submit an Argo fixture with `strata runs submit FILE -p flag=...`, wait for its first end. */
async function submitArgo(name: string, flag: string): Promise<RunView> {
  const r = await runStrata(['runs', 'submit', join(FIXTURES, name), '-p', `flag=${flag}`], { STRATA_URL: svc.url });
  expect(r.code, r.stderr).toBe(0);
  const id = /run (\S+) submitted/.exec(r.stdout)?.[1];
  expect(id, r.stdout).toBeTruthy();
  return svc.waitRun(id!, 60_000);
}

describe('strata runs retry runs the exit handlers again (Argo tester 6, Q9)', () => {
  it("Argo: a DAG's failed step fixed, the retried run succeeds and its onExit runs again, reporting Succeeded; a succeeded step is kept (strata runs retry --watch)", async () => {
    const { flag } = flagDir();
    const failed = await submitArgo('retry-run-exit.yaml', flag);
    expect(failed.status, JSON.stringify(failed.steps)).toBe('failed');
    expect(failed.steps.onExit).toMatchObject({ status: 'succeeded', result: 'exit status Failed' });
    const stamp = failed.steps.a.result;
    const { run } = await fixedAndRetried(failed.id, flag);
    expect(run.steps.onExit).toMatchObject({ status: 'succeeded', result: 'exit status Succeeded' });
    expect(run.steps.onExit.attempts).toBe(2);
    // a succeeded before: kept, not run again (its stamp is the one c reads).
    expect(run.steps.a.result).toBe(stamp);
    expect(run.steps.c.result).toBe(`c got ${String(stamp)}/b-ok`);
  }, 180_000);

  it('Argo, a steps entry: the handler reports Failed on the failed run and Succeeded after POST /v1/runs/:id/retry', async () => {
    const { flag } = flagDir();
    const failed = await submitArgo('retry-exhausted-steps.yaml', flag);
    expect(failed.status, JSON.stringify(failed.steps)).toBe('failed');
    expect(failed.steps.onExit).toMatchObject({ status: 'succeeded', result: 'exit status Failed' });
    writeFileSync(flag, '');
    const run = await retryHttp(failed.id);
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(run.steps.onExit).toMatchObject({ status: 'succeeded', result: 'exit status Succeeded' });
    expect(readFileSync(`${flag}.count`, 'utf8')).toBe('first-ran\n');
  }, 180_000);

  describe.each(LEVELS)('strata, $name', ({ prefix, wrap }) => {
    it("a node's onExit runs again after strata runs retry, over the new outcome, its result and output file replaced", async () => {
      const { dir, flag } = flagDir();
      const handler = { task: { ...shTask(`echo "{{ exit.status }}" >> ${dir}/h.log; echo "{{ exit.status }}" > "$STRATA_OUTPUTS/status.txt"; echo "{{ exit.status }}"`), result: 'stdout', outputs: ['status.txt'] } };
      const main = { id: 'main', sequence: [{ id: 'a', task: shTask(`echo a >> ${dir}/a.count`) }, { id: 'b', task: { ...shTask(`test -f ${flag} && echo b-ok`), result: 'text' } }], onExit: handler };
      const root = { sequence: [main] };
      const r = await svc.call('POST', '/v1/runs', { flow: flowDoc(wrap(root), 'retry-exit') });
      expect(r.status, r.text).toBe(202);
      const failed = await svc.waitRun(r.body.runId, 60_000);
      expect(failed.status, JSON.stringify(failed.steps)).toBe('failed');
      expect(failed.steps[`${prefix}main/onExit`], JSON.stringify(Object.keys(failed.steps))).toMatchObject({ status: 'succeeded', result: 'failed' });
      const { run } = await fixedAndRetried(failed.id, flag);
      expect(run.steps[`${prefix}main/onExit`]).toMatchObject({ status: 'succeeded', result: 'succeeded' });
      expect(readFileSync(join(dir, 'h.log'), 'utf8')).toBe('failed\nsucceeded\n');
      expect(readFileSync(join(dir, 'a.count'), 'utf8')).toBe('a\n');
      const file = await svc.call('GET', `/v1/runs/${run.id}/steps/${encodeURIComponent(`${prefix}main/onExit`)}/artifacts/status.txt`);
      expect(file.status, file.text).toBe(200);
      expect(file.text.trim()).toBe('succeeded');
    }, 180_000);

    it("a Flow's spec.onExit runs again after POST /v1/runs/:id/retry, over the new outcome", async () => {
      const { dir, flag } = flagDir();
      const body = { sequence: [{ id: 'a', task: shTask(`echo a >> ${dir}/a.count`) }, { id: 'b', task: { ...shTask(`test -f ${flag} && echo b-ok`), result: 'text' } }] };
      const exit = { task: { ...shTask('echo "{{ exit.status }}"'), result: 'stdout' } };
      const doc = prefix === ''
        ? { ...flowDoc(body, 'retry-spec-exit'), spec: { root: body, onExit: exit } }
        : flowDoc({ id: 'p', pod: { flow: { ...body, onExit: exit } } }, 'retry-spec-exit');
      const handlerId = prefix === '' ? 'onExit' : 'p/onExit';
      const r = await svc.call('POST', '/v1/runs', { flow: doc });
      expect(r.status, r.text).toBe(202);
      const failed = await svc.waitRun(r.body.runId, 60_000);
      expect(failed.status, JSON.stringify(failed.steps)).toBe('failed');
      expect(failed.steps[handlerId]).toMatchObject({ status: 'succeeded', result: 'failed' });
      writeFileSync(flag, '');
      const run = await retryHttp(failed.id);
      expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
      expect(run.steps[handlerId]).toMatchObject({ status: 'succeeded', result: 'succeeded' });
      expect(readFileSync(join(dir, 'a.count'), 'utf8')).toBe('a\n');
    }, 180_000);
  });
});

describe('strata runs retry of a step whose retries were used up (Argo tester 6, Q22)', () => {
  it('Argo: the entry container with retryStrategy limit 1 runs again after the retry and the run succeeds; --watch returns', async () => {
    const { flag } = flagDir();
    const failed = await submitArgo('retry-exhausted.yaml', flag);
    expect(failed.status, JSON.stringify(failed.steps)).toBe('failed');
    expect(failed.steps.main).toMatchObject({ status: 'failed', attempts: 2 });
    const { out, run } = await fixedAndRetried(failed.id, flag);
    expect(out).toContain('succeeded');
    // Its attempts go on being numbered (a new job id), its retries counted afresh ({{retries}} 0 again, as Argo's reset node).
    expect(run.steps.main).toMatchObject({ status: 'succeeded', attempts: 3 });
  }, 180_000);

  it('Argo: a step of a steps template whose retryStrategy was used up runs again, its limit afresh; the succeeded step before it is kept', async () => {
    const { flag } = flagDir();
    const failed = await submitArgo('retry-exhausted-steps.yaml', flag);
    expect(failed.status, JSON.stringify(failed.steps)).toBe('failed');
    expect(failed.steps.flaky).toMatchObject({ status: 'failed', attempts: 3 });
    // Still failing after the retry: the step gets its whole limit again (3 attempts more), then the run fails again, and ends.
    const again = await retryWatch(failed.id);
    expect(again.run.status, JSON.stringify(again.run.steps)).toBe('failed');
    expect(again.code).not.toBe(0);
    expect(again.run.steps.flaky).toMatchObject({ status: 'failed', attempts: 6 });
    const { run } = await fixedAndRetried(failed.id, flag);
    expect(run.steps.flaky).toMatchObject({ status: 'succeeded', attempts: 7 });
    expect(readFileSync(`${flag}.count`, 'utf8')).toBe('first-ran\n');
  }, 180_000);

  describe.each(LEVELS)('strata, $name', ({ prefix, wrap }) => {
    for (const [form, policy] of [['retry: { limit: 1 }', { retry: { limit: 1 } }], ['retries: 1', { retries: 1 }]] as const) {
      it(`a leaf with ${form} used up runs again after strata runs retry, and the run ends`, async () => {
        const { dir, flag } = flagDir();
        const root = { sequence: [{ id: 'a', task: shTask(`echo a >> ${dir}/a.count`) }, { id: 'b', ...policy, task: { ...shTask(`echo "attempt $STRATA_ATTEMPT" >> ${dir}/b.log; test -f ${flag} && echo b-ok`), result: 'text' } }] };
        const r = await svc.call('POST', '/v1/runs', { flow: flowDoc(wrap(root), 'exhausted') });
        expect(r.status, r.text).toBe(202);
        const failed = await svc.waitRun(r.body.runId, 60_000);
        expect(failed.status, JSON.stringify(failed.steps)).toBe('failed');
        expect(failed.steps[`${prefix}b`].status).toBe('failed');
        const { run } = await fixedAndRetried(failed.id, flag);
        expect(run.steps[`${prefix}b`]).toMatchObject({ status: 'succeeded', result: 'b-ok' });
        // b ran its two attempts, then once more after the retry.
        expect(readFileSync(join(dir, 'b.log'), 'utf8').trim().split('\n')).toHaveLength(3);
      }, 180_000);
    }
  });

  it('a pod whose own retries were used up (its inner step failing) runs again after strata runs retry, and the run ends', async () => {
    const { dir, flag } = flagDir();
    const root = { id: 'p', retries: 1, pod: { flow: { id: 'b', task: { ...shTask(`echo run >> ${dir}/b.log; test -f ${flag} && echo b-ok`), result: 'text' } } } };
    const r = await svc.call('POST', '/v1/runs', { flow: flowDoc(root, 'pod-exhausted') });
    expect(r.status, r.text).toBe(202);
    const failed = await svc.waitRun(r.body.runId, 60_000);
    expect(failed.status, JSON.stringify(failed.steps)).toBe('failed');
    expect(failed.steps.p).toMatchObject({ status: 'failed', attempts: 2 });
    const { run } = await fixedAndRetried(failed.id, flag);
    expect(run.steps['p/b']).toMatchObject({ status: 'succeeded', result: 'b-ok' });
    expect(existsSync(join(dir, 'b.log')) && readFileSync(join(dir, 'b.log'), 'utf8')).toBe('run\nrun\nrun\n');
  }, 180_000);
});
