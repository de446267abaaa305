/**
 * R5's gap (issue 12): a Workflow's `spec.retryStrategy` is the default of every template it
 * runs (argo-workflows operator.go retryStrategy: the template's own, else
 * execWf.Spec.RetryStrategy), also the steps and dag templates nested inside a templateRef
 * unit or a recursive template's unit, which run again whole under it (`retryWhole: inherit`:
 * the retry the call's place gives). Through the real stack: `strata apply` and `strata runs
 * submit -p` as processes, POST /v1/runs; each step appends a line to a file of its own, so
 * the lines count how often it ran.
 */
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { argoFixtures } from '../support/documents.ts';
import { runStrata } from '../support/processes.ts';
import { linesIn as runs, useTempDirs } from '../support/temp-dirs.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';

const { dir: DIR, read } = argoFixtures('wf-retry');
const svc = useRunService();
const env = cliEnv(svc);
const tempDir = useTempDirs('wf-unit-retry-');

describe('spec.retryStrategy reaches the steps and dag templates inside units (R5)', { timeout: 90_000 }, () => {
  it('templateRef: the nested steps template runs again whole by itself; its dag\'s first task runs once (CLI apply, runs submit -p)', async () => {
    const applied = await runStrata(['apply', join(DIR, 'unit-lib.yaml')], env);
    expect(applied.code, applied.stderr).toBe(0);
    const dir = tempDir();
    const sub = await runStrata(['runs', 'submit', join(DIR, 'unit-call.yaml'), '-p', `dir=${dir}`], env);
    expect(sub.code, sub.stderr).toBe(0);
    const run = await svc.waitRun(/run (\S+) submitted/.exec(sub.stdout)![1], 60_000);
    expect(run.status, JSON.stringify(run.steps).slice(0, 2000)).toBe('succeeded');
    expect([runs(dir, 'first'), runs(dir, 'count'), runs(dir, 'check')]).toEqual([1, 2, 2]);
  });

  it('a recursive template\'s unit: the steps template inside it runs again whole; the step before it runs once (POST /v1/runs)', async () => {
    const dir = tempDir();
    const run = await svc.runToEnd({ flow: parse(read('recursive.yaml')), params: { dir } });
    expect(run.status, JSON.stringify(run.steps).slice(0, 2000)).toBe('succeeded');
    expect([runs(dir, 'first'), runs(dir, 'count'), runs(dir, 'check')]).toEqual([1, 2, 2]);
  });

  it('a strata flow: retryWhole: inherit takes the retry its place gives, inside a pod too', async () => {
    for (const inPod of [false, true]) {
      const dir = tempDir();
      const sh = (file: string, extra = '') => ({ image: 'alpine', command: ['sh', '-c', `echo x >> ${dir}/${file}${extra}`] });
      const inner = {
        id: 'inner', retryWhole: 'inherit',
        sequence: [
          { id: 'count', task: sh('count') },
          { id: 'check', retries: 0, task: sh('check', ` && test $(wc -l < ${dir}/count) -ge 2`) },
        ],
      };
      const body = { retry: { limit: 3, on: 'always' }, sequence: [{ id: 'first', retries: 0, task: sh('first') }, inner] };
      const root = inPod ? { id: 'p', pod: { flow: body } } : body;
      const run = await svc.runToEnd({ flow: { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'inherit', version: '1' }, spec: { root } } });
      expect(run.status, `${inPod}: ${JSON.stringify(run.steps).slice(0, 2000)}`).toBe('succeeded');
      expect([runs(dir, 'first'), runs(dir, 'count'), runs(dir, 'check')]).toEqual([1, 2, 2]);
    }
  });
});
