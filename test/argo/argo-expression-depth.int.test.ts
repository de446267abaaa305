/**
 * Argo tester 7, R10: how deep an Argo expression may nest depended on the expression
 * parser's recursion and the thread's stack, so one document was refused by `strata import
 * argo` (main thread) and accepted by POST /v1/runs (a worker thread, another stack), or
 * refused by both in other words. The limit is now counted in the text before any parser
 * recurses: the same refusal, naming the template and field, on every route, for every kind
 * of nesting (brackets, parentheses, calls, prefix operators, ternaries, member and operator
 * chains), and the same answer at the limit. Real processes, real HTTP: the limit's two
 * sides and one row of each table through `strata import argo` and `strata apply` as
 * processes; the other rows run the same two commands in this process (its main thread, as
 * the CLI's: test/support/strata-here.ts), which costs no process start each (a process
 * each took 20.8 of the file's 31.5 s of CPU).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { strataHere } from '../support/strata-here.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-depth-');

const svc = useRunService();
const env = cliEnv(svc);
const FIXTURE = readFileSync(argoFixtures('expr-depth/nest.yaml').dir, 'utf8');
const X = 'workflow.parameters.x';
const TAG = `{{${X}}}`;

/** The fixture with `arg` as the step's argument expression and `when` as its when. */
const doc = (o: { arg?: string; when?: string }): string =>
  FIXTURE.replace('got ARG', `got ${o.arg === undefined ? TAG : `{{=${o.arg}}}`}`).replace('"WHEN"', JSON.stringify(o.when ?? `${TAG} == 12`));

/**
 * A document's outcome on three routes: `strata import argo` and `strata apply` (main thread:
 * `processes`, the real commands; otherwise in this process, strata-here.ts), POST /v1/runs
 * (a worker thread).
 */
async function routes(text: string, processes = true): Promise<{ importArgo: { code: number | null; said: string }; apply: { code: number | null; said: string }; http: { status: number; said: string } }> {
  const file = join(newTempDir(), 'wf.yaml');
  writeFileSync(file, text);
  const said = (p: { stderr: string }) => p.stderr.trim().replace(/^strata: /, '');
  const cli = async (args: string[]) => {
    const p = await (processes ? runStrata : strataHere)(args, env);
    return { code: p.code, said: said(p) };
  };
  const imported = await cli(['import', 'argo', file]);
  const applied = await cli(['apply', file]);
  const posted = await svc.call('POST', '/v1/runs', text, { 'content-type': 'application/yaml' });
  return {
    importArgo: imported,
    apply: applied,
    http: { status: posted.status, said: posted.status === 400 ? String(posted.body.error.message) : '' },
  };
}

/** Refused alike on every route: exit 2, HTTP 400, the same sentence naming `place`, the limit, no crash. */
async function refusedAlike(text: string, place: string, why = 'nested more than 64 levels deep (each operator, call and parenthesis is a level)', processes = true): Promise<void> {
  const r = await routes(text, processes);
  expect(r.importArgo.code, r.importArgo.said.slice(0, 600)).toBe(2);
  expect(r.apply.code, r.apply.said.slice(0, 600)).toBe(2);
  expect(r.http.status, r.http.said.slice(0, 600)).toBe(400);
  for (const said of [r.importArgo.said, r.apply.said, r.http.said]) {
    expect(said.slice(0, 600)).toContain(`${place}: expression "`);
    expect(said.slice(0, 600)).toContain(why);
    expect(said).not.toMatch(/call stack|internal|\n\s+at /);
    expect(said.length).toBeLessThan(4_000);
  }
  expect(r.apply.said).toBe(r.importArgo.said);
  expect(r.http.said).toBe(r.importArgo.said);
}

const ARG = 'template main, step show, arguments.parameters(m)';
const WHEN = 'template main, step show, when';
const nest = (open: string, n: number, inner: string, close: string): string => `${open.repeat(n)}${inner}${close.repeat(n)}`;

describe('an expression nested past the limit is refused alike on every route (R10)', () => {
  it.each([
    ['3,000 parentheses', nest('(', 3_000, `${X} == '12'`, ')')],
    ['10,000 parentheses', nest('(', 10_000, `${X} == '12'`, ')')],
    ['3,000 nested lists', nest('[', 3_000, X, ']')],
    ['3,000 nested calls', nest('string(', 3_000, X, ')')],
    ['3,000 nested indexes', `${nest(`${X}[`, 3_000, '0', ']')}`],
    ['10,000 prefix !', `${'!'.repeat(10_000)}(${X} == '12')`],
    ['30,000 prefix - with spaces', `${'- '.repeat(30_000)}asInt(${X})`],
    ['30,000 prefix not', `${'not '.repeat(30_000)}(${X} == '12')`],
    ['5,000 ternaries in the consequent', `${`${X} == '12' ? `.repeat(5_000)}'a'${" : 'b'".repeat(5_000)}`],
    ['30,000 ternaries in the alternate', `${`${X} == '1' ? 'a' : `.repeat(30_000)}'b'`],
    ['100,000 members', `${X}${'.a'.repeat(100_000)}`],
    ['100,000 terms of +', `asInt(${X})${' + 1'.repeat(100_000)}`],
  ])('{{= }} with %s', async (d, expr) => {
    await refusedAlike(doc({ arg: expr }), ARG, undefined, d === '3,000 parentheses');
  }, 120_000);

  it.each([
    ['{{= }} when of 3,000 parentheses', `{{=${nest('(', 3_000, `${X} == '12'`, ')')}}}`],
    ['govaluate when of 3,000 parentheses', nest('(', 3_000, `${TAG} == 12`, ')')],
    ['govaluate when of 10,000 prefix !', `${'!'.repeat(10_000)}(${TAG} == 12)`],
  ])('%s', async (d, when) => {
    await refusedAlike(doc({ when }), WHEN, undefined, d.startsWith('govaluate when of 3,000'));
  }, 120_000);
});

describe('the limit is one number on every route', () => {
  it('64 levels (63 parentheses around a variable) are accepted by every route, 65 are refused by every route', async () => {
    const at = await routes(doc({ arg: nest('(', 63, X, ')') }));
    expect(at.importArgo.code, at.importArgo.said).toBe(0);
    expect(at.apply.code, at.apply.said).toBe(0);
    expect(at.http.status, at.http.said).toBe(202);
    await refusedAlike(doc({ arg: nest('(', 64, X, ')') }), ARG);
  }, 120_000);

  it('an expression whose json-logic is too deep is refused in its own words, at its place, alike: 24 prefix ! run, 25 do not', async () => {
    // Each operator is two levels of json-logic or more (its object and its list): 25 `!` are
    // within the expression's 64 levels but not json-logic's, which refused them in its words
    // at a path into the generated flow.
    const nots = (n: number) => `${'!'.repeat(n)}(${X} == '12')`;
    const at = await routes(doc({ arg: nots(24), when: `{{=${nots(24)}}}` }));
    expect(at.importArgo.code, at.importArgo.said).toBe(0);
    expect(at.apply.code, at.apply.said).toBe(0);
    expect(at.http.status, at.http.said).toBe(202);
    const why = 'nested too deep for json-logic, which strata evaluates it as: more than 52 levels there, where each operator takes two or more';
    await refusedAlike(doc({ arg: nots(25) }), ARG, why);
    await refusedAlike(doc({ when: `{{=${nots(25)}}}` }), WHEN, why, false);
    await refusedAlike(doc({ when: Array.from({ length: 30 }, () => `${TAG} == 12`).join(' && ') }), WHEN, why, false);
  }, 120_000);
});

describe('json-logic when', () => {
  it('a native flow whose json-logic when nests past json-logic\'s limit is refused alike (apply exit 2, POST /v1/runs 400)', async () => {
    let when: unknown = { '==': [{ var: 'params.x' }, '12'] };
    for (let i = 0; i < 40; i++) when = { '!': [when] };
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'deep-when', version: '1' }, spec: { params: { x: '12' }, root: { when, task: { image: 'alpine', command: ['echo', 'hi'] } } } };
    const file = join(newTempDir(), 'flow.json');
    writeFileSync(file, JSON.stringify(flow));
    const applied = await runStrata(['apply', file], env);
    const posted = await svc.call('POST', '/v1/runs', { flow });
    expect(applied.code).toBe(2);
    expect(posted.status).toBe(400);
    expect(applied.stderr).toContain('json-logic expression is nested more than 64 levels deep');
    expect(posted.text).toContain('json-logic expression is nested more than 64 levels deep');
  }, 60_000);
});
