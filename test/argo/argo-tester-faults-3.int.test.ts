/**
 * Faults of the last Argo tester round still open (issue 12, /work/tools/reports
 * argo-tester.md, faults 9, 11, 14, 16, 19, 22, 24): each Argo-style workflow of
 * test/fixtures/argo/faults-3 sent as it is to `POST /v1/runs` or through the `strata` CLI,
 * run on the local runtime through real HTTP, Redis, BullMQ and processes, and checked by
 * its outputs, its order or its refusal; strata's own flows beside them where the same
 * fault could be.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunView } from '../../src/run/run-view.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-argo-faults-3-');

const FAULTS = argoFixtures('faults-3').dir;
const fixture = (name: string): string => join(FAULTS, name);
const read = (name: string): string => readFileSync(fixture(name), 'utf8');

const svc = useRunService();
const env = cliEnv(svc);
let tmp: string;
beforeAll(() => {
  tmp = newTempDir();
});

const post = (name: string, query = ''): Promise<RunView> => svc.runToEnd(read(name), { query });

/** A DAG of `n` tasks, each depending on a task that does not exist. */
function unknownDependencies(n: number): Record<string, unknown> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: `unknown-${n}` },
    spec: {
      entrypoint: 'main',
      templates: [
        { name: 'main', dag: { tasks: Array.from({ length: n }, (_, i) => ({ name: `t${i}`, template: 'say', dependencies: [`ghost${i}`] })) } },
        { name: 'say', container: { image: 'alpine', command: ['echo', 'hi'] } },
      ],
    },
  };
}

describe('every problem of a document at once (fault 16)', { timeout: 120_000 }, () => {
  it('strata import argo names each unknown dependency and each missing template, not the first only', async () => {
    const r = await runStrata(['import', 'argo', fixture('every-problem.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('template main, task second: depends on "ghost", which is not a task of the dag');
    expect(r.stderr).toContain('template main, task third: depends on "phantom", which is not a task of the dag');
    expect(r.stderr).toContain('template main, step fourth: no template named "absent"');
    expect(r.stderr).toContain('template group, step inner: no template named "vanished"');
    expect(r.stderr).not.toMatch(/internal|\n\s+at /);
  });

  it('strata plan names the tasks of a DAG cycle, with the other problems', async () => {
    const r = await runStrata(['plan', fixture('dag-cycle.yaml'), '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('template main: its tasks depend on each other in a cycle: wash -> rinse -> dry -> wash');
    expect(r.stderr).toContain('template main, task fold: depends on "nobody"');
  });

  it('POST /v1/runs answers 400 with a problems list, each with its place and message, and stores nothing', async () => {
    const before = await svc.call('GET', '/v1/flows');
    const r = await svc.call('POST', '/v1/runs', read('every-problem.yaml'));
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_document');
    expect(r.body.error.details.problems).toEqual([
      { path: 'template main, task second', message: 'depends on "ghost", which is not a task of the dag' },
      { path: 'template main, task third', message: 'depends on "phantom", which is not a task of the dag' },
      { path: 'template main, step fourth', message: 'no template named "absent"' },
      { path: 'template group, step inner', message: 'no template named "vanished"' },
    ]);
    expect((await svc.call('GET', '/v1/flows')).body).toEqual(before.body);
  });

  it('a containerSet (inside a pod) names its cycle and its unknown dependency together', async () => {
    const r = await svc.call('POST', '/v1/runs', read('set-cycle.yaml'));
    expect(r.status).toBe(400);
    expect(r.body.error.details.problems).toEqual([
      { path: 'template main, container main', message: 'depends on "gone", which is not in the containerSet' },
      { path: 'template main', message: 'its containers depend on each other in a cycle: left -> right -> left' },
    ]);
  });

  it('a strata flow names its dependency cycles at both levels (graph and a pod\'s graph), with its other problems, over HTTP', async () => {
    const r = await svc.call('POST', '/v1/runs', { flow: parse(read('native-cycles.yaml')) });
    expect(r.status).toBe(400);
    const problems = r.body.error.details.problems as Array<{ path: string; message: string }>;
    expect(problems).toContainEqual({ path: 'spec.root.graph.nodes', message: 'dependency cycle a -> b -> c -> a' });
    expect(problems).toContainEqual({ path: 'spec.root.graph.nodes.e.pod.flow.graph.nodes', message: 'dependency cycle x -> y -> x' });
    expect(problems.some((p) => p.path === 'spec.root.graph.nodes.d.depends' && p.message.includes('"zz"'))).toBe(true);
  });

  it('lists at most 50 problems and says how many more, for an Argo document and a strata flow, over HTTP and in the CLI', async () => {
    const argo = await svc.call('POST', '/v1/runs', unknownDependencies(60));
    expect(argo.status).toBe(400);
    expect(argo.body.error.details.problems).toHaveLength(50);
    expect(argo.body.error.details.moreProblems).toBe(10);
    expect(argo.body.error.message).toMatch(/\n\.\.\. and 10 more problems$/);
    const nodes = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`n${i}`, { task: { image: 'alpine', command: ['true'] }, dependsOn: [`ghost${i}`] }]));
    const native = await svc.call('POST', '/v1/runs', { flow: { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'many-problems', version: '1' }, spec: { root: { graph: { nodes } } } } });
    expect(native.status).toBe(400);
    expect(native.body.error.details.problems).toHaveLength(50);
    expect(native.body.error.details.moreProblems).toBe(20);
    const file = join(tmp, 'unknown-60.json');
    writeFileSync(file, JSON.stringify(unknownDependencies(60)));
    const cli = await runStrata(['import', 'argo', file]);
    expect(cli.code).toBe(2);
    expect(cli.stderr.trim().split('\n')).toHaveLength(51);
    expect(cli.stderr.trim()).toMatch(/\.\.\. and 10 more problems$/);
  });
});

/** The run `strata runs submit ARGS` started (its id read from the CLI's output), once it ended. */
async function submitted(args: string[]): Promise<RunView> {
  const r = await runStrata(['runs', 'submit', ...args], env);
  expect(r.code, r.stderr).toBe(0);
  const id = /run (\S+) submitted/.exec(r.stdout)?.[1];
  expect(id, r.stdout).toBeDefined();
  return svc.waitRun(id!, 90_000);
}

describe('standard output kept as written (faults 11, 24)', { timeout: 120_000 }, () => {
  it('an Argo outputs.result is the output less one trailing newline, substituted as written (container, script, containerSet)', async () => {
    const run = await post('text-fidelity.yaml');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.steps.spaced.result).toBe('  padded  ');
    expect(run.steps.object.result).toBe('{"b": 2,  "a": 1}');
    expect(run.steps['blank-line'].result).toBe('x\n');
    expect(run.steps['pair/main'].result).toBe('{"k":  1}');
    expect(run.steps.all.result).toBe('[  padded  ][{"b": 2,  "a": 1}][hello][x\n][{"k":  1}]');
  });

  it('strata runs submit -p gives an Argo Workflow its value as text, as argo submit does', async () => {
    const run = await submitted([fixture('text-fidelity.yaml'), '-p', 'greeting={"a": 1}']);
    expect(run.steps.greet.result).toBe('{"a": 1}');
    expect(run.steps.all.result).toBe('[  padded  ][{"b": 2,  "a": 1}][{"a": 1}][x\n][{"k":  1}]');
  });

  it('strata plan -p gives an Argo Workflow its value as text, and a strata flow JSON where it reads as JSON', async () => {
    const argo = await runStrata(['plan', fixture('text-fidelity.yaml'), '-p', 'greeting={"a": 1}']);
    expect(argo.code, argo.stderr).toBe(0);
    expect(JSON.parse(argo.stdout).params).toMatchObject({ greeting: '{"a": 1}' });
    const native = await runStrata(['plan', fixture('native-text.yaml'), '-p', 'n=[1, 2]']);
    expect(native.code, native.stderr).toBe(0);
    expect(JSON.parse(native.stdout).params).toMatchObject({ n: [1, 2] });
  });

  it('strata\'s own result: text keeps the output as written at both levels; result: stdout trims and reads JSON', async () => {
    const r = await svc.call('POST', '/v1/runs', { flow: parse(read('native-text.yaml')) });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const run = await svc.waitRun(r.body.runId, 90_000);
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.steps.kept.result).toBe('{"b": 2,  "a": 1} ');
    expect(run.steps.trimmed.result).toEqual({ b: 2, a: 1 });
    expect(run.steps.both.result).toBe('[{"b": 2,  "a": 1} ][{"b":2,"a":1}]');
    expect(run.steps['pod/inner'].result).toBe('  spaced  ');
    expect(run.steps['pod/main'].result).toBe('[  spaced  ]');
  });
});

describe('the dry run says which steps would not run (fault 22)', { timeout: 120_000 }, () => {
  it('strata plan --dry-run of an Argo DAG lists each task a depends on an outcome leaves out, with why', async () => {
    const r = await runStrata(['plan', fixture('depends-outcomes.yaml'), '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { order: string[][]; notes?: string[] };
    // tidy waits on audit's omission, so it runs; audit is the one left out, and said.
    expect(out.order).toEqual([['fetch'], ['build'], ['ship', 'tidy']]);
    expect(out.notes).toEqual(['audit: would not run when every step succeeds: its condition on build does not hold (build succeeded)']);
  });

  it('POST /v1/plans?dryRun of a strata flow notes them in a graph and in a pod\'s graph', async () => {
    const r = await svc.call('POST', '/v1/plans?dryRun=true', parse(read('native-depends-outcomes.yaml')));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.order).toEqual([['build'], ['pod/x']]);
    expect(r.body.dryRun.notes).toEqual([
      'rescue: would not run when every step succeeds: its condition on build does not hold (build succeeded)',
      'pod/on-fail: would not run when every step succeeds: its condition on x does not hold (x succeeded)',
    ]);
  });
});

describe('graph targets read when the graph starts (fault 14, strata\'s own language)', { timeout: 120_000 }, () => {
  it('targets given by json-logic over the run\'s params, in a graph and in a pod\'s graph', async () => {
    const r = await svc.call('POST', '/v1/runs', { flow: parse(read('native-targets.yaml')), params: { pick: 'b,p' } });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const run = await svc.waitRun(r.body.runId, 90_000);
    expect(run.status, run.error ?? '').toBe('succeeded');
    const status = (ids: string[]) => Object.fromEntries(ids.map((k) => [k, run.steps[k].status]));
    expect(status(['a', 'b', 'c', 'p/x', 'p/y', 'p/z'])).toEqual({ a: 'succeeded', b: 'succeeded', c: 'skipped', 'p/x': 'succeeded', 'p/y': 'succeeded', 'p/z': 'skipped' });
  });
});

describe('optional artifacts (fault 9)', { timeout: 120_000 }, () => {
  it('an optional output artifact not written is no failure; one written is read; a required one not written fails', async () => {
    const run = await post('optional-artifacts.yaml');
    expect(run.steps['skip-it'].status, run.steps['skip-it'].error ?? '').toBe('succeeded');
    expect(run.steps['write-it'].status).toBe('succeeded');
    expect(run.steps.read.result).toBe('written');
    expect(run.steps.required).toMatchObject({ status: 'failed', error: expect.stringContaining('declared output "report" was not written') });
    expect(run.status, run.error ?? '').toBe('succeeded');
  });

  it('an optional input artifact of the entrypoint is accepted and goes without', async () => {
    const run = await post('optional-input.yaml');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.steps.main.result).toBe('no config');
  });

  it('strata\'s own optional outputs at both levels: a step and a pod\'s container end well without them', async () => {
    const r = await svc.call('POST', '/v1/runs', { flow: parse(read('native-optional.yaml')) });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const run = await svc.waitRun(r.body.runId, 90_000);
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.steps['pod/micro'].status).toBe('succeeded');
  });
});

describe('an Argo Workflow with params over HTTP (fault 19)', { timeout: 120_000 }, () => {
  const required = readFileSync(argoFixtures('faults/required-param.yaml').dir, 'utf8');

  it('a missing required parameter names the way to give it over HTTP, and that way runs the Workflow (JSON and YAML)', async () => {
    const bare = await svc.call('POST', '/v1/runs', required);
    expect(bare.status).toBe(400);
    expect(bare.body.error.message).toContain('POST /v1/runs { "flow": <the Workflow>, "params": { "side": "..." } }');
    const json = await svc.call('POST', '/v1/runs', { flow: parse(required), params: { side: 'left', greeting: '{"a": 1}' }, labels: { via: 'json' } });
    expect(json.status, JSON.stringify(json.body)).toBe(202);
    const run = await svc.waitRun(json.body.runId, 90_000);
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.steps.main.result).toBe('{"a": 1} left');
    expect(run.labels).toMatchObject({ via: 'json' });
    const yamlBody = `params: {side: right}\nflow:\n${required.split('\n').filter((l) => !l.startsWith('#')).map((l) => `  ${l}`).join('\n')}\n`;
    const yaml = await svc.call('POST', '/v1/runs', yamlBody);
    expect(yaml.status, JSON.stringify(yaml.body)).toBe(202);
    expect((await svc.waitRun(yaml.body.runId, 90_000)).steps.main.result).toBe('hello right');
  });

  it('refuses an unknown field beside the Workflow, naming it', async () => {
    const r = await svc.call('POST', '/v1/runs', { flow: parse(required), params: { side: 'x' }, parms: {} });
    expect(r.status).toBe(400);
    expect(r.body.error.details.problems).toContainEqual(expect.objectContaining({ path: 'parms' }));
  });

  it('the OpenAPI document describes Argo bodies of POST /v1/runs', async () => {
    const doc = (await svc.call('GET', '/openapi.json')).body;
    const body = doc.paths['/v1/runs'].post.requestBody.content;
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['application/json', 'application/yaml']));
    expect(JSON.stringify(body['application/json'].schema)).toContain('argoproj');
    expect(doc.paths['/v1/runs'].post.summary).toContain('Argo Workflow');
  });
});

describe('{{workflow.name}} is the Workflow\'s name', { timeout: 120_000 }, () => {
  it('metadata.name as written (in arguments and in a when); generateName with the run\'s id as its suffix', async () => {
    const named = await post('workflow-name.yaml');
    expect(named.status, named.error ?? '').toBe('succeeded');
    expect(named.steps.say.result).toBe('I am named-workflow');
    expect(named.steps['only-if-named'].status).toBe('succeeded');
    const generated = await post('workflow-generate-name.yaml');
    expect(generated.steps.main.result).toBe(`generated-${generated.id}`);
  });
});
