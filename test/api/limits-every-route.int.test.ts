/**
 * Issue 9: a plan past a configured limit is refused on every route a newcomer may take,
 * naming the limit and how to raise it, and nothing is stored: HTTP POST /v1/runs (a flow,
 * a registered flow's `use`), /v1/flows, /v1/datasets (plain and `?run=true`), and the CLI's
 * `apply`, `apply --run`, `runs submit` against that service (exit 2). `strata plan` with the
 * same variable is test/cli/size-limits.int.test.ts. The service runs with
 * STRATA_MAX_RUN_STEPS=10; the documents have 12 steps. Bodies past STRATA_MAX_BODY_BYTES
 * (8 KiB here) and STRATA_MAX_YAML_BYTES (2 KiB) are refused 413 naming their variable too.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';

const TWELVE_FILE = 'test/fixtures/limits/twelve-tasks.yaml';
const TWELVE = parse(readFileSync(TWELVE_FILE, 'utf8'));
/** A table Dataset of 11 partitions: a fan-out of 11 map steps and a reduce, through the built-in rules. */
const DATASET = { apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'eleven-parts' }, spec: { shape: 'table', partitions: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] } };

const svc = useRunService({ STRATA_MAX_RUN_STEPS: '10', STRATA_MAX_BODY_BYTES: '8192', STRATA_MAX_YAML_BYTES: '2048' });
const tempDir = useTempDirs('limits-routes-');

/** The sentence every route gives: the count, the limit and its variable; and how to raise it (HTTP: `details.hint`; the CLI prints it on a line of its own). */
const REFUSAL = /the plan has 12 steps, more than the limit of 10 \(STRATA_MAX_RUN_STEPS\)/;
/** The Dataset's plan is refused at its fan-out, whose items alone pass the steps a run may make. */
const DATASET_REFUSAL = /fanOut\.over: 11 items, more than the 10 steps a run may make \(STRATA_MAX_RUN_STEPS\)/;
const HOW_TO_RAISE = 'to raise it, set STRATA_MAX_RUN_STEPS higher in the environment of the strata service and its workers, and restart them (docs/flow-language.md#limits)';

async function nothingStored(): Promise<void> {
  expect((await svc.call('GET', '/v1/runs')).body.runs).toEqual([]);
  expect((await svc.call('GET', '/v1/flows')).body.flows.map((f: { name: string }) => f.name)).not.toContain('twelve-tasks');
  expect((await svc.call('GET', '/v1/datasets')).body.datasets).toEqual([]);
}

/** POST `body` to `path`: 422 limit_exceeded, its message matching `message`, `details.hint` how to raise the limit, nothing stored. */
async function expectRefused(path: string, body: unknown, message: RegExp): Promise<void> {
  const r = await svc.call('POST', path, body);
  expect(r.status, r.text).toBe(422);
  expect(r.body.error.code).toBe('limit_exceeded');
  expect(r.body.error.message).toMatch(message);
  expect(r.body.error.details.hint).toBe(HOW_TO_RAISE);
  await nothingStored();
}

describe('a plan past STRATA_MAX_RUN_STEPS, on every route', () => {
  it.each([
    ['POST /v1/runs with a flow', '/v1/runs', { flow: TWELVE }],
    ['POST /v1/flows', '/v1/flows', TWELVE],
    ['POST /v1/plans', '/v1/plans', TWELVE],
    ['POST /v1/plans?dryRun=true', '/v1/plans?dryRun=true', TWELVE],
  ])('%s: 422 limit_exceeded naming the limit and how to raise it, nothing stored', (_what, path, body) => expectRefused(path, body, REFUSAL));

  it.each([
    ['POST /v1/datasets', '/v1/datasets'],
    ['POST /v1/datasets?run=true', '/v1/datasets?run=true'],
    ['POST /v1/datasets?dryRun=true', '/v1/datasets?dryRun=true'],
  ])('%s of a Dataset whose plan has 12 steps: 422 naming the limit, nothing stored', async (_what, path) => {
    await expectRefused(path, DATASET, DATASET_REFUSAL);
    expect((await svc.call('GET', '/v1/flows')).body.flows).toEqual([]);
  });

  it.each([
    ['strata apply', ['apply', TWELVE_FILE]],
    ['strata apply --run', ['apply', TWELVE_FILE, '--run']],
    ['strata runs submit', ['runs', 'submit', TWELVE_FILE]],
  ])('%s: exit 2, the sentence naming the limit and how to raise it, no stack trace, nothing stored', async (_what, args) => {
    const r = await runStrata(args, cliEnv(svc));
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(REFUSAL);
    expect(r.stderr).toContain(`strata: ${HOW_TO_RAISE}`);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
    await nothingStored();
  });

  it('strata plan, which plans locally: exit 2, how to raise it in its own environment', async () => {
    const r = await runStrata(['plan', TWELVE_FILE], { STRATA_MAX_RUN_STEPS: '10' });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(REFUSAL);
    expect(r.stderr).toContain('strata: to raise it, set STRATA_MAX_RUN_STEPS higher in this command\'s environment (docs/flow-language.md#limits)');
  });

  it('strata apply of a Dataset: exit 2 naming the limit, nothing stored', async () => {
    const file = join(tempDir(), 'eleven-parts.yaml');
    writeFileSync(file, JSON.stringify(DATASET));
    const r = await runStrata(['apply', file], cliEnv(svc));
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(DATASET_REFUSAL);
    expect(r.stderr).toContain(`strata: ${HOW_TO_RAISE}`);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
    await nothingStored();
  });
});

describe('a body past its size limit, naming the variable and how to raise it', () => {
  /** A Flow of `n` tasks, as JSON or YAML text. */
  const tasks = (n: number) => ({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'big-body', version: '1' }, spec: { root: { sequence: Array.from({ length: n }, (_, i) => ({ id: `t${i}`, task: { image: 'strata/noop' } })) } } });
  const hint = (name: string) => `to raise it, set ${name} higher in the environment of the strata service and its workers, and restart them (docs/flow-language.md#limits)`;

  it.each([
    ['a JSON body past STRATA_MAX_BODY_BYTES', JSON.stringify(tasks(300)), 'application/json', 'STRATA_MAX_BODY_BYTES'],
    ['a YAML body past STRATA_MAX_YAML_BYTES', stringify(tasks(60)), 'application/yaml', 'STRATA_MAX_YAML_BYTES'],
  ])('%s: 413 naming it, nothing stored', async (_what, body, type, name) => {
    for (const path of ['/v1/flows', '/v1/runs', '/v1/plans']) {
      const r = await svc.call('POST', path, path === '/v1/runs' && type === 'application/json' ? `{"flow":${body}}` : body, { 'content-type': type });
      expect(r.status, `${path} ${r.text}`).toBe(413);
      expect(r.body.error.message).toContain(`(${name})`);
      expect(r.body.error.details.hint).toBe(hint(name));
    }
    await nothingStored();
  });
});

describe('an error that only quotes a variable\'s name is no limit refusal (the hint is built from the limit check\'s field, details.limits)', () => {
  const FILE = 'test/fixtures/limits/names-a-variable.yaml';

  it('POST /v1/runs: 400 naming the node, no hint', async () => {
    const r = await svc.call('POST', '/v1/runs', { flow: parse(readFileSync(FILE, 'utf8')) });
    expect(r.status, r.text).toBe(400);
    expect(r.body.error.message).toContain('STRATA_MAX_RUN_STEPS');
    expect(r.body.error.details.hint).toBeUndefined();
    expect(r.body.error.details.limits).toBeUndefined();
  });

  it.each([
    ['strata plan', ['plan', FILE]],
    ['strata runs submit', ['runs', 'submit', FILE]],
  ])('%s: exit 2, one line, no hint', async (_what, args) => {
    const r = await runStrata(args, cliEnv(svc));
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain('STRATA_MAX_RUN_STEPS');
    expect(r.stderr).not.toContain('to raise');
  });

  it('a refusal at a limit carries its variable as a field beside the hint', async () => {
    const r = await svc.call('POST', '/v1/plans', TWELVE);
    expect(r.status, r.text).toBe(422);
    expect(r.body.error.details.limits).toEqual(['STRATA_MAX_RUN_STEPS']);
  });
});

describe('runs submit and apply send to the service, whose limits apply; their help says which side applies which', () => {
  const ARGO_TWELVE = 'test/fixtures/limits/argo-twelve-steps.yaml';

  it.each([
    ['runs submit', ['runs', 'submit', '--help'], 'an Argo document'],
    ['apply', ['apply', '--help'], 'every document'],
  ])('strata %s --help says the service applies its own limits, and what this command checks with its own environment', async (_what, args, checked) => {
    const r = await runStrata(args);
    expect(r.code).toBe(0);
    const text = r.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('the strata service applies its own size limits (STRATA_MAX_RUN_STEPS and the others of docs/flow-language.md#limits, set in its environment) to what it receives');
    expect(text).toContain(`checks ${checked}`);
    expect(text).toContain("with the STRATA_MAX_* of this command's environment");
  });

  it.each([
    ['a strata Flow file', TWELVE_FILE],
    ['an Argo Workflow file', ARGO_TWELVE],
  ])('strata runs submit of %s with a higher STRATA_MAX_RUN_STEPS of its own: the service refuses it at its limit of 10, naming its variable and its environment', async (_what, file) => {
    const r = await runStrata(['runs', 'submit', file], { ...cliEnv(svc), STRATA_MAX_RUN_STEPS: '1000' });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(REFUSAL);
    expect(r.stderr).toContain(`strata: ${HOW_TO_RAISE}`);
    await nothingStored();
  });

  it('strata runs submit of an Argo Workflow with a lower STRATA_MAX_RUN_STEPS of its own: checked here first, the refusal says this command\'s environment', async () => {
    const r = await runStrata(['runs', 'submit', ARGO_TWELVE], { ...cliEnv(svc), STRATA_MAX_RUN_STEPS: '5' });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(/the plan has 12 steps, more than the limit of 5 \(STRATA_MAX_RUN_STEPS\)/);
    expect(r.stderr).toContain("strata: to raise it, set STRATA_MAX_RUN_STEPS higher in this command's environment (docs/flow-language.md#limits)");
    await nothingStored();
  });
});

describe('a limit passed among more problems than an error lists (MAX_PROBLEMS): the hint still names it', () => {
  /** A Flow file whose problems number more than 50 before the one past `limit`: each refusal's list leaves that one out, counted only. */
  function manyProblemsFile(which: 'nodes' | 'units'): string {
    const file = join(tempDir(), `${which}.json`);
    const doc = (name: string, root: unknown) => ({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name, version: '1' }, spec: { root } });
    if (which === 'nodes') {
      // 55 unknown keys found in the walk, then the 54th node passes STRATA_MAX_DOCUMENT_NODES=53.
      writeFileSync(file, JSON.stringify(doc('many-nodes', { sequence: Array.from({ length: 55 }, () => ({ task: { image: 'strata/noop' }, bogus: 1 })) })));
    } else {
      // Valid documents; planned, 51 uses give an input their unit does not declare, then a@1 uses b@1: units nested 2 deep, past STRATA_MAX_UNIT_DEPTH=1.
      const nodes = Object.fromEntries([...Array.from({ length: 51 }, (_, i) => [`s${i}`, { use: 'b@1', inputs: { nope: 't:out' } }]), ['deep', { use: 'a@1' }]]);
      writeFileSync(file, [doc('many-uses', { graph: { nodes } }), doc('a', { use: 'b@1' }), doc('b', { id: 't', task: { image: 'strata/noop' } })].map((d) => JSON.stringify(d)).join('\n---\n'));
    }
    return file;
  }
  const commandHint = (name: string) => `strata: to raise it, set ${name} higher in this command's environment (docs/flow-language.md#limits)`;

  it.each([
    ['strata plan, nodes past the limit as a file is read', ['plan'], 'nodes' as const, { STRATA_MAX_DOCUMENT_NODES: '53' }, 'STRATA_MAX_DOCUMENT_NODES'],
    ['strata apply, nodes past the limit as a file is read', ['apply'], 'nodes' as const, { STRATA_MAX_DOCUMENT_NODES: '53' }, 'STRATA_MAX_DOCUMENT_NODES'],
    ['strata plan, units nested past the limit when planned', ['plan'], 'units' as const, { STRATA_MAX_UNIT_DEPTH: '1' }, 'STRATA_MAX_UNIT_DEPTH'],
    ['strata apply, units nested past the limit when checked before sending', ['apply'], 'units' as const, { STRATA_MAX_UNIT_DEPTH: '1' }, 'STRATA_MAX_UNIT_DEPTH'],
  ])('%s: exit 2, the list cut, and how to raise the limit', async (_what, args, which, limitEnv, name) => {
    const r = await runStrata([...args, manyProblemsFile(which)], { ...cliEnv(svc), ...limitEnv });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(/\.\.\. and \d+ more problems/);
    expect(r.stderr).toContain(commandHint(name));
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
    expect((await svc.call('GET', '/v1/flows')).body.flows.map((f: { name: string }) => f.name)).not.toContain('many-uses');
  });
});
