/** Argo conditions and expressions become json-logic; evaluated by strata's json-logic, never as code. */
import { describe, expect, it } from 'vitest';
import { expressionPart, whenLogic } from '../../src/argo/expressions.ts';
import { partLogic, type Value } from '../../src/argo/values.ts';
import { evaluate } from '../../src/logic/json-logic.ts';

const vars: Record<string, Value> = {
  'steps.a.outputs.result': [{ kind: 'result', step: ['a'], path: [] }],
  'inputs.parameters.n': [{ kind: 'param', name: 'n' }],
};
const resolve = (v: string): Value => {
  if (!vars[v]) throw new Error(`unknown ${v}`);
  return vars[v];
};
const tags = (s: string): Value => {
  const m = /^\{\{(.+)\}\}$/.exec(s);
  return m ? resolve(m[1]) : [{ kind: 'text', text: s }];
};
const data = (result: unknown, n: unknown) => ({ params: { n }, results: { a: result } });
// The result operation is the engine's; here a step's result is read from `results`.
const run = (logic: unknown, d: unknown) => evaluate(JSON.parse(JSON.stringify(logic).replace(/\{"result":"a"\}/g, '{"var":"results.a"}')), d);

describe('Argo expressions to json-logic', () => {
  it.each([
    ['{{steps.a.outputs.result}} == heads', 'heads', true],
    ['{{steps.a.outputs.result}} == heads', 'tails', false],
    ['{{steps.a.outputs.result}} != heads && {{inputs.parameters.n}} > 2', 'tails', true],
    ["'{{steps.a.outputs.result}}' == 'heads'", 'heads', true],
    ['{{=steps.a.outputs.result == "heads" || asInt(inputs.parameters.n) < 2}}', 'tails', false],
    ['{{=jsonpath(steps.a.outputs.result, "$.size") > 10}}', '{"size": 42}', true],
    ['{{=not (steps.a.outputs.result in ["x", "y"])}}', 'y', false],
    // expr compares types: a parameter is text (Argo tester 2, fault 2); govaluate compares the texts substituted.
    ['{{=inputs.parameters.n == 3}}', 'x', false],
    ['{{=inputs.parameters.n == "3"}}', 'x', true],
    ['{{=inputs.parameters.n != 3}}', 'x', true],
    ['{{inputs.parameters.n}} == 3', 'x', true],
  ])('when %s (result %s) is %s', (when, result, expected) => {
    const logic = whenLogic(when, resolve, tags, 'template t, step b, when')(['b']);
    expect(run(logic, data(result, '3'))).toBe(expected);
  });

  it('refuses what has no json-logic meaning', () => {
    expect(() => expressionPart('a = 1', resolve, 'here')).toThrow(/expression "a = 1"/);
    expect(() => expressionPart('constructor.constructor("x")()', resolve, 'here')).toThrow(/not supported|only Argo variables/);
    expect(() => whenLogic('{{steps.a.outputs.result}} =~ h.*', resolve, tags, 'here')).toThrow(/regular expression matching/);
    // govaluate reads an unquoted nightly-report as nightly minus report (Argo tester 2, fault 4).
    expect(() => whenLogic('{{steps.a.outputs.result}} == nightly-report', resolve, tags, 'here')).toThrow(/nightly-report is not one word: .* quote it: 'nightly-report'/);
    expect(() => whenLogic('{{steps.a.outputs.result}} == a*b', resolve, tags, 'here')).toThrow(/quote it: 'a\*b'/);
  });

  it('writes a ternary and arithmetic as json-logic', () => {
    const part = expressionPart('asInt(inputs.parameters.n) * 2 > 5 ? "big" : "small"', resolve, 'here');
    expect(evaluate(partLogic(part, ['b']) as never, data(null, '3'))).toBe('big');
  });
});

describe('an expression\'s json-logic depth (R10)', () => {
  it('a string literal holding brackets is text, not nesting: 60 [ in quotes are accepted', () => {
    const text = `${'['.repeat(60)}${']'.repeat(60)}`;
    const part = expressionPart(`steps.a.outputs.result == '${text}'`, resolve, 'template t, field');
    expect(run(partLogic(part, []), data(text, 1))).toBe(true);
  });

  it('25 prefix ! are refused in the expression\'s words, too deep for json-logic', () => {
    expect(() => expressionPart(`${'!'.repeat(25)}(steps.a.outputs.result == 'x')`, resolve, 'template t, field')).toThrow('nested too deep for json-logic');
  });
});
