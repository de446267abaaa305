/**
 * Argo tester 8, S5's rest: `{{steps.X.exitCode}}` / `{{tasks.X.exitCode}}` (the program's
 * exit code, as text in Argo), `{{workflow.parameters.json}}` (Argo's JSON list of the
 * workflow's parameters) and `{{workflow.mainEntrypoint}}`, mapped. Through the real stack:
 * `strata import argo`, `strata apply` and `strata runs submit` as processes, POST /v1/runs,
 * the local runtime; the flow language's `{{ steps.X.exitCode }}` and json-logic `exitCode`
 * at both levels (macro and inside a pod).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LEVELS } from '../support/levels.ts';
import { runAtLevel } from '../support/level-runs.ts';
import { EXIT_CODE_STATUSES, exitCodeRoot } from '../support/exit-code-flow.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, stepStatuses, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const DIR = argoFixtures('s5-globals').dir;
const file = (n: string) => join(DIR, n);
const text = (n: string) => readFileSync(file(n), 'utf8');

const svc = useRunService();
const env = cliEnv(svc);

type Steps = Record<string, { status: string; result?: unknown; error?: string }>;

/** `strata apply FILE` (args after it), then the run it started, to its end. */
async function applied(name: string, ...args: string[]) {
  const p = await runStrata(['apply', file(name), ...args], env);
  expect(p.code, p.stderr).toBe(0);
  const id = /run (\S+) started/.exec(p.stdout)![1];
  return svc.waitRun(id, 60_000);
}

describe('S5: {{steps.X.exitCode}} and {{tasks.X.exitCode}}', () => {
  it('steps: a later step reads a failed and a succeeded step\'s exit code in arguments, a govaluate and an expression when (HTTP)', async () => {
    const r = await svc.runToEnd(text('exit-code-steps.yaml'));
    const steps = r.steps as Steps;
    expect(steps.show.result).toBe('f=3 ok=0');
    expect(steps['direct/inner-show'].result).toBe('inner=3');
    expect(stepStatuses({ steps: steps }, ['f', 'ok', 'when-3', 'when-expr', 'when-not'])).toEqual({ f: 'failed', ok: 'succeeded', 'when-3': 'succeeded', 'when-expr': 'succeeded', 'when-not': 'skipped' });
    expect(r.status).toBe('succeeded');
  });

  it('strata import argo writes it as substitution and json-logic (CLI)', async () => {
    const imp = await runStrata(['import', 'argo', file('exit-code-steps.yaml')], env);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toContain('{{ steps.f.exitCode }}');
    expect(imp.stdout).toContain('exitCode: f');
  });

  it('DAG: a templateRef container\'s and a script\'s exit code, in arguments and a when (CLI apply)', async () => {
    const r = await applied('exit-code-dag.yaml');
    const steps = r.steps as Steps;
    expect(stepStatuses({ steps: steps }, ['A', 'S', 'B', 'C']), JSON.stringify(steps)).toEqual({ A: 'failed', S: 'succeeded', B: 'succeeded', C: 'succeeded' });
    expect(steps.B.result).toBe('A=7 S=0');
  });

  it('a steps template\'s or a loop\'s exit code is refused naming the template, the step and the tag, all at once (CLI import argo, HTTP 400)', async () => {
    const imp = await runStrata(['import', 'argo', file('exit-code-refused.yaml')], env);
    expect(imp.code).toBe(2);
    expect(imp.stderr).toContain('template main, step a, when: {{steps.inner.exitCode}}: step inner has no exit code (only container and script templates do');
    expect(imp.stderr).toContain('template main, step b, when: {{steps.loop.exitCode}}: step loop is a loop, whose items each have an exit code');
    const before = (await svc.call('GET', '/v1/runs')).body.runs.length;
    const r = await svc.call('POST', '/v1/runs', text('exit-code-refused.yaml'));
    expect(r.status).toBe(400);
    expect(r.body.error.details.problems.map((p: { path: string }) => p.path)).toEqual(['template main, step a, when', 'template main, step b, when']);
    expect((await svc.call('GET', '/v1/runs')).body.runs.length).toBe(before);
  });
});

describe('S5: {{workflow.parameters.json}} and {{workflow.mainEntrypoint}}', () => {
  it('the parameters as Argo\'s JSON list, the entrypoint\'s name, in a step, an expression when and a templateRef template (CLI apply)', async () => {
    const r = await applied('globals-json.yaml');
    const steps = r.steps as Steps;
    const json = [{ name: 'should-print', value: 'true' }, { name: 'say', value: 'he said "hi"' }];
    expect(steps.json.result).toEqual(json);
    expect(steps.entry.result).toBe('entry=start');
    expect(steps.printed.status).toBe('succeeded');
    expect(steps.lib.result).toBe(`lib start ${JSON.stringify(json)}`);
  });

  it('-p values are in it, and a when reading it decides by them (CLI runs submit)', async () => {
    const sub = await runStrata(['runs', 'submit', file('globals-json.yaml'), '-p', 'should-print=false', '-p', 'say=a\\b'], env);
    expect(sub.code, sub.stderr).toBe(0);
    const r = await svc.waitRun(/run (\S+) submitted/.exec(sub.stdout)![1], 60_000);
    const steps = r.steps as Steps;
    expect(steps.json.result).toEqual([{ name: 'should-print', value: 'false' }, { name: 'say', value: 'a\\b' }]);
    expect(steps.printed.status).toBe('skipped');
  });
});

describe.each(LEVELS)('the flow language\'s exit code ($name)', (level) => {
  it('{{ steps.X.exitCode }} in args and json-logic exitCode in a when read a failed and a succeeded step\'s program', async () => {
    const root = exitCodeRoot(4);
    const { run, steps } = await runAtLevel(svc, level, root);
    expect(stepStatuses({ steps: steps as Steps }, Object.keys(EXIT_CODE_STATUSES)), JSON.stringify(steps)).toEqual(EXIT_CODE_STATUSES);
    expect(steps.show.result).toBe('f=4 ok=0');
    expect(run.status).toBe('succeeded');
  });
});
