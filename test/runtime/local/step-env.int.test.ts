/**
 * Argo tester 6, Q13: every step got the worker's REDIS_URL, password included (the API
 * tokens and the notify secret were kept out), so any step could rewrite any run's state in
 * strata's Redis. A step inherits the worker's environment without strata's own
 * configuration (STRATA_*, REDIS_URL, PORT, HOST), at both levels; the quarterback gets only
 * what it reads. Through real processes: `strata up` started with those variables, a run
 * over HTTP on the local runtime, each step printing its environment.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { spawnStrata, stop, until } from '../../support/processes.ts';

const dir = mkdtempSync(join(tmpdir(), 'strata-step-env-'));
const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

const TOKEN = 'step-env-token-0123456789abcdef';
const SECRET = 'step-env-notify-secret-0123456789';
const PASSWORD = 'step-env-redis-pass-0123456789';

/** `NAME=value` lines of an environment printed one a line. */
const names = (text: string): string[] => text.split('\n').map((l) => l.split('=')[0]).filter(Boolean);

describe('a step\'s environment', () => {
  it('holds the worker\'s environment without strata\'s configuration or secrets, for a task, a pod\'s container and the quarterback', async () => {
    // The test Redis has no password: its default user takes any, so the URL carries one as a real deployment's does.
    const url = new URL(inject('redisUrl'));
    url.username = 'default';
    url.password = PASSWORD;
    const env = {
      REDIS_URL: url.toString(), STRATA_PREFIX: `step-env-${Date.now()}`, STRATA_HOME: join(dir, 'home'), PORT: '0', HOST: '127.0.0.1',
      STRATA_API_TOKENS: TOKEN, STRATA_NOTIFY_SECRET: SECRET, STEP_ENV_VISIBLE: 'yes',
    };
    const up = spawnStrata(['up'], env);
    cleanup.push(() => stop(up));
    const api = await until('the API to listen', () => /API on (http:\/\/[\d.:]+)/.exec(up.output())?.[1]);
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const flow = parse(readFileSync(join('test', 'fixtures', 'runtime', 'step-env.yaml'), 'utf8'));
    const res = await fetch(`${api}/v1/runs`, { method: 'POST', headers, body: JSON.stringify({ flow }) });
    expect(res.status).toBe(202);
    const { runId } = (await res.json()) as { runId: string };
    const run = await until('the run to end', async () => {
      const v = (await (await fetch(`${api}/v1/runs/${runId}`, { headers })).json()) as { status: string; steps: Record<string, { result: unknown }> };
      return v.status === 'succeeded' || v.status === 'failed' ? v : undefined;
    }, 60_000);
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    for (const step of ['task', 'pod/inner', 'pod/quarterback']) {
      const text = String(run.steps[step].result);
      expect(names(text), step).toContain('STEP_ENV_VISIBLE');
      expect(names(text), step).not.toContain('REDIS_URL');
      expect(names(text), step).not.toContain('PORT');
      expect(names(text), step).not.toContain('HOST');
      expect(names(text), step).not.toContain('STRATA_API_TOKENS');
      expect(names(text), step).not.toContain('STRATA_NOTIFY_SECRET');
      for (const secret of [PASSWORD, TOKEN, SECRET]) expect(text, step).not.toContain(secret);
    }
    // The steps still get their own STRATA_* variables (the contract's), the quarterback none of the API's.
    expect(names(String(run.steps.task.result))).toContain('STRATA_OUTPUTS');
    expect(names(String(run.steps['pod/inner'].result))).toContain('STRATA_OUTPUTS');
    expect(names(String(run.steps['pod/quarterback'].result))).not.toContain('STRATA_PREFIX');
  }, 120_000);
});
