/**
 * A failed step's outputs and a failed exit handler, as Argo keeps them (Argo tester 3, N14
 * and N3): Argo documents sent as they are to `POST /v1/runs`, run on the local runtime
 * with real HTTP, Redis, BullMQ and processes, checked by what the next steps were given.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunView } from '../../src/run/run-view.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const env = cliEnv(svc);
const DIR = argoFixtures('failed-outputs').dir;
const post = (name: string): Promise<RunView> => svc.runToEnd(readFileSync(join(DIR, name), 'utf8'));

describe('a failed step keeps its result, output parameters and artifacts (N14)', () => {
  it('steps with continueOn: the next step reads the failed step\'s result and parameters, a parameter it never wrote its default', async () => {
    const r = await post('steps-continue.yaml');
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps.check).toMatchObject({ status: 'failed', exitCode: 1, result: 'checked 3 items' });
    expect(r.steps.report.result).toBe('result=[checked 3 items] reason=[disk full] hint=[no-hint] status=Failed');
  });

  it('a DAG task on check.Failed reads the failed task\'s result', async () => {
    const r = await post('dag-failed.yaml');
    expect(r.steps.check).toMatchObject({ status: 'failed', result: 'quota exceeded' });
    expect(r.steps.why).toMatchObject({ status: 'succeeded', result: 'check said [quota exceeded]' });
  });

  it('a failed step\'s output artifact is passed to the next step', async () => {
    const r = await post('artifact.yaml');
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps.test.status).toBe('failed');
    expect(r.steps.report).toMatchObject({ status: 'succeeded', result: 'FAIL: test_login' });
  });

  it('a parameter a failed step never wrote, without a default, fails the reader naming the step, never the text null', async () => {
    const r = await post('missing.yaml');
    expect(r.status).toBe('failed');
    expect(r.steps.report.status).toBe('failed');
    expect(r.steps.report.error).toMatch(/step check failed and gave no output parameter "reason"/);
    expect(r.steps.report.error).not.toMatch(/\[null\]/);
  });
});

describe('a failed templateRef to a container or script template, and a failed containerSet, keep their outputs (Argo tester 5, P4)', () => {
  it('templateRef: the steps after it read the result, output parameters and artifact (the last attempt\'s when retried)', async () => {
    const applied = await runStrata(['apply', join(DIR, 'ref-leaf-wt.yaml')], env);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const r = await post('ref-leaf.yaml');
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps.leaf).toMatchObject({ status: 'failed', result: 'leaf-said' });
    expect(r.steps.f).toMatchObject({ status: 'failed', result: 'fres-1' });
    expect(r.steps.show.result).toBe('leaf=[leaf-said] r=[leaf-reason] f=[fres-1] p=[fp-1] Failed');
    expect(r.steps.log).toMatchObject({ status: 'succeeded', result: 'FAIL: leaf_test' });
  });

  it('containerSet: its result is its main container\'s, failed or not', async () => {
    const r = await post('cset-failed.yaml');
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps.cs).toMatchObject({ status: 'failed', exitCode: 4 });
    expect(r.steps.show.result).toBe('cs=[main-said-this] Failed');
  });
});

describe('a failed exit handler fails the workflow, not the node it serves (N3)', () => {
  it('the entrypoint keeps Succeeded and its result; the handler\'s node fails; the run fails with the handler\'s error', async () => {
    const r = await post('exit-fails.yaml');
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/^exit handler failed: step main\/onExit failed: exited with code 1/);
    expect(r.steps.main).toMatchObject({ status: 'succeeded', result: 'main-ok', exitCode: 0 });
    expect(r.steps.main.error).toBeNull();
    expect(r.steps['main/onExit']).toMatchObject({ status: 'failed', exitCode: 1, result: 'handler sees Succeeded' });
  });
});
