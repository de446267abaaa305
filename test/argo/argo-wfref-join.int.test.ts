/**
 * A Workflow with `workflowTemplateRef` runs the join of its spec over the WorkflowTemplate's
 * (argo-workflows workflow/util/merge.go JoinWorkflowSpec), and its arguments are the entry
 * template's arguments (workflow/controller/operator.go operate: executeTemplate of the
 * entrypoint with execWf.Spec.Arguments) (Argo tester 6, Q1). Through the real stack: the
 * WorkflowTemplate applied with `strata apply`, Workflows sent to POST /v1/runs and
 * `strata runs submit -p`, run on the local runtime. A spec field strata cannot join is
 * refused naming it, never dropped.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunView } from '../../src/run/run-view.ts';
import { runStrata } from '../support/processes.ts';
import { useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const { dir: DIR, read } = argoFixtures('wfref-join');
/** The one result of a run that must have succeeded (its only step with a result). */
function result(r: RunView): unknown {
  expect(r.status, r.error ?? JSON.stringify(r.steps)).toBe('succeeded');
  const found = Object.values(r.steps).filter((s) => s.result !== undefined).map((s) => s.result);
  expect(found).toHaveLength(1);
  return found[0];
}

beforeAll(async () => {
  const out = await runStrata(['apply', join(DIR, 'wt-entry-input.yaml')], { STRATA_URL: svc.url });
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
    const out = await runStrata(['runs', 'submit', join(DIR, 'wt-entry-input.yaml'), '-p', 'count=1', '-p', 'env=staging'], { STRATA_URL: svc.url });
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(result(await svc.waitRun(/run (\S+) submitted/.exec(out.stdout)![1], 90_000))).toBe('count=1 env=staging');
  });

  it('the entry input\'s own default when nothing gives it', async () => {
    const wf = parse(read('wf-args.yaml'));
    delete wf.spec.arguments;
    expect(result(await svc.runToEnd(wf))).toBe('count=2 env=dev');
  });
});

describe('workflowTemplateRef: a spec field strata cannot join is refused naming it (Q1)', () => {
  it('POST /v1/runs refuses onExit, activeDeadlineSeconds and retryStrategy with 400, each named', async () => {
    const r = await svc.call('POST', '/v1/runs', read('wf-spec-fields.yaml'));
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    const text = (r.body.error.details.problems as Array<{ path: string; message: string }>).map((p) => `${p.path}: ${p.message}`).join('\n');
    for (const f of ['onExit', 'activeDeadlineSeconds', 'retryStrategy']) expect(text).toContain(`spec.${f}: Argo field "${f}" is not supported with workflowTemplateRef`);
  });

  it('strata runs submit refuses it too (exit 2)', async () => {
    const out = await runStrata(['runs', 'submit', join(DIR, 'wf-spec-fields.yaml')], { STRATA_URL: svc.url });
    expect(out.code, out.stdout + out.stderr).toBe(2);
    expect(out.stderr).toContain('spec.activeDeadlineSeconds');
  });
});
