/**
 * A templateRef inside a WorkflowTemplate means the referenced WorkflowTemplate as applied
 * last when a run starts, however deep (Argo tester 5, P2): Argo resolves every templateRef
 * when the workflow runs (templateresolution GetTemplateFromRef). Through the `strata` CLI
 * and POST /v1/runs against a real strata (real Redis, local runtime): a WorkflowTemplate
 * applied before the one it calls was edited runs the edit, with the workflow parameters the
 * edit reads passed down; the run's plan names the versions it ran, and resubmit keeps them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunView } from '../../src/run/run-view.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const FIXTURES = argoFixtures('template-latest').dir;
const fixture = (name: string): string => join(FIXTURES, name);

const svc = useRunService();
const env = cliEnv(svc);

/** `strata ARGS` against the test's strata; fails the test unless it exits 0. */
async function strata(...args: string[]): Promise<string> {
  const r = await runStrata(args, env);
  expect(r.code, `strata ${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
  return r.stdout;
}

/** Submit a fixture with the CLI and wait for the run's end. */
async function submit(name: string): Promise<RunView> {
  const out = await strata('runs', 'submit', fixture(name));
  return svc.waitRun(/run (\S+) submitted/.exec(out)![1], 90_000);
}

/** Each step's result, by step id, of a run that must have succeeded. */
function results(run: RunView): Record<string, unknown> {
  expect(run.status, run.error ?? JSON.stringify(run.steps)).toBe('succeeded');
  return Object.fromEntries(Object.entries(run.steps).filter(([, s]) => s.result !== undefined).map(([id, s]) => [id, s.result]));
}

/** Every `use` unit's ref in a run's plan, at any depth. */
async function unitRefs(runId: string): Promise<string[]> {
  const plan = (await svc.call('GET', `/v1/runs/${runId}/plan`)).body;
  const out: string[] = [];
  const walk = (g: { nodes?: Array<{ attributes?: { ref?: string; plan?: unknown } }> }) => {
    for (const n of g.nodes ?? []) {
      if (n.attributes?.ref) out.push(n.attributes.ref);
      if (n.attributes?.plan) walk(n.attributes.plan as never);
    }
  };
  walk(plan.graph);
  return out.sort();
}

const latest = async (name: string): Promise<string> => (await svc.call('GET', `/v1/flows/${name}`)).body.latest;

describe('a templateRef inside a WorkflowTemplate runs the referenced WorkflowTemplate applied last (P2)', { timeout: 240_000 }, () => {
  it('reaches the edit through tl-mid (templateRef and workflowTemplateRef), with the parameters it reads; the plan names the versions; resubmit keeps them', async () => {
    await strata('apply', fixture('leaf.yaml'));
    await strata('apply', fixture('mid.yaml'));
    const v1 = await latest('tl-leaf.leaf');
    expect(results(await submit('caller.yaml'))).toMatchObject({ 'via-mid/c/main': 'leaf v1 env=prod', 'direct/main': 'leaf v1 env=prod' });
    expect(results(await submit('caller-no-tier.yaml'))).toMatchObject({ 'via-mid/c/main': 'leaf v1 env=prod' });

    await strata('apply', fixture('leaf-edited.yaml'));
    const v2 = await latest('tl-leaf.leaf');
    expect(v2).not.toBe(v1);

    // The CLI's submit: tl-mid (applied before the edit) reaches the edit, as the direct call does.
    const edited = await submit('caller.yaml');
    expect(results(edited)).toMatchObject({ 'via-mid/c/main': 'leaf v2 env=prod tier=gold', 'direct/main': 'leaf v2 env=prod tier=gold' });
    expect(await unitRefs(edited.id)).toEqual([`tl-leaf.leaf@${v2}`, `tl-leaf.leaf@${v2}`, `tl-mid.mid@${await latest('tl-mid.mid')}`].sort());

    // POST /v1/runs of a Workflow running tl-mid whole: its arguments (tier from the WorkflowTemplate) reach the edit.
    const whole = await svc.runToEnd(readFileSync(fixture('whole.yaml'), 'utf8'));
    expect(results(whole)).toMatchObject({ 'c/main': 'leaf v2 env=staging tier=silver' });

    // A Workflow without the parameter the edit now reads is refused, naming it, as Argo refuses it.
    const refused = await runStrata(['runs', 'submit', fixture('caller-no-tier.yaml')], env);
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stderr).toContain('Workflow tl-no-tier, step via-mid: templateRef tl-mid/mid reads {{workflow.parameters.tier}}');
    expect(refused.stderr).toContain('has no parameter "tier"');

    // Applying the first version again makes it the one meant again, through tl-mid too.
    await strata('apply', fixture('leaf.yaml'));
    expect(results(await submit('caller.yaml'))).toMatchObject({ 'via-mid/c/main': 'leaf v1 env=prod', 'direct/main': 'leaf v1 env=prod' });

    // A resubmit runs the versions its run recorded, not the ones applied since.
    const again = await svc.call('POST', `/v1/runs/${edited.id}/resubmit`);
    expect(again.status, JSON.stringify(again.body)).toBeLessThan(300);
    const resubmitted = await svc.waitRun(again.body.runId, 90_000);
    expect(results(resubmitted)).toMatchObject({ 'via-mid/c/main': 'leaf v2 env=prod tier=gold' });
    expect(await unitRefs(resubmitted.id)).toContain(`tl-leaf.leaf@${v2}`);
  });
});
