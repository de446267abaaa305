/**
 * A Workflow with `workflowTemplateRef` runs the join of its spec over the WorkflowTemplate's
 * (argo-workflows workflow/util/merge.go JoinWorkflowSpec), and its arguments are the entry
 * template's arguments (workflow/controller/operator.go operate: executeTemplate of the
 * entrypoint with execWf.Spec.Arguments) (Argo tester 6, Q1). Through the real stack: the
 * WorkflowTemplate applied with `strata apply`, Workflows sent to POST /v1/runs and
 * `strata runs submit -p`, run on the local runtime. The Workflow's own onExit, deadline,
 * retryStrategy and parallelism are joined over the WorkflowTemplate's, its fields winning.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunView } from '../../src/run/run-view.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const env = cliEnv(svc);
const { dir: DIR, read } = argoFixtures('wfref-join');
/** The one result of a run that must have succeeded (its only step with a result). */
function result(r: RunView): unknown {
  expect(r.status, r.error ?? JSON.stringify(r.steps)).toBe('succeeded');
  const found = Object.values(r.steps).filter((s) => s.result !== undefined).map((s) => s.result);
  expect(found).toHaveLength(1);
  return found[0];
}

beforeAll(async () => {
  const out = await runStrata(['apply', join(DIR, 'wt-entry-input.yaml')], env);
  expect(out.code, out.stdout + out.stderr).toBe(0);
});

describe('workflowTemplateRef: the Workflow\'s arguments reach the entry template\'s inputs (Q1)', () => {
  it('POST /v1/runs: the Workflow\'s argument count=4 is the entry\'s input, not its default 2', async () => {
    expect(result(await svc.runToEnd(read('wf-args.yaml')))).toBe('count=4 env=dev');
  });

  it('POST /v1/runs { flow, params }: a given count goes over the Workflow\'s', async () => {
    expect(result(await svc.runToEnd({ flow: parse(read('wf-args.yaml')), params: { count: '5', env: 'qa' } }))).toBe('count=5 env=qa');
  });

  it('strata runs submit of the WorkflowTemplate itself -p count=1 (argo submit --from workflowtemplate/NAME -p)', async () => {
    const out = await runStrata(['runs', 'submit', join(DIR, 'wt-entry-input.yaml'), '-p', 'count=1', '-p', 'env=staging'], env);
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(result(await svc.waitRun(/run (\S+) submitted/.exec(out.stdout)![1], 90_000))).toBe('count=1 env=staging');
  });

  it('the entry input\'s own default when nothing gives it', async () => {
    const wf = parse(read('wf-args.yaml'));
    delete wf.spec.arguments;
    expect(result(await svc.runToEnd(wf))).toBe('count=2 env=dev');
  });
});

describe('workflowTemplateRef: the Workflow\'s own spec fields are joined over the WorkflowTemplate\'s, the Workflow\'s winning (Q1)', () => {
  beforeAll(async () => {
    for (const f of ['wt-exit.yaml', 'wt-retry.yaml', 'wt-deadline.yaml']) {
      const out = await runStrata(['apply', join(DIR, f)], env);
      expect(out.code, out.stdout + out.stderr).toBe(0);
    }
  });

  it('POST /v1/runs: the Workflow\'s onExit (another template of the WorkflowTemplate) runs as the exit handler, in place of the template\'s', async () => {
    const r = await svc.runToEnd(read('wf-exit.yaml'));
    expect(r.status, r.error ?? JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps.main.result).toBe('main ran');
    expect(r.steps['main/onExit'].result).toBe('OTHER handler ran');
    expect(JSON.stringify(r.steps)).not.toContain('WT handler');
  });

  it('strata runs submit: the joined retryStrategy {limit: 2} (retryPolicy Always kept from the template) gives 3 attempts, not 6', async () => {
    const out = await runStrata(['runs', 'submit', join(DIR, 'wf-retry.yaml')], env);
    expect(out.code, out.stdout + out.stderr).toBe(0);
    const r = await svc.waitRun(/run (\S+) submitted/.exec(out.stdout)![1], 90_000);
    expect(r.status).toBe('failed');
    expect(r.steps.main.attempts).toBe(3);
  });

  it('the Workflow\'s activeDeadlineSeconds replaces the template\'s: 120 s over 1 s lets the 3 s entry finish', async () => {
    expect(result(await svc.runToEnd(read('wf-deadline-longer.yaml')))).toBe('finished');
  });

  it('the Workflow\'s activeDeadlineSeconds bounds a template without one (the WorkflowTemplate given in the same file)', async () => {
    const out = await runStrata(['runs', 'submit', join(DIR, 'wf-deadline-fires.yaml')], env);
    expect(out.code, out.stdout + out.stderr).toBe(0);
    const r = await svc.waitRun(/run (\S+) submitted/.exec(out.stdout)![1], 90_000);
    expect(r.status).toBe('failed');
    expect(JSON.stringify(r)).toContain('timed out after 2');
  });

  it('strata import argo and runs submit: parallelism is the Workflow\'s, arguments joined by name, workflow.name the Workflow\'s', async () => {
    const out = await runStrata(['import', 'argo', join(DIR, 'wf-parallelism.yaml'), '-o', 'json']);
    expect(out.code, out.stdout + out.stderr).toBe(0);
    const flows = JSON.parse(out.stdout) as Array<{ metadata: { name: string }; spec: { parallelism?: number; params?: Record<string, unknown>; root: { task?: { command: string[] } } } }>;
    const wf = flows.find((f) => f.metadata.name === 'wj-par-run')!;
    expect(wf.spec.parallelism).toBe(3);
    expect(wf.spec.params).toMatchObject({ a: 'from-template', b: 'from-workflow' });
    const run = await runStrata(['runs', 'submit', join(DIR, 'wf-parallelism.yaml')], env);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const r = await svc.waitRun(/run (\S+) submitted/.exec(run.stdout)![1], 90_000);
    expect(result(r)).toMatch(/^a=from-template b=from-workflow name=wj-par-run-\S+$/);
  });

  it('a registered flow that keeps no WorkflowTemplate document cannot be joined over: refused naming the field (400, exit 2)', async () => {
    const applied = await runStrata(['apply', join(DIR, 'native-claims-wt.yaml')], env);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const r = await svc.call('POST', '/v1/runs', read('wf-forged.yaml'));
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(JSON.stringify(r.body)).toContain('spec.onExit');
    // Applying the same document again alone cannot help (Argo tester 7, R19): its version is the same, with other content, so it is refused as immutable.
    expect(JSON.stringify(r.body)).toContain('strata flows delete wj-forged');
    const out = await runStrata(['runs', 'submit', join(DIR, 'wf-forged.yaml')], env);
    expect(out.code, out.stdout + out.stderr).toBe(2);
    expect(out.stderr).toContain('spec.onExit');
  });
});
