/**
 * Issue 12: `{{steps.X.exitCode}}` of a containerSet is its `main` container's exit code, as
 * Argo's controller sets the pod node's outputs.exitCode from the container named main
 * (workflow/controller/operator.go assessNodeStatus, getExitCode); it was refused. A
 * containerSet without main has none, nor one reached by templateRef: refused naming the step. Through POST /v1/runs,
 * `strata runs submit` and `strata import argo` on the local runtime.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { argoFixtures } from '../support/documents.ts';
import { cliEnv, stepStatuses, useRunService } from '../support/use-run-service.ts';

const FIX = argoFixtures('container-set-exit-code');
const svc = useRunService();
const env = cliEnv(svc);

describe('a containerSet\'s exit code is its main container\'s', { timeout: 90_000 }, () => {
  it('read after it in a container\'s args and in a when: 3 for main exiting 3, 0 for one that succeeded (HTTP)', async () => {
    const r = await svc.runToEnd(FIX.read('exit-code.yaml'));
    expect(stepStatuses(r, ['fails', 'works', 'read', 'when-three', 'when-zero']), JSON.stringify(r.steps).slice(0, 3000)).toEqual({ fails: 'failed', works: 'succeeded', read: 'succeeded', 'when-three': 'succeeded', 'when-zero': 'skipped' });
    expect(r.steps.read.result).toBe('fails=3 works=0');
    expect(r.status).toBe('succeeded');
    // The run view (GET /v1/runs/:id) lists no parameter the user never wrote (a tester's pass: `_exit-code` was listed).
    expect(JSON.stringify(r.steps)).not.toContain('_exit-code');
  });

  it('the same by strata runs submit (CLI)', async () => {
    const sub = await runStrata(['runs', 'submit', join(FIX.dir, 'exit-code.yaml')], env);
    expect(sub.code, sub.stderr).toBe(0);
    const r = await svc.waitRun(/run (\S+) submitted/.exec(sub.stdout)![1], 60_000);
    expect(r.steps.read.result).toBe('fails=3 works=0');
    const got = await runStrata(['runs', 'get', r.id, '-o', 'json'], env);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout).toContain('fails=3 works=0');
    expect(got.stdout).not.toContain('_exit-code');
  });

  it('one whose main never ran (its dependency failed) gives none: the reader fails naming the step (HTTP)', async () => {
    const r = await svc.runToEnd(FIX.read('main-not-run.yaml'));
    expect(stepStatuses(r, ['set', 'read']), JSON.stringify(r.steps).slice(0, 3000)).toEqual({ set: 'failed', read: 'failed' });
    // In the user's terms (a tester's pass: it named a parameter `_exit-code` the user never wrote).
    expect(r.steps.read.error).toContain('{{ steps.set.exitCode }}: step set failed and gave no exit code');
    expect(r.steps.read.error).not.toMatch(/_exit-code|output parameter/);
  });

  it('a containerSet without main has no exit code: refused naming the step (import exit 2, HTTP 400)', async () => {
    const imp = await runStrata(['import', 'argo', join(FIX.dir, 'no-main.yaml')], env);
    expect(imp.code).toBe(2);
    expect(imp.stderr).toContain('step set has no exit code');
    expect(imp.stderr).toContain('main');
    const r = await svc.call('POST', '/v1/runs', FIX.read('no-main.yaml'));
    expect(r.status).toBe(400);
    expect(r.text).toContain('step set has no exit code');
  });

  it('one reached by templateRef gives none out of its unit: refused naming the step (import exit 2)', async () => {
    const imp = await runStrata(['import', 'argo', join(FIX.dir, 'by-template-ref.yaml')], env);
    expect(imp.code).toBe(2);
    expect(imp.stderr).toContain('step set has no exit code: it is a containerSet reached by templateRef');
  });
});
