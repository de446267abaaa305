/**
 * Argo tester 7, R18: a Workflow's `spec.activeDeadlineSeconds` bounds the whole workflow,
 * every attempt of a retried entrypoint included (argo-workflows workflow/controller/operator.go:
 * the workflow deadline is counted from the workflow's start, and nodes still running past it
 * fail with "Step exceeded its deadline"), while a template's own activeDeadlineSeconds is per
 * attempt (each retry's pod gets it). strata put the workflow's deadline on a leaf entrypoint
 * as its `timeout`, which is per attempt: a retried entry got a fresh deadline each time and
 * the run succeeded past it. Now it is the flow's run-level `spec.deadline`. Through the real
 * stack: Workflows to POST /v1/runs, WorkflowTemplates with `strata apply` and
 * `strata runs submit --from`, a native flow with `strata apply` and `runs submit --use`.
 * Each retried entry needs three 2 s attempts (6 s) to succeed; the deadlines are 3 s.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunView } from '../../src/run/run-view.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const env = cliEnv(svc);
const { dir: DIR, read } = argoFixtures('run-deadline');

/** Run a CLI command against the service; it must exit 0. */
async function strata(args: string[]): Promise<string> {
  const out = await runStrata(args, env);
  expect(out.code, out.stdout + out.stderr).toBe(0);
  return out.stdout;
}

/** `strata runs submit ARGS` and the run it started, waited to its end. */
async function submitted(args: string[]): Promise<RunView> {
  const out = await strata(['runs', 'submit', ...args]);
  return svc.waitRun(/run (\S+) submitted/.exec(out)![1], 90_000);
}

/** The run failed at its 3 s deadline, not having succeeded on a later attempt. */
function timedOut(r: RunView, step: string): void {
  expect(r.status, JSON.stringify(r.steps)).toBe('failed');
  // A run of a registered flow by name says which step of it failed (`step main failed: ...`).
  expect(r.error).toMatch(/^(step \S+ failed: )?the run timed out after 3s$/);
  expect(r.steps[step]).toMatchObject({ status: 'failed', error: 'the run timed out after 3s' });
  expect(r.steps[step].result ?? null).toBeNull();
}

describe("a Workflow's activeDeadlineSeconds over a retried container entrypoint (R18)", { timeout: 120_000 }, () => {
  it('POST /v1/runs: bounds every attempt, and the exit handler reads the entry the deadline stopped in workflow.failures', async () => {
    const r = await svc.runToEnd(read('retried-entry.yaml'));
    timedOut(r, 'main');
    const said = String(r.steps['main/onExit'].result);
    expect(said).toMatch(/^status=Failed failures=\[/);
    expect(JSON.parse(said.replace(/^status=Failed failures=/, ''))).toEqual([{ step: 'main', error: 'the run timed out after 3s' }]);
  });

  it("a template's own activeDeadlineSeconds stays per attempt: attempt 1 is stopped at 2 s, attempt 2 succeeds", async () => {
    const r = await svc.runToEnd(read('template-deadline-retried.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps.main).toMatchObject({ status: 'succeeded', attempts: 2, result: 'attempt 1 finished' });
  });

  it('a WorkflowTemplate run whole (strata runs submit --from workflowtemplate/NAME): its deadline bounds every attempt', async () => {
    await strata(['apply', join(DIR, 'wt-retried.yaml')]);
    timedOut(await submitted(['--from', 'workflowtemplate/rd-wt-retried']), 'main');
  });

  it("workflowTemplateRef: the Workflow's deadline, joined over the WorkflowTemplate's longer one, bounds every attempt", async () => {
    await strata(['apply', join(DIR, 'wt-long.yaml')]);
    timedOut(await svc.runToEnd(read('wf-ref-retried.yaml')), 'main');
  });

  it("a native flow's spec.deadline (strata apply, runs submit --use) bounds every attempt of its leaf root", async () => {
    await strata(['apply', join(DIR, 'native-retried.flow.yaml')]);
    timedOut(await submitted(['--use', 'rd-native-retried']), 'work');
  });

  it("a used flow's spec.deadline bounds its unit from the unit's start, every attempt, at both levels (strata apply --run)", async () => {
    const out = await strata(['apply', join(DIR, 'native-units.flow.yaml'), '--run']);
    const r = await svc.waitRun(/run (\S+) started/.exec(out)![1], 90_000);
    expect(r.status, JSON.stringify(r.steps)).toBe('failed');
    for (const step of ['outer/work', 'box/work']) expect(r.steps[step], step).toMatchObject({ status: 'failed', error: `step ${step} timed out after 3s` });
    expect(r.steps.box.status).toBe('failed');
  });
});

describe('a deadline that is not a number of seconds from 1 to a week is refused naming its place', () => {
  const flow = parse(read('native-retried.flow.yaml'));
  const workflow = parse(read('retried-entry.yaml'));
  const cases: Array<{ what: string; value: unknown }> = [
    { what: 'negative', value: -5 },
    { what: 'zero (it would end the run at once)', value: 0 },
    { what: 'past a week', value: 1e12 },
    { what: 'text', value: 'soon' },
    { what: 'an expression', value: { var: 'params.d' } },
    { what: 'a tag', value: '{{workflow.parameters.d}}' },
  ];

  it.each(cases)("POST /v1/runs: a native flow's spec.deadline $what (400)", async ({ value }) => {
    const r = await svc.call('POST', '/v1/runs', { flow: { ...flow, spec: { ...flow.spec, deadline: value } } });
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(JSON.stringify(r.body)).toContain('spec.deadline');
  });

  it.each(cases)("POST /v1/runs: a Workflow's spec.activeDeadlineSeconds $what (400)", async ({ value }) => {
    const r = await svc.call('POST', '/v1/runs', { ...workflow, spec: { ...workflow.spec, activeDeadlineSeconds: value } });
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(JSON.stringify(r.body)).toContain('spec.activeDeadlineSeconds');
  });

  it.each(cases)("POST /v1/runs: a template's activeDeadlineSeconds $what (400)", async ({ value }) => {
    const templates = workflow.spec.templates.map((t: Record<string, unknown>, i: number) => (i === 0 ? { ...t, activeDeadlineSeconds: value } : t));
    const r = await svc.call('POST', '/v1/runs', { ...workflow, spec: { ...workflow.spec, templates } });
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    // A tag is read as the workflow's parameter (S14), which this Workflow lacks: named by the template's field.
    expect(JSON.stringify(r.body)).toMatch(/spec\.templates\[0\]\(main\)\.activeDeadlineSeconds|template main, activeDeadlineSeconds/);
  });

  it('strata apply of a flow whose spec.deadline is text: exit 2 naming the field; a Workflow with a templated one runs (S14, strata runs submit)', async () => {
    const applied = await runStrata(['apply', join(DIR, 'native-text-deadline.flow.yaml')], env);
    expect(applied.code, applied.stdout + applied.stderr).toBe(2);
    expect(applied.stderr).toContain('spec.deadline: must be a number of seconds');
    const submittedArgo = await runStrata(['runs', 'submit', join(DIR, 'templated-deadline.yaml')], env);
    expect(submittedArgo.code, submittedArgo.stdout + submittedArgo.stderr).toBe(0);
    const run = await svc.waitRun(/run (\S+) submitted/.exec(submittedArgo.stdout)![1], 60_000);
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
  });
});
