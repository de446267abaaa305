/**
 * An exit handler that calls a WorkflowTemplate's template by `templateRef`, the
 * WorkflowTemplate given in the same file (Argo tester 6, Q7): Argo resolves a templateRef in
 * `onExit` as anywhere else (workflow/controller/operator.go runOnExitNode -> executeTemplate
 * with the workflow's template context). The flows a flow's `spec.onExit` uses were not
 * loaded with the ones its root uses, so the handler's unit was "no registered flow" (said as
 * "a template calling itself"). Through the real stack: `strata import argo`, `strata plan`,
 * `strata apply` and `strata runs submit` as processes against a served strata, run on the
 * local runtime; both levels: a Workflow's own handler, and a WorkflowTemplate's handler run
 * by `workflowTemplateRef`.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const env = cliEnv(svc);
const { dir: DIR } = argoFixtures('exit-templateref');

/** The id of the run `strata runs submit`/`apply` printed. */
const runId = (stdout: string): string => /run (\S+) (submitted|started)/.exec(stdout)![1];

describe('an exit handler calling a WorkflowTemplate given in the same file (Q7)', () => {
  it('strata import argo and strata plan take it', async () => {
    for (const args of [['import', 'argo'], ['plan', '--dry-run']]) {
      const out = await runStrata([...args, join(DIR, 'wt-and-wf.yaml')]);
      expect(out.code, out.stdout + out.stderr).toBe(0);
      expect(out.stderr).not.toContain('no registered flow');
    }
  });

  it('strata runs submit runs it: the handler\'s templateRef step runs', async () => {
    const out = await runStrata(['runs', 'submit', join(DIR, 'wt-and-wf.yaml')], env);
    expect(out.code, out.stdout + out.stderr).toBe(0);
    const r = await svc.waitRun(runId(out.stdout), 90_000);
    expect(r.status, r.error ?? JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps.main.result).toBe('worked');
    expect(r.steps['main/onExit/notify/main'].result).toBe('to #builds: notified');
  });

  it('strata apply of the same file takes it (exit 0)', async () => {
    const out = await runStrata(['apply', join(DIR, 'wt-and-wf.yaml')], env);
    expect(out.code, out.stdout + out.stderr).toBe(0);
  });

  it('the other level: a WorkflowTemplate\'s own exit handler calling another\'s template, run by workflowTemplateRef', async () => {
    const plan = await runStrata(['import', 'argo', join(DIR, 'wt-exit-ref.yaml')]);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    const out = await runStrata(['runs', 'submit', join(DIR, 'wt-exit-ref.yaml')], env);
    expect(out.code, out.stdout + out.stderr).toBe(0);
    const r = await svc.waitRun(runId(out.stdout), 90_000);
    expect(r.status, r.error ?? JSON.stringify(r.steps)).toBe('succeeded');
    const results = Object.values(r.steps).map((s) => s.result);
    expect(results).toContain('pipeline worked');
    expect(results).toContain('lib notified');
  });
});
