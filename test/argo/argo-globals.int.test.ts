/**
 * `{{workflow.parameters.x}}` in a template reached by `templateRef` is the calling
 * Workflow's parameter, as in Argo (issue 12, Argo tester 3, N22): the WorkflowTemplate's
 * own `spec.arguments` count only when it runs whole (`workflowTemplateRef`), merged under
 * the Workflow's. Through the real stack: the WorkflowTemplates applied with `strata apply`,
 * each Workflow sent as it is to `POST /v1/runs` and run on the local runtime.
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
const { dir: DIR, read } = argoFixtures('tester-3');
const results = (r: RunView, ids: string[]): Record<string, unknown> => Object.fromEntries(ids.map((id) => [id, r.steps[id]?.result ?? r.steps[id]?.status ?? 'absent']));

beforeAll(async () => {
  const out = await runStrata(['apply', join(DIR, 'wt-globals-lib.yaml')], env);
  expect(out.code, out.stdout + out.stderr).toBe(0);
});

describe('a templateRef template reads the calling Workflow\'s parameters (N22)', () => {
  it('templateRef, nested templateRefs (the same and another WorkflowTemplate) and an input of the same name', async () => {
    const r = await svc.runToEnd(read('wt-globals-uses.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(results(r, ['d', 'n/again', 'n/tag', 'n/own'])).toEqual({
      d: 'deploying to prod',
      'n/again': 'deploying to prod',
      'n/tag': 'region us',
      'n/own': 'input from-the-step, global prod',
    });
  });

  it('workflowTemplateRef: the WorkflowTemplate\'s arguments with the Workflow\'s on top are the parameters of every template it reaches', async () => {
    const r = await svc.runToEnd(read('wt-globals-whole.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(results(r, ['d', 'n/again', 'n/tag', 'n/own'])).toEqual({
      d: 'deploying to staging',
      'n/again': 'deploying to staging',
      'n/tag': 'region eu',
      'n/own': 'input input-env, global staging',
    });
  });

  it('a Workflow without a parameter a referenced template reads is refused (400), naming it, as Argo fails to resolve it', async () => {
    const r = await svc.call('POST', '/v1/runs', read('wt-globals-missing.yaml'));
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    const text = JSON.stringify(r.body);
    expect(text).toContain('template main, step n');
    expect(text).toContain('{{workflow.parameters.region}}');
    expect(text).not.toContain('workflow.parameters.env}}');
  });

  it('a template calling itself reads the Workflow\'s parameters at every depth', async () => {
    const r = await svc.runToEnd(read('recursion-globals.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(results(r, ['say', 'again/say', 'again/again/say'])).toEqual({ say: 'tick 0', 'again/say': 'tick 1', 'again/again/say': 'tick 2' });
  });

  it('strata import argo: the unit takes the caller\'s value, not the WorkflowTemplate\'s default', async () => {
    const out = await runStrata(['import', 'argo', join(DIR, 'wt-globals-lib.yaml'), join(DIR, 'wt-globals-uses.yaml'), '-o', 'json']);
    expect(out.code, out.stderr).toBe(0);
    const flows = JSON.parse(out.stdout) as Array<{ metadata: { name: string }; spec: { params?: Record<string, unknown>; root: { graph?: { nodes: Record<string, { with?: unknown }> } } } }>;
    const deploy = flows.find((f) => f.metadata.name === 't3-globals.deploy')!;
    expect(deploy.spec.params).toEqual({ 'workflow:env': null });
    const uses = flows.find((f) => f.metadata.name === 'uses-globals')!;
    expect(uses.spec.root.graph!.nodes.d.with).toEqual({ 'workflow:env': { var: 'params.env' } });
  });
});

describe('-p as argo submit applies it: every given parameter is one of the Workflow\'s arguments (Argo tester 5, P1)', () => {
  it('POST /v1/runs { flow, params } under workflowTemplateRef: a parameter the Workflow does not list goes over the WorkflowTemplate\'s', async () => {
    const r = await svc.runToEnd({ flow: parse(read('wt-globals-whole.yaml')), params: { env: 'qa', region: 'sa' } });
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(results(r, ['d', 'n/tag'])).toEqual({ d: 'deploying to qa', 'n/tag': 'region sa' });
  });

  it('POST /v1/runs { flow, params }: a Workflow that does not list a parameter its templateRef reads runs with the given one', async () => {
    const r = await svc.runToEnd({ flow: parse(read('wt-globals-missing.yaml')), params: { region: 'us' } });
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(results(r, ['n/tag', 'n/again'])).toEqual({ 'n/tag': 'region us', 'n/again': 'deploying to prod' });
  });

  it('strata runs submit -p and strata plan -p: the same', async () => {
    const out = await runStrata(['runs', 'submit', join(DIR, 'wt-globals-whole.yaml'), '-p', 'region=sa'], env);
    expect(out.code, out.stdout + out.stderr).toBe(0);
    const r = await svc.waitRun(/run (\S+) submitted/.exec(out.stdout)![1], 90_000);
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(results(r, ['d', 'n/tag'])).toEqual({ d: 'deploying to staging', 'n/tag': 'region sa' });
    const plan = await runStrata(['plan', join(DIR, 'wt-globals-lib.yaml'), join(DIR, 'wt-globals-missing.yaml'), '-p', 'region=us']);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    const refused = await runStrata(['plan', join(DIR, 'wt-globals-lib.yaml'), join(DIR, 'wt-globals-missing.yaml')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('{{workflow.parameters.region}}');
  });
});
