/**
 * Argo tester 8, S11's rest: an expression `when` (`{{= ... }}`) is read as Argo reads it,
 * the expression's value as text (expressionReplace, fmt.Sprintf("%v")) and that text as a
 * `when` (steps.go / dag.go shouldExecute): empty runs the step, `false` skips it, a word
 * that is no boolean fails it. Through the real stack: `strata import argo` and `strata runs
 * submit` as processes, POST /v1/runs, the local runtime.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { cliEnv, stepStatuses, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const DIR = argoFixtures('s11-expr').dir;
const file = (n: string) => join(DIR, n);
const text = (n: string) => readFileSync(file(n), 'utf8');

const svc = useRunService();
const env = cliEnv(svc);

describe('S11: an expression when that gives "" runs the step, as an empty govaluate when does', () => {
  it('steps: "" (a parameter, an input default) runs; the text "false" skips, "true" runs; a comparison decides (HTTP)', async () => {
    const r = await svc.runToEnd(text('when-expr-empty-steps.yaml'));
    expect(stepStatuses(r, ['expr-empty', 'expr-false-text', 'expr-true-text', 'expr-compare', 'expr-compare-false', 'gated/input-empty'])).toEqual({
      'expr-empty': 'succeeded',
      'expr-false-text': 'skipped',
      'expr-true-text': 'succeeded',
      'expr-compare': 'succeeded',
      'expr-compare-false': 'skipped',
      'gated/input-empty': 'succeeded',
    });
    expect(r.status).toBe('succeeded');
  });

  it('steps: -p flag=false skips the step, -p flag= runs it (CLI runs submit)', async () => {
    for (const [flag, want] of [['false', 'skipped'], ['', 'succeeded']]) {
      const sub = await runStrata(['runs', 'submit', file('when-expr-empty-steps.yaml'), '-p', `flag=${flag}`], env);
      expect(sub.code, sub.stderr).toBe(0);
      const r = await svc.waitRun(/run (\S+) submitted/.exec(sub.stdout)![1], 60_000);
      expect(r.steps['expr-empty'].status).toBe(want);
    }
  });

  it('DAG: an empty result runs the task, "false" skips it, a word that is no boolean fails it, named (CLI import argo, HTTP)', async () => {
    const imp = await runStrata(['import', 'argo', file('when-expr-empty-dag.yaml')], env);
    expect(imp.code, imp.stderr).toBe(0);
    const r = await svc.runToEnd(text('when-expr-empty-dag.yaml'));
    expect(stepStatuses(r, ['A', 'B', 'F', 'C', 'W', 'D']), JSON.stringify(r.steps)).toEqual({ A: 'succeeded', B: 'succeeded', F: 'succeeded', C: 'skipped', W: 'succeeded', D: 'failed' });
    const d = (r.steps as Record<string, { error?: string }>).D.error ?? '';
    expect(d).toContain('template main, step D, when: expression "tasks.W.outputs.result"');
    expect(d).toContain('"maybe", not a boolean');
  });
});
