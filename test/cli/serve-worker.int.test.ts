/**
 * `strata serve` and `strata worker` as separate real processes on one Redis: a run posted
 * to the first is run by the second. Their REDIS_URL carries a password, as a real
 * deployment's does, and neither process prints it (Argo tester 7, R9: the worker's
 * "running on" line did).
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { spawnStrata, stop, until } from '../support/processes.ts';
import { usePrefixes, testHome } from '../support/test-service.ts';

const newPrefix = usePrefixes();

const started: Array<ReturnType<typeof spawnStrata>> = [];
afterAll(async () => {
  for (const p of started) await stop(p);
});

const PASSWORD = 'serve-worker-redis-pass-0123456789';

describe('strata serve + strata worker', () => {
  it('runs a flow with the API and coordinator in one process and the worker in another', async () => {
    const prefix = newPrefix('sw');
    // The test Redis has no password: its default user takes any.
    const redisUrl = new URL(inject('redisUrl'));
    redisUrl.username = 'default';
    redisUrl.password = PASSWORD;
    const env = { REDIS_URL: redisUrl.toString(), STRATA_PREFIX: prefix, STRATA_HOME: testHome(prefix), PORT: '0' };
    const serve = spawnStrata(['serve'], env);
    started.push(serve);
    const url = await until('the API to listen', () => /API on (http:\/\/[\d.:]+)/.exec(serve.output())?.[1]);
    const worker = spawnStrata(['worker'], env);
    started.push(worker);
    const res = await fetch(`${url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flow: flowDoc({ sequence: [{ id: 'hello', task: shTask('echo \'{"from":"worker"}\' > $STRATA_OUTPUTS/result.json') }] }) }) });
    const { runId } = (await res.json()) as { runId: string };
    const run = await until('the run to finish', async () => {
      const v = (await (await fetch(`${url}/v1/runs/${runId}`)).json()) as { status: string; steps: Record<string, { result: unknown }> };
      return v.status === 'succeeded' || v.status === 'failed' ? v : undefined;
    }, 30_000);
    expect(run.status).toBe('succeeded');
    expect(run.steps.hello.result).toEqual({ from: 'worker' });
    expect(serve.output()).toContain('coordinator running; start workers with `strata worker`');
    expect(worker.output()).toMatch(/worker running \(concurrency \d+, runtime local\) on redis:\/\/…@127\.0\.0\.1:\d+/);
    for (const p of [serve, worker]) expect(p.output()).not.toContain(PASSWORD);
  });
});
