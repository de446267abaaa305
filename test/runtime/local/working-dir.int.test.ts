/**
 * A container's working directory on the local runtime is a directory of its own, as a
 * container gets its image's, never the directory strata was started from: a step's
 * `echo > ./x` or `rm -rf ./*` cannot touch the checkout, and parallel items do not see
 * each other's files (argo tester's fault 4). Through real runs at both levels.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRunService, type RunTestService } from '../../support/run-service.ts';

let svc: RunTestService;
const dir = mkdtempSync(join(tmpdir(), 'strata-wd-'));
beforeAll(async () => {
  svc = await startRunService({ STRATA_WORKER_CONCURRENCY: '4' });
});
afterAll(async () => {
  await svc?.close();
  rmSync(dir, { recursive: true, force: true });
});

const LEVELS = [
  { name: 'macro', prefix: '', wrap: (root: unknown) => root },
  { name: 'inside a pod', prefix: 'p/', wrap: (root: unknown) => ({ id: 'p', pod: { flow: root } }) },
];

/** Each item writes its value to ./probe, waits, and says what ./probe then holds and where it ran. */
const probe = (workingDir?: string) => ({
  task: {
    image: 'alpine',
    command: ['sh', '-c', 'echo "${STRATA_ITEM:-0}" > ./probe-wd; sleep 0.5; printf \'{"read": %s, "pwd": "%s"}\' "$(cat ./probe-wd)" "$(pwd)"'],
    result: 'stdout',
    ...(workingDir ? { workingDir } : {}),
  },
});

describe.each(LEVELS)('working directory ($name)', (level) => {
  it('is each container\'s own directory: never strata\'s, empty at start, not shared by parallel items', async () => {
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'wd', version: '1' }, spec: { root: level.wrap({ sequence: [{ id: 'fan', fanOut: { over: [1, 2, 3], do: probe() } }] }) } };
    const r = await svc.call('POST', '/v1/runs', { flow });
    expect(r.status, r.text).toBe(202);
    const run = await svc.waitRun(r.body.runId, 30_000);
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    const results = [0, 1, 2].map((i) => run.steps[`${level.prefix}fan/${i}`].result as { read: number; pwd: string });
    expect(results.map((x) => x.read)).toEqual([1, 2, 3]);
    expect(new Set(results.map((x) => x.pwd)).size).toBe(3);
    for (const { pwd } of results) expect(pwd).not.toBe(process.cwd());
    expect(existsSync(join(process.cwd(), 'probe-wd'))).toBe(false);
  });

  it('is the task\'s workingDir when it names one', async () => {
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'wd', version: '1' }, spec: { root: level.wrap({ sequence: [{ id: 'one', ...probe(dir) }] }) } };
    const r = await svc.call('POST', '/v1/runs', { flow });
    const run = await svc.waitRun(r.body.runId, 30_000);
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(run.steps[`${level.prefix}one`].result).toEqual({ read: 0, pwd: dir });
    expect(existsSync(join(dir, 'probe-wd'))).toBe(true);
  });
});
