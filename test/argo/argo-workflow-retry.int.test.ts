/**
 * A Workflow's `spec.retryStrategy` is the default of every template, steps and dag
 * templates too, the entry one included, and a steps template's own retryStrategy retries it
 * whole (Argo tester 7, R5; argo-workflows operator.go retryStrategy and handleRetries).
 * Through real runs on a real strata, by the strata CLI and POST /v1/runs: each step appends
 * a line to a file of its own, so the lines count how often it ran.
 */
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { RunView } from '../../src/run/run-view.ts';
import { runStrata } from '../support/processes.ts';
import { argoFixtures } from '../support/documents.ts';
import { linesIn as runs, useTempDirs } from '../support/temp-dirs.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';

const { dir: DIR, read } = argoFixtures('wf-retry');

const svc = useRunService();
const env = cliEnv(svc);
const tempDir = useTempDirs('wf-retry-');

/** Fixture `file` run to its end with a fresh directory, by `strata runs submit -p dir=` or POST /v1/runs { flow, params }. */
async function runIn(file: string, route: 'cli' | 'http'): Promise<{ run: RunView; dir: string }> {
  const dir = tempDir();
  if (route === 'http') return { run: await svc.runToEnd({ flow: parse(read(file)), params: { dir } }), dir };
  const p = await runStrata(['runs', 'submit', join(DIR, file), '-p', `dir=${dir}`], env);
  expect(p.code, p.stderr).toBe(0);
  return { run: await svc.waitRun(/run (\S+) submitted/.exec(p.stdout)![1], 90_000), dir };
}

describe('spec.retryStrategy retries steps and dag templates whole (R5)', () => {
  for (const route of ['cli', 'http'] as const) {
    it(`the entry steps template runs again whole, its leaves keeping their own retries (${route})`, async () => {
      const { run, dir } = await runIn('spec-steps.yaml', route);
      expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
      // Attempt 1: count once, check three times (its own default of 2 retries); attempt 2: count again, check once.
      expect(runs(dir, 'count')).toBe(2);
      expect(runs(dir, 'check')).toBe(4);
      expect(String(run.steps.count.result)).toBe('2');
    }, 120_000);

    it(`a nested steps template under a dag runs again whole; the dag's succeeded task runs once (${route})`, async () => {
      const { run, dir } = await runIn('spec-nested.yaml', route);
      expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
      expect(runs(dir, 'first')).toBe(1);
      expect(runs(dir, 'count')).toBe(2);
      expect(runs(dir, 'check')).toBe(2);
      expect(String(run.steps['inner/count'].result)).toBe('2');
    }, 120_000);
  }

  it('a steps template\'s own retryStrategy retries it whole up to its limit, then the run fails', async () => {
    const { run, dir } = await runIn('template-steps.yaml', 'cli');
    expect(run.status).toBe('failed');
    expect(runs(dir, 'count')).toBe(2);
    expect(runs(dir, 'check')).toBe(2);
  }, 120_000);
});
