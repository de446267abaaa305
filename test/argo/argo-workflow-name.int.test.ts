/**
 * `{{workflow.name}}` has one value in a run, at every level (Argo tester 6, Q20): in Argo a
 * template reached by `templateRef` runs inside the calling Workflow and reads its
 * `metadata.name` (workflow/controller/operator.go setGlobalParameters). strata gave a
 * Workflow's own templates `<generateName><run id>` and a templateRef template `<run id>`.
 * Through the real stack: WorkflowTemplates registered with `strata apply`, Workflows sent
 * to POST /v1/runs and `strata runs submit`, run on the local runtime.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunView } from '../../src/run/run-view.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const env = cliEnv(svc);
const { dir: DIR, read } = argoFixtures('workflow-name');

/** The name each printing step gave (`own X`, `lib X`, `inner X`, `pod X` -> X), by its first word, of a run that succeeded. */
function names(r: RunView): Record<string, string> {
  expect(r.status, r.error ?? JSON.stringify(r.steps)).toBe('succeeded');
  const out: Record<string, string> = {};
  for (const s of Object.values(r.steps)) {
    const m = typeof s.result === 'string' ? /^(own|lib|inner|pod) (.+)$/.exec(s.result) : null;
    if (m) out[m[1]] = m[2];
  }
  return out;
}

beforeAll(async () => {
  for (const f of ['wt-lib.yaml', 'wt-entry.yaml', 'wt-pod.yaml']) {
    const out = await runStrata(['apply', join(DIR, f)], env);
    expect(out.code, out.stdout + out.stderr).toBe(0);
  }
});

describe('{{workflow.name}} is one value in a run (Q20)', () => {
  it('POST /v1/runs, generateName: the Workflow\'s templates, a templateRef and a templateRef two deep give one name, <generateName><suffix>', async () => {
    const r = await svc.runToEnd(read('wf-generate.yaml'));
    const n = names(r);
    expect(Object.keys(n).sort()).toEqual(['inner', 'lib', 'own']);
    expect(n.own).toMatch(/^wn-gen-\S+$/);
    expect(n.lib).toBe(n.own);
    expect(n.inner).toBe(n.own);
  });

  it('strata runs submit, metadata.name: a templateRef template gives the name itself', async () => {
    const out = await runStrata(['runs', 'submit', join(DIR, 'wf-named.yaml')], env);
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(names(await svc.waitRun(/run (\S+) submitted/.exec(out.stdout)![1], 90_000))).toEqual({ own: 'wn-fixed', lib: 'wn-fixed' });
  });

  it('workflowTemplateRef: the WorkflowTemplate\'s templates and its templateRefs give the Workflow\'s name', async () => {
    const n = names(await svc.runToEnd(read('wf-ref-entry.yaml')));
    expect(n.own).toMatch(/^wn-whole-\S+$/);
    expect(n.lib).toBe(n.own);
  });

  it('a WorkflowTemplate run from its entrypoint (argo submit --from): <name>-<suffix> at both levels', async () => {
    const out = await runStrata(['runs', 'submit', join(DIR, 'wt-entry.yaml')], env);
    expect(out.code, out.stdout + out.stderr).toBe(0);
    const n = names(await svc.waitRun(/run (\S+) submitted/.exec(out.stdout)![1], 90_000));
    expect(n.own).toMatch(/^wn-entry-\S+$/);
    expect(n.lib).toBe(n.own);
  });

  it('the pod level: a container of a containerSet reached by templateRef gives the Workflow\'s name', async () => {
    const n = names(await svc.runToEnd(read('wf-pod.yaml')));
    expect(n.own).toMatch(/^wn-podrun-\S+$/);
    expect(n.pod).toBe(n.own);
  });

  it('a WorkflowTemplate template reading {{workflow.name}} in a when is refused at apply, naming it (its value names the run)', async () => {
    const out = await runStrata(['import', 'argo', join(DIR, 'wt-when-name.yaml')]);
    expect(out.code, out.stdout + out.stderr).toBe(2);
    expect(out.stderr).toContain('not to a condition');
  });
});
