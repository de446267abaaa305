/**
 * Expression and message faults of the third Argo tester round (issue 12,
 * /work/tools/reports/argo-tester-2.md, faults 3 to 7), through the real stack: documents
 * sent as they are to `POST /v1/runs` and `strata import argo`, run on the local runtime
 * with real HTTP, Redis, BullMQ and processes, checked by their outcome and their message.
 * `strata import argo` is a process for one refusal of each kind (a constant, too deep, an
 * output path), and runs in this process for the others (test/support/strata-here.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunView } from '../../src/run/run-view.ts';
import { LEVELS } from '../support/levels.ts';
import { runStrata } from '../support/processes.ts';
import { strataHere } from '../support/strata-here.ts';
import { useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-argo-');

const svc = useRunService();
const { read } = argoFixtures('faults-4');
const withExpression = (expr: string): string => read('expr-error.yaml').replace('{{=EXPRESSION}}', `{{=${expr}}}`);

/** A run of `flow` (an Argo document's text, or a strata Flow) with `params`, to its end. */
const run = (flow: unknown, params: Record<string, unknown> = {}): Promise<RunView> => svc.runToEnd({ flow: typeof flow === 'string' ? parse(flow) : flow, params });

/** `strata import argo` of a document written to a file of its own: a process (`asProcess`), or in this process. */
async function importArgo(doc: string, asProcess = false) {
  const file = join(newTempDir(), 'wf.yaml');
  writeFileSync(file, doc);
  return (asProcess ? runStrata : strataHere)(['import', 'argo', file]);
}

/**
 * An Argo document refused on both routes: `strata import argo` (exit 2, no stack trace; a
 * process when `asProcess`) and `POST /v1/runs` (400); what each said, the answer's body as JSON.
 */
async function refused(doc: string, asProcess = false): Promise<{ stderr: string; answer: string }> {
  const out = await importArgo(doc, asProcess);
  expect(out.code, out.stdout).toBe(2);
  expect(out.stderr).not.toMatch(/\n\s+at /);
  const posted = await svc.call('POST', '/v1/runs', doc, { 'content-type': 'application/yaml' });
  expect(posted.status, posted.text).toBe(400);
  return { stderr: out.stderr, answer: posted.text };
}

const strataFlow = (root: unknown) => ({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'numbers', version: '1' }, spec: { params: { x: null }, root } });
const echo = (arg: unknown) => ({ task: { image: 'alpine', command: ['echo', arg], result: 'stdout' } });

describe('an expression that cannot be evaluated fails its step, named (fault 3)', () => {
  it.each([
    ['asInt of a text with a suffix', 'asInt(workflow.parameters.x)', '12abc', /"12abc" is not a whole number/],
    ['asInt of a number too large', 'asInt(workflow.parameters.x)', '1e999', /"1e999" is not a whole number/],
    ['asFloat of a word', 'asFloat(workflow.parameters.x)', 'abc', /"abc" is not a number/],
    ['a division by zero', 'asInt(workflow.parameters.x) / asInt(workflow.parameters.zero)', '1', /division by zero/],
  ])('%s: the step fails naming the template, the field and the expression', async (_d, expr, x, why) => {
    const r = await run(withExpression(expr), { x });
    expect(r.status, JSON.stringify(r.steps)).toBe('failed');
    expect(r.steps.show.status).toBe('failed');
    expect(r.steps.show.exitCode).toBeUndefined();
    expect(r.steps.show.error).toContain('template main, step show, arguments.parameters(m)');
    expect(r.steps.show.error).toContain(`expression "${expr}"`);
    expect(r.steps.show.error).toMatch(why);
  });

  it('a whole number still reads: asInt("12") + 1 is 13', async () => {
    const r = await run(withExpression('asInt(workflow.parameters.x) + 1'), { x: '12' });
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps.show.result).toBe('got 13');
  });

  it('a when that cannot be evaluated fails its step, not skips it', async () => {
    const r = await run(read('expr-error-when.yaml'), { x: 'abc' });
    expect(r.status, JSON.stringify(r.steps)).toBe('failed');
    expect(r.steps.gate.status).toBe('failed');
    expect(r.steps.gate.error).toContain('template main, step gate, when');
    expect(r.steps.gate.error).toContain('"abc" is not a number');
    const ok = await run(read('expr-error-when.yaml'), { x: '2.5' });
    expect(ok.steps.gate).toMatchObject({ status: 'succeeded', result: 'gate-ran' });
  });

  it.each([
    ["asInt('1e999')", /"1e999" is not a whole number/],
    ["asInt('12abc')", /"12abc" is not a whole number/],
    ["asFloat('abc')", /"abc" is not a number/],
    ['1/0', /division by zero/],
  ])('a constant %s is refused at import (strata import argo exit 2, POST 400), named', async (expr, why) => {
    const { stderr, answer } = await refused(withExpression(expr), expr === "asInt('1e999')");
    expect(stderr).toContain(`template main, step show, arguments.parameters(m): expression "${expr}"`);
    expect(stderr).toMatch(why);
    expect(answer).toContain(`expression \\"${expr}\\"`);
  });

  describe.each(LEVELS)('strata json-logic, $name', ({ prefix, wrap }) => {
    it.each([
      ['a sum over a text with a suffix', { '+': [{ var: 'params.x' }, 1] }, { x: '12abc' }, /"\+" needs numbers: "12abc" is not a number/],
      ['a product over a text with a suffix', { '*': [{ var: 'params.x' }, 2] }, { x: '3x' }, /"\*" needs numbers: "3x" is not a number/],
      ['a division by zero', { '/': [1, { var: 'params.x' }] }, { x: 0 }, /division by zero/],
      ['int of a text with a suffix', { int: { var: 'params.x' } }, { x: '12abc' }, /"12abc" is not a whole number/],
    ])('%s fails the step naming the field, instead of writing null or a part of the text', async (_d, logic, params, why) => {
      const r = await run(strataFlow(wrap({ graph: { nodes: { show: echo(logic) } } })), params);
      expect(r.status, JSON.stringify(r.steps)).toBe('failed');
      expect(r.steps[`${prefix}show`].error).toContain('command[1]');
      expect(r.steps[`${prefix}show`].error).toMatch(why);
    });

    it('numbers in text add, and int and float read whole texts', async () => {
      const logic = { cat: [{ '+': [{ var: 'params.x' }, 1] }, ' ', { int: '-7' }, ' ', { float: '2.5e1' }] };
      const r = await run(strataFlow(wrap({ graph: { nodes: { show: echo(logic) } } })), { x: '12' });
      expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
      expect(r.steps[`${prefix}show`].result).toBe('13 -7 25');
    });
  });
});

describe('an unquoted word with a dash in a when is refused, not silently false (fault 4)', () => {
  it('nightly-report, which Argo\'s govaluate reads as nightly minus report, is refused naming the template and field', async () => {
    const { stderr, answer } = await refused(read('when-dashed-word.yaml'));
    expect(stderr).toContain('template main, step is-nightly, when');
    expect(stderr).toContain("nightly-report is not one word: Argo's govaluate reads it as nightly - report");
    expect(stderr).toContain("quote it: 'nightly-report'");
    expect(answer).toContain('template main, step is-nightly, when');
  });

  it('quoted, the texts are compared: a dashed name and a dashed parameter match, another does not', async () => {
    const r = await run(read('when-dashed-quoted.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps['is-nightly']).toMatchObject({ status: 'succeeded', result: 'ran' });
    expect(r.steps['same-kind']).toMatchObject({ status: 'succeeded', result: 'ran' });
    expect(r.steps['other-kind'].status).toBe('skipped');
  });
});

describe('== in an expression compares types as Argo\'s expr does (fault 2)', () => {
  it('a text parameter or result is not the number 5; the govaluate form compares the texts', async () => {
    const r = await run(read('expr-strict-equal.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    const ran = Object.keys(r.steps).filter((k) => r.steps[k].status === 'succeeded').sort();
    const skipped = Object.keys(r.steps).filter((k) => r.steps[k].status === 'skipped').sort();
    expect(ran).toEqual(['five', 'govaluate', 'int-vs-number', 'not-equal', 'result-vs-text', 'text-vs-text']);
    expect(skipped).toEqual(['result-vs-number', 'text-vs-number']);
  });
});

describe('a jsonpath that matches nothing is named (fault 5)', () => {
  it('the step fails naming the template, the field, the expression, the path and what was searched', async () => {
    const r = await run(read('jsonpath-no-match.yaml'));
    expect(r.steps.found).toMatchObject({ status: 'succeeded', result: 20 });
    expect(r.status, JSON.stringify(r.steps)).toBe('failed');
    expect(r.steps.missing.status).toBe('failed');
    expect(r.steps.missing.error).toContain('template jp, command[1]: expression "jsonpath(workflow.parameters.doc, inputs.parameters.path)"');
    expect(r.steps.missing.error).toContain('jsonpath "$.zz" matches nothing in {"a": 1, "b": {"c": [10, 20]}}');
  });

  it('a constant one is refused at import, named', async () => {
    // Written in the YAML's double-quoted string as '{\"a\": 1}', read as '{"a": 1}'.
    const { stderr } = await refused(withExpression(`jsonpath('{\\"a\\": 1}', '$.zz')`));
    expect(stderr).toContain(`template main, step show, arguments.parameters(m): expression "jsonpath('{"a": 1}', '$.zz')": jsonpath "$.zz" matches nothing in {"a": 1}`);
  });

  describe.each(LEVELS)('strata json-logic, $name', ({ prefix, wrap }) => {
    it('a computed field that gives null names its json-logic, not only the field', async () => {
      const r = await run(strataFlow(wrap({ graph: { nodes: { show: echo({ jsonpath: [{ var: 'params.x' }, '$.zz'] }) } } })), { x: '{"a": 1}' });
      expect(r.status, JSON.stringify(r.steps)).toBe('failed');
      expect(r.steps[`${prefix}show`].error).toContain('command[1]: its json-logic {"jsonpath":[{"var":"params.x"},"$.zz"]} gave null');
    });
  });
});

describe('parameter names (fault 6)', () => {
  it('an Argo parameter named _private is accepted and read, as Argo allows it', async () => {
    const r = await run(read('param-underscore.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps.show.result).toBe('proto-val|proto-val!');
    expect(r.steps.gate).toMatchObject({ status: 'succeeded', result: 'when-ok' });
  });

  it('constructor and __proto__ are refused at each parameter, in Argo terms (strata import argo, POST /v1/runs)', async () => {
    const { stderr, answer } = await refused(read('param-constructor.yaml'));
    expect(stderr).toContain('spec.arguments.parameters[1].name: "constructor" cannot name a parameter in strata');
    expect(stderr).toContain('spec.templates[0](main).steps[0][0].arguments.parameters[0].name: "__proto__" cannot name a parameter in strata');
    expect(stderr).toContain('spec.templates[1](say).inputs.parameters[0].name: "__proto__" cannot name a parameter in strata');
    expect(stderr).not.toContain('json-logic');
    expect(answer).toContain('spec.arguments.parameters[1].name');
  });

  it.each([
    ['a run\'s params', (flow: object) => `{"flow": ${JSON.stringify(flow)}, "params": {"__proto__": {"polluted": true}}}`, 'params.__proto__'],
    ['a flow\'s spec.params', (flow: object) => JSON.stringify({ flow: { ...flow, spec: { ...(flow as { spec: object }).spec, params: { constructor: 1 } } } }), 'spec.params.constructor'],
    ['a use node\'s with', (flow: object) => JSON.stringify({ flow: { ...flow, spec: { params: {}, root: { use: 'nothing@1', with: { prototype: 1 } } } } }), 'spec.root.with.prototype'],
  ])('strata: __proto__, constructor and prototype are refused as names in %s (400, named), and nothing reaches a prototype', async (_d, body, path) => {
    const flow = strataFlow(echo('hi'));
    const r = await svc.call('POST', '/v1/runs', body(flow), { 'content-type': 'application/json' });
    expect(r.status, r.text).toBe(400);
    expect(JSON.stringify(r.body.error.details.problems), r.text).toMatch(new RegExp(`"path":"[^"]*${path.replace(/\./g, '\\.')}"[^}]*cannot name a parameter in strata`));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('strata runs submit -p __proto__=1 exits 2 before sending anything', async () => {
    const file = join(newTempDir(), 'wf.yaml');
    writeFileSync(file, read('param-underscore.yaml'));
    const out = await runStrata(['runs', 'submit', file, '-p', '__proto__=1'], { STRATA_URL: 'http://127.0.0.1:9' });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('-p __proto__=1: "__proto__" cannot name a parameter in strata');
  });
});

describe('an expression too deep for the stack is refused, named (Argo tester 3, N21)', () => {
  const withWhen = (when: string): string => read('expr-error.yaml').replace('            template: say\n', `            template: say\n            when: "${when}"\n`).replace('{{=EXPRESSION}}', 'x');

  it.each([
    ['20,000 terms of +', `asInt(workflow.parameters.x)${'+1'.repeat(20_000)}`],
    ['2,000 prefix minus signs', `${'-'.repeat(2_000)}asInt(workflow.parameters.x)`],
  ])('{{= }} with %s: exit 2 and 400 naming the depth, not an internal error', async (d, expr) => {
    const { stderr, answer } = await refused(withExpression(expr), d === '20,000 terms of +');
    expect(stderr).toContain('nested more than 64 levels deep');
    expect(answer).toContain('nested more than 64 levels deep');
    expect(stderr.length).toBeLessThan(4_000);
  });

  it('a govaluate when of 20,000 terms joined by &&: refused the same way', async () => {
    const { stderr, answer } = await refused(withWhen(Array.from({ length: 20_000 }, () => '{{workflow.parameters.x}} == 12').join(' && ')));
    expect(stderr).toContain('nested more than 64 levels deep');
    expect(answer).toContain('nested more than 64 levels deep');
  });
});

describe('an output path that escapes once substituted is named (fault 7)', () => {
  it('names the output, the template and the path as substituted; a literal one is named the same way', async () => {
    const { stderr, answer } = await refused(read('output-path-dotdot.yaml'), true);
    expect(stderr).toContain('template rd, outputs.parameters(p).valueFrom.path: "/tmp/x/{{inputs.parameters.f}}" is "/tmp/x/../../../etc/hostname" once substituted, which must be an absolute path such as /workspace/out (no "." or ".." segments, not / itself)');
    expect(stderr).toContain('template rd, outputs.artifacts(a).path: "/tmp/y/{{inputs.parameters.f}}" is "/tmp/y/../../../etc/hostname" once substituted, which must be an absolute path');
    expect(stderr).toContain('template writer, outputs.artifacts(b).path: "/tmp/o/../../etc/passwd" must be an absolute path');
    expect(stderr).not.toContain('must be a list of output file names');
    expect(answer).toContain('template rd, outputs.parameters(p).valueFrom.path');
  });
});
