/**
 * What the CLI says of steps run more than once, and how it follows logs (issue 10/11/13
 * test report, fault 5), with real `strata worker` processes killed for real and the CLI
 * as real processes:
 * - a step run again after its worker was SIGKILLed says `1 (run 2)` (not a retry) in the
 *   ATTEMPT of `runs get` and `running, attempt 1 (run 2)` in `runs watch`, and `strata
 *   logs` names each execution's part with the same words;
 * - the `runs retry --watch` counter counts each step once, out of the run's steps;
 * - `strata logs -f` follows through the run's log stream: lines show while the step runs,
 *   and the plain logs route is never polled;
 * - `strata rules list` is in the order rules are tried.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { runStrata, spawnStrata, stop, until } from '../support/processes.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';
import { requestsTo } from '../support/metrics.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

// Each test's folder goes with the file (they were left in the temporary directory, some 90 there by now).
const tempDir = useTempDirs('cli-');

let svc: RunTestService;
const cleanup: Array<() => Promise<unknown> | unknown> = [];
beforeAll(async () => {
  // The API and coordinator in this process; workers as real processes, started by each test.
  svc = await startRunService({}, { worker: false, graceMs: 300 });
});
afterAll(async () => {
  for (const c of cleanup.reverse()) await Promise.resolve(c()).catch(() => undefined);
  await svc?.close();
});

const CLI_TEST_MS = 120_000;
const strata = (...args: string[]) => runStrata(args, { STRATA_URL: svc.url });

function worker() {
  const w = spawnStrata(['worker'], { REDIS_URL: inject('redisUrl'), STRATA_PREFIX: svc.prefix, STRATA_HOME: svc.home, STRATA_LOCK_MS: '1000', STRATA_STALLED_MS: '300', STRATA_WORKER_CONCURRENCY: '2' });
  cleanup.push(() => stop(w));
  return w;
}

async function post(root: unknown, name: string): Promise<string> {
  const r = await svc.call('POST', '/v1/runs', { flow: flowDoc(root, name) });
  expect(r.status).toBe(202);
  return r.body.runId;
}

const requests = (route: RegExp) => requestsTo(svc.url, route);

describe('a step run again after its worker was SIGKILLed', () => {
  it('says which execution runs in runs get and runs watch, and strata logs names each execution\'s part', async () => {
    const dir = tempDir();
    const first = worker();
    await until('the worker to start', () => /worker running/.test(first.output()));
    const script = `if [ -e ${dir}/first ]; then echo second run; touch ${dir}/second; while [ ! -e ${dir}/go ]; do sleep 0.05; done; exit 0; fi; echo first run; touch ${dir}/first; sleep 60`;
    const runId = await post({ sequence: [{ id: 'slow', task: shTask(script) }] }, 'cli-exec');
    await until('the first execution to write', async () => existsSync(join(dir, 'first')) && (await svc.call('GET', `/v1/runs/${runId}/steps/slow/logs`)).text.includes('first run'));
    // Nothing of the second execution starts before this mark.
    const killedAt = Date.now();
    first.kill('SIGKILL');
    worker();
    await until('the second execution to run', () => existsSync(join(dir, 'second')), 30_000);

    const get = await strata('runs', 'get', runId);
    expect(get.stdout).toMatch(/^▶ slow\s+running\s+\S+\s+1 \(run 2\)\s/m);
    // Followed while the second execution runs: the log as kept names the first execution as the stored view does.
    const follow = spawnStrata(['logs', runId, '-f'], { STRATA_URL: svc.url });
    cleanup.push(() => follow.exitCode === null && follow.kill('SIGKILL'));
    const followed = new Promise<number | null>((r) => follow.once('exit', (c) => r(c)));
    await until('the follower to print the second execution', () => follow.output().includes('slow: second run\n'), 30_000);
    writeFileSync(join(dir, 'go'), '');
    const done = await svc.waitRun(runId, 30_000);
    expect(done.status).toBe('succeeded');
    // The engine's attempt is 1: a re-run of it, not a retry; `attempts` counts both executions as before.
    expect(done.steps.slow).toMatchObject({ attempt: 1, execution: 2, attempts: 2 });
    // Its times are the second execution's: it started after the first one's worker was killed (test/api/rerun-started-at.int.test.ts).
    expect(Date.parse(done.steps.slow.startedAt!)).toBeGreaterThanOrEqual(killedAt);
    // ATTEMPT says the engine's attempt and that it ran again, never 2 (a retry no one configured).
    expect((await strata('runs', 'get', runId)).stdout).toMatch(/^✓ slow\s+succeeded\s+\S+\s+1 \(run 2\)\s/m);

    const watch = await strata('runs', 'watch', runId);
    expect(watch.code).toBe(0);
    expect(watch.stdout).toMatch(/ ▶ slow running, attempt 1 \(run 2\) {2}\[0\/1 done\]$/m);
    expect(watch.stdout).toMatch(/ ✓ slow succeeded {2}\[1\/1 done\]$/m);

    const logs = (await strata('logs', runId)).stdout;
    expect(await followed).toBe(0);
    expect(follow.output()).toBe(logs);
    expect(logs).toMatch(/^slow: --- attempt 1 \(run 1\) ---\nslow: first run\n/);
    expect(logs).toContain('slow: --- attempt 1 (run 2) ---\nslow: second run\n');
    expect((await strata('logs', runId, 'slow')).stdout).toMatch(/^--- attempt 1 \(run 1\) ---\nfirst run\n/);
  }, CLI_TEST_MS);
});

describe('runs retry --watch', () => {
  it('counts each step once, out of the run\'s steps', async () => {
    worker();
    const dir = tempDir();
    const file = join(dir, 'f.json');
    writeFileSync(file, JSON.stringify(flowDoc({ sequence: [{ id: 'a', task: shTask('true') }, { id: 'b', task: shTask(`test -f ${dir}/ok`) }, { id: 'c', task: shTask('true') }] }, 'cli-count')));
    const r = await strata('runs', 'submit', file, '--watch');
    expect(r.code).toBe(1);
    const id = /run (\S+) submitted/.exec(r.stdout)![1];
    writeFileSync(join(dir, 'ok'), '');
    const retried = await strata('runs', 'retry', id, '--watch');
    expect(retried.code).toBe(0);
    const counters = [...retried.stdout.matchAll(/\[(\d+)\/(\d+) done\]$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(counters.length).toBeGreaterThan(0);
    for (const [done, total] of counters) {
      expect(total).toBe(3);
      expect(done).toBeLessThanOrEqual(3);
    }
    expect(retried.stdout).toMatch(/ ✓ c succeeded {2}\[3\/3 done\]$/m);
  }, CLI_TEST_MS);
});

describe('strata logs -f', () => {
  it('follows the run\'s log stream: lines show while the step runs, the logs route is never polled', async () => {
    worker();
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    const runId = await post({ sequence: [{ id: 'talk', task: shTask(`echo one; while [ ! -e ${dir}/go ]; do sleep 0.05; done; echo two`) }, { id: 'after', task: shTask('echo three') }] }, 'cli-follow');
    const polled = await requests(/\/steps\/.*\/logs$/);
    const streamed = await requests(/^\/v1\/runs\/:id\/logs$/);
    const f = spawnStrata(['logs', runId, '-f'], { STRATA_URL: svc.url });
    cleanup.push(() => f.exitCode === null && f.kill('SIGKILL'));
    const code = new Promise<number | null>((r) => f.once('exit', (c) => r(c)));
    await until('the first line while the step runs', () => f.output().includes('talk: one\n'), 30_000);
    expect(f.output()).not.toContain('two');
    writeFileSync(join(dir, 'go'), '');
    expect(await code).toBe(0);
    expect(f.output()).toBe('talk: one\ntalk: two\nafter: three\n');
    expect(await requests(/\/steps\/.*\/logs$/)).toBe(polled);
    expect(await requests(/^\/v1\/runs\/:id\/logs$/)).toBe(streamed + 1);
  }, CLI_TEST_MS);
});

describe('strata rules list', () => {
  it('lists rules in the order they are tried: priority, higher first', async () => {
    expect((await strata('apply', 'test/fixtures/cli/rules-order.yaml')).code).toBe(0);
    const rows = (await strata('rules', 'list')).stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/));
    const names = rows.map((r) => r[0]);
    expect(names.indexOf('zz-high')).toBeLessThan(names.indexOf('aa-low'));
    const priorities = rows.map((r) => Number(r[1]));
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
  }, CLI_TEST_MS);
});
