/**
 * Issue 12: a WorkflowTemplate applied without an entrypoint (a library of templates) runs
 * from a later Workflow's `workflowTemplateRef` that names the entrypoint, as in Argo, whose
 * Workflow takes its entrypoint from its own spec joined over the WorkflowTemplate's
 * (workflow/util/merge.go JoinWorkflowSpec; the WorkflowTemplate needs none: validate.go
 * ValidateWorkflowTemplate allows a missing entrypoint). The WorkflowTemplate's arguments are
 * joined under the Workflow's. A Workflow naming no entrypoint is refused saying so, and one
 * naming a template the library lacks names it. Through the real stack: `strata apply` and
 * `strata runs submit` as processes, POST /v1/runs, the local runtime.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { submitRefused } from '../support/argo-refused.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const env = cliEnv(svc);
const { dir: DIR, read } = argoFixtures('wft-no-entry');

describe('a WorkflowTemplate applied without an entrypoint runs from a later workflowTemplateRef naming one (issue 12)', { timeout: 90_000 }, () => {
  it('strata apply of the library, then strata runs submit of the Workflow (processes): the library\'s arguments under the Workflow\'s', async () => {
    const applied = await runStrata(['apply', join(DIR, 'library.yaml')], env);
    expect(applied.code, applied.stderr).toBe(0);
    const sub = await runStrata(['runs', 'submit', join(DIR, 'caller.yaml')], env);
    expect(sub.code, sub.stderr).toBe(0);
    const r = await svc.waitRun(/run (\S+) submitted/.exec(sub.stdout)![1], 60_000);
    expect(r.status, r.error ?? JSON.stringify(r.steps).slice(0, 3000)).toBe('succeeded');
    expect(r.steps.say.result).toBe('hello from the library, caller');
  });

  it('POST /v1/runs: the same, from another template of the library, with the Workflow\'s greeting', async () => {
    const doc = read('caller.yaml').replace('entrypoint: main', 'entrypoint: say').replace('      - name: who\n', '      - name: greeting\n        value: hi\n      - name: who\n');
    const r = await svc.runToEnd(doc);
    expect(r.status, r.error ?? JSON.stringify(r.steps).slice(0, 3000)).toBe('succeeded');
    expect(Object.values(r.steps).map((s) => s.result)).toContain('hi, caller');
  });

  it('strata runs submit --from workflowtemplate/W --entrypoint T (a process), as argo submit makes the Workflow', async () => {
    const sub = await runStrata(['runs', 'submit', '--from', 'workflowtemplate/greeting-library', '--entrypoint', 'say', '-p', 'who=cli'], env);
    expect(sub.code, sub.stderr).toBe(0);
    const r = await svc.waitRun(/run (\S+) submitted/.exec(sub.stdout)![1], 60_000);
    expect(r.status, r.error ?? JSON.stringify(r.steps).slice(0, 3000)).toBe('succeeded');
    expect(Object.values(r.steps).map((s) => s.result)).toContain('hello from the library, cli');
  });

  it('a Workflow naming no entrypoint, or a template the library lacks, is refused saying so (exit 2, 400)', async () => {
    const none = await submitRefused(env, read('caller.yaml').replace('  entrypoint: main\n', ''));
    expect(none).toContain('no WorkflowTemplate greeting-library is given or registered with an entrypoint, and the Workflow names none (spec.entrypoint)');
    // A tester's pass: naming a template the registered library lacks said no WorkflowTemplate was registered.
    const nope = read('caller.yaml').replace('entrypoint: main', 'entrypoint: nope');
    const lacks = /WorkflowTemplate greeting-library is registered without an entrypoint and has no template nope, the Workflow's spec\.entrypoint \(its templates' flows: greeting-library\.main, greeting-library\.say\)/;
    const r = await svc.call('POST', '/v1/runs', nope);
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.error.message).toMatch(lacks);
    expect(r.body.error.message).not.toContain('is given or registered');
    const dir = await mkdtemp(join(tmpdir(), 'strata-wft-'));
    try {
      await writeFile(join(dir, 'nope.yaml'), nope);
      for (const args of [['runs', 'submit'], ['apply']]) {
        const p = await runStrata([...args, join(dir, 'nope.yaml')], env);
        expect(p.code, p.stdout + p.stderr).toBe(2);
        expect(p.stderr).not.toMatch(/\n\s+at /);
        expect(p.stderr).toMatch(lacks);
      }
      // strata plan reads no registered WorkflowTemplate: it says the library is not among the files, not that none is registered.
      const plan = await runStrata(['plan', join(dir, 'nope.yaml')], env);
      expect(plan.code, plan.stdout + plan.stderr).toBe(2);
      expect(plan.stderr).not.toMatch(/\n\s+at /);
      expect(plan.stderr).toContain('no WorkflowTemplate greeting-library is among the documents given (registered WorkflowTemplates are not read here');
      // Given with it, the library's missing template is named.
      const both = await runStrata(['plan', join(DIR, 'library.yaml'), join(dir, 'nope.yaml')], env);
      expect(both.code, both.stdout + both.stderr).toBe(2);
      expect(both.stderr).toContain('nope');
      expect(both.stderr).not.toContain('is given or registered');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('strata runs submit --from workflowtemplate/W (or --use W) without --entrypoint says W has no entrypoint and names its templates (exit 2; a tester\'s pass: it said no flow was registered, exit 4)', async () => {
    for (const args of [['--from', 'workflowtemplate/greeting-library'], ['--use', 'greeting-library']]) {
      const sub = await runStrata(['runs', 'submit', ...args], env);
      expect(sub.code, sub.stdout + sub.stderr).toBe(2);
      expect(sub.stderr).not.toMatch(/\n\s+at /);
      expect(sub.stderr).toMatch(/WorkflowTemplate greeting-library was applied without an entrypoint, so it has no flow of its own to run \(its templates' flows: greeting-library\.\S+(, greeting-library\.\S+)*\): give --from workflowtemplate\/greeting-library --entrypoint TEMPLATE/);
    }
  });
});
