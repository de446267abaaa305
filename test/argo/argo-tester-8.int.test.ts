/**
 * Argo tester 8 (S11, S15, S19, R16, S4, S17, S18, S7), through the real stack: the `strata`
 * CLI as processes and real HTTP on a real strata (Redis, coordinator, worker, the local
 * runtime), each checked by what ran or by the refusal's words and place.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { cliEnv, stepStatuses, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const DIR = argoFixtures('tester-8').dir;
const file = (n: string) => join(DIR, n);
const text = (n: string) => readFileSync(file(n), 'utf8');

const svc = useRunService();
const env = cliEnv(svc);

describe('S11: an empty when runs the step, an empty depends is no dependencies', () => {
  it('steps: a when empty once substituted (a parameter, two, an input default) or written empty runs; "false" skips (HTTP)', async () => {
    const r = await svc.runToEnd(text('when-empty-steps.yaml'));
    expect(stepStatuses(r, ['param-empty', 'literal-empty', 'two-empty', 'param-false', 'gated/input-empty'])).toEqual({
      'param-empty': 'succeeded',
      'literal-empty': 'succeeded',
      'two-empty': 'succeeded',
      'param-false': 'skipped',
      'gated/input-empty': 'succeeded',
    });
    expect(r.status).toBe('succeeded');
  });

  it('steps: the parameter given "false" with -p skips the step, "" runs it (CLI runs submit)', async () => {
    for (const [flag, want] of [['false', 'skipped'], ['', 'succeeded']]) {
      const sub = await runStrata(['runs', 'submit', file('when-empty-steps.yaml'), '-p', `flag=${flag}`], env);
      expect(sub.code, sub.stderr).toBe(0);
      const r = await svc.waitRun(/run (\S+) submitted/.exec(sub.stdout)![1], 60_000);
      expect(r.steps['param-empty'].status).toBe(want);
    }
  });

  it('DAG: depends "" is a root (or the task\'s dependencies), an empty result or parameter in when runs the task (CLI import argo, HTTP run)', async () => {
    const imp = await runStrata(['import', 'argo', file('when-empty-dag.yaml')], env);
    expect(imp.code, imp.stderr).toBe(0);
    const nodes = (parse(imp.stdout) as { spec: { root: { graph: { nodes: Record<string, { dependsOn?: unknown; depends?: unknown }> } } } }).spec.root.graph.nodes;
    expect(nodes.A.dependsOn ?? nodes.A.depends).toBeUndefined();
    expect(JSON.stringify(nodes.C.dependsOn ?? nodes.C.depends)).toContain('A');
    const r = await svc.runToEnd(text('when-empty-dag.yaml'));
    expect(stepStatuses(r, ['A', 'B', 'C', 'D'])).toEqual({ A: 'succeeded', B: 'succeeded', C: 'succeeded', D: 'succeeded' });
  });
});

/** The refusal of `name` by `strata import argo` (exit 2, its stderr) and by POST /v1/runs (400, its problems), nothing stored. */
async function refused(name: string): Promise<{ stderr: string; problems: Array<{ path: string; message: string }> }> {
  const imp = await runStrata(['import', 'argo', file(name)], env);
  expect(imp.code, imp.stdout).toBe(2);
  expect(imp.stderr).not.toMatch(/\n\s+at /);
  const before = (await svc.call('GET', '/v1/runs')).body.runs.length;
  const r = await svc.call('POST', '/v1/runs', text(name));
  expect(r.status, JSON.stringify(r.body)).toBe(400);
  expect((await svc.call('GET', '/v1/runs')).body.runs.length).toBe(before);
  return { stderr: imp.stderr, problems: r.body.error.details.problems };
}

describe('S15: a retryStrategy backoff is mapped whole or refused, each bad duration named by its place', () => {
  it('a backoff without duration is refused naming the template and the field, as Argo fails the node (CLI, HTTP)', async () => {
    const { stderr, problems } = await refused('backoff-no-duration.yaml');
    expect(stderr).toContain('template main, retryStrategy.backoff: no duration');
    expect(stderr).toContain('no base duration specified for retryStrategy');
    expect(problems.map((p) => p.path)).toEqual(['template main, retryStrategy.backoff']);
  });

  it('a bad duration, factor, maxDuration or cap is named by template and field, all at once (CLI, HTTP)', async () => {
    const { stderr, problems } = await refused('backoff-bad.yaml');
    expect(stderr).toContain('template soon, retryStrategy.backoff.duration: "soon" is not a number of seconds or a duration like 30s, 2m, 1h30m');
    expect(stderr).toContain('template later, retryStrategy.backoff.factor: "x" is not a number');
    expect(stderr).toContain('template later, retryStrategy.backoff.maxDuration: "later" is not a number of seconds');
    expect(stderr).toMatch(/spec\.retryStrategy\.backoff\.cap: "never" is not a number of seconds/);
    expect(problems.map((p) => p.path).sort()).toEqual([
      expect.stringMatching(/spec\.retryStrategy\.backoff\.cap$/),
      'template later, retryStrategy.backoff.factor',
      'template later, retryStrategy.backoff.maxDuration',
      'template soon, retryStrategy.backoff.duration',
    ].sort());
    expect(problems.every((p) => p.path !== '')).toBe(true);
  });

  it('a templated timeout reading a parameter the workflow lacks is refused naming the template and the field (CLI, HTTP; S14: one it has is resolved at the run, argo-templated-deadline.int.test.ts)', async () => {
    const { stderr, problems } = await refused('timeout-param.yaml');
    expect(stderr).toContain('template main, timeout: {{workflow.parameters.missing}}: the workflow has no parameter "missing"');
    expect(problems.map((p) => p.path)).toEqual(['template main, timeout']);
  });
});

describe('S19: a parameter or artifact name given twice in one list is refused, naming the place', () => {
  const places = [
    'spec.arguments.parameters[1].name',
    'spec.templates[0](main).inputs.parameters[1].name',
    'spec.templates[0](main).steps[0][0].arguments.parameters[1].name',
    'spec.templates[0](main).steps[0][0].arguments.artifacts[1].name',
    'spec.templates[1](say).inputs.artifacts[1].name',
    'spec.templates[1](say).outputs.parameters[1].name',
    'spec.templates[1](say).outputs.artifacts[1].name',
  ];
  it('the Workflow\'s arguments, a template\'s inputs and outputs, a step\'s arguments (CLI import argo, HTTP), and apply stores nothing', async () => {
    const { stderr, problems } = await refused('dup-params.yaml');
    for (const p of places) expect(stderr).toContain(`${p}: "`);
    expect(stderr).toContain('spec.arguments.parameters[1].name: "a" is not unique: [0] has the same name');
    expect(problems).toHaveLength(places.length);
    for (const place of places) expect(problems.filter((p) => p.path.endsWith(place)), place).toHaveLength(1);
    const flows = (await svc.call('GET', '/v1/flows')).body.flows.length;
    const applied = await runStrata(['apply', file('dup-params.yaml')], env);
    expect(applied.code).toBe(2);
    expect(applied.stderr).toContain('spec.templates[1](say).outputs.parameters[1].name: "o" is not unique');
    expect((await svc.call('GET', '/v1/flows')).body.flows.length).toBe(flows);
  });
});

describe('S7: the step after one a deadline stopped names it and says why', () => {
  it('never: not started, step long was stopped by the run\'s deadline (HTTP)', async () => {
    const r = await svc.runToEnd(text('deadline-next.yaml'));
    expect(r.steps.long.status).toBe('cancelled');
    expect(r.steps.never.status).toBe('skipped');
    expect(r.steps.never.error).not.toContain('step  ');
    expect(r.steps.never.error).toMatch(/^not started: step long was stopped: the run timed out after 2s/);
  });
});

describe('S4: a null parameter over HTTP is no value, as value: ~ is', () => {
  it('params {p: null} takes the Workflow\'s value; {q: null} for a required parameter is refused naming it, nothing stored', async () => {
    const flow = parse(text('null-param.yaml'));
    const r = await svc.runToEnd({ flow, params: { p: null, q: 'given' } });
    expect(r.status).toBe('succeeded');
    expect(r.steps.main.result).toBe('plain given');
    const before = (await svc.call('GET', '/v1/runs')).body.runs.length;
    const bad = await svc.call('POST', '/v1/runs', { flow, params: { q: null } });
    expect(bad.status, JSON.stringify(bad.body)).toBe(400);
    expect(bad.body.error.message).toContain('"q"');
    expect((await svc.call('GET', '/v1/runs')).body.runs.length).toBe(before);
  });
});

describe('R16: a templateRef call leaving out a required input is refused at submit', () => {
  it('names the template, step and input: runs submit, plan (the WorkflowTemplate registered, or given beside), HTTP; nothing stored', async () => {
    const applied = await runStrata(['apply', file('ref-lib.yaml')], env);
    expect(applied.code, applied.stderr).toBe(0);
    const want = /template main, step b: templateRef t8-ref-lib\/say needs input parameter "m"/;
    const runs = (await svc.call('GET', '/v1/runs')).body.runs.length;
    const sub = await runStrata(['runs', 'submit', file('ref-noarg.yaml')], env);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toMatch(want);
    expect(sub.stderr).not.toContain('step a');
    const plan = await runStrata(['plan', file('ref-noarg.yaml'), file('ref-lib.yaml'), '--dry-run'], env);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toMatch(want);
    const r = await svc.call('POST', '/v1/runs', text('ref-noarg.yaml'));
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body.error).replaceAll('\\"', '"')).toMatch(want);
    expect((await svc.call('GET', '/v1/runs')).body.runs.length).toBe(runs);
  });
});

describe('S17: a step named onExit beside spec.onExit', () => {
  it('runs the step and the exit handler, each printing its own line (CLI runs submit --watch, HTTP)', async () => {
    const sub = await runStrata(['runs', 'submit', file('step-named-onexit.yaml'), '--watch'], env);
    expect(sub.code, sub.stderr).toBe(0);
    const id = /run (\S+) submitted/.exec(sub.stdout)![1];
    const logs = await runStrata(['logs', id], env);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/^onExit: step-named-onExit$/m);
    expect(logs.stdout).toMatch(/^main: step-named-main$/m);
    expect(logs.stdout).toMatch(/^onExit_: exit-handler Succeeded$/m);
    const r = await svc.runToEnd(text('step-named-onexit.yaml'));
    expect(r.status).toBe('succeeded');
    expect(stepStatuses(r, ['onExit', 'main', 'onExit_'])).toEqual({ onExit: 'succeeded', main: 'succeeded', onExit_: 'succeeded' });
  });

  it('the step named onExit failing: the handler sees Failed and the step in workflow.failures (HTTP, logs by CLI)', async () => {
    const r = await svc.runToEnd(text('step-named-onexit-fails.yaml'));
    expect(r.status).toBe('failed');
    expect(stepStatuses(r, ['onExit', 'onExit_/report'])).toEqual({ onExit: 'failed', 'onExit_/report': 'succeeded' });
    const logs = await runStrata(['logs', r.id, 'onExit_/report'], env);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('status=Failed failures=[{"step":"onExit","error":"exited with code 3","exitCode":3}]');
  });
});
