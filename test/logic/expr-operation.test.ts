/** json-logic `expr`: Argo's `{{= }}` operators with expr-lang's type rules (src/logic/expr-operation.ts). */
import { describe, expect, it } from 'vitest';
import { evaluate, validateLogic } from '../../src/logic/json-logic.ts';

// A map is read from data: a one-key object written in json-logic would be an operation.
const run = (logic: unknown, data: unknown = { map: { k: 1 } }) => evaluate(logic as never, data);
const expr = (...args: unknown[]) => ({ expr: args });

describe('json-logic expr: what expr-lang evaluates', () => {
  it.each([
    ['+ of two numbers', expr('+', 5, 1), 6],
    ['+ of two texts joins them', expr('+', 'a', 'b'), 'ab'],
    ['- * / of numbers; / gives a fraction', { cat: [expr('-', 5, 7), ' ', expr('*', 2, 1.5), ' ', expr('/', 5, 2)] }, '-2 3 2.5'],
    ['% of whole numbers', expr('%', -5, 3), -2],
    ['< of two numbers', expr('<', 5, 10), true],
    ['> of two texts compares them as texts', expr('>', '5', '10'), true],
    ['<= and >= of equal texts', { and: [expr('<=', 'a', 'a'), expr('>=', 'b', 'b')] }, true],
    ['! of a bool', expr('!', false), true],
    ['unary minus and plus of numbers', { cat: [expr('neg', 5), ' ', expr('pos', 2.5)] }, '-5 2.5'],
    ['in a list, by equal elements', expr('in', 'b', ['a', 'b']), true],
    ['in a list: a text is not the number', expr('in', '2', [1, 2]), false],
    ['in a map, by its keys', expr('in', 'k', { var: 'map' }), true],
    ['in nil is false', expr('in', 'k', null), false],
    ['contains of two texts', expr('contains', 'Hello World', 'World'), true],
    ['startsWith and endsWith', { and: [expr('startsWith', 'Hello', 'He'), expr('endsWith', 'Hello', 'lo')] }, true],
    ['bool of a bool is itself', expr('bool', true, '&&'), true],
  ])('%s', (_d, logic, want) => {
    expect(run(logic)).toEqual(want);
  });
});

describe('json-logic expr: what expr-lang refuses fails with a sentence', () => {
  it.each([
    ['a text + a number', expr('+', '5', 1), 'invalid operation: "5" + 1 (mismatched types string and int): Argo\'s expr fails here (a parameter, a result and a loop item are text in Argo\'s expressions: read it as a number with asInt() or asFloat(), or write a number as text with string())'],
    ['a number - a text', expr('-', 5, '1'), 'mismatched types int and string'],
    ['a float % a number', expr('%', 5.5, 2), '% takes whole numbers'],
    ['a division by zero', expr('/', 1, 0), 'division by zero'],
    ['a text < a number', expr('<', '5', 10), 'invalid operation: "5" < 10 (mismatched types string and int)'],
    ['! of a text', expr('!', ''), 'invalid operation: ! needs a bool, and "" is string'],
    ['! of nil', expr('!', null), '! needs a bool, and null is nil'],
    ['a condition that is a text', expr('bool', 'true', '&&'), '&& needs a bool, and "true" is string'],
    ['in a text', expr('in', 'World', 'Hello World'), 'operator "in" not defined on string ("Hello World"): Argo\'s expr looks in a list or a map\'s keys; for a substring write "Hello World" contains "World"'],
    ['in a number', expr('in', 1, 5), 'operator "in" not defined on int'],
    ['a number in a map', expr('in', 1, { var: 'map' }), 'a map\'s keys are texts'],
    ['contains of a number', expr('contains', 'a1', 1), 'contains takes two texts, not string and int'],
    ['unary minus of a text', expr('neg', '5'), '- takes a number, not string'],
  ])('%s', (_d, logic, message) => {
    expect(() => run(logic)).toThrow(message);
  });

  it('validation takes only its operators', () => {
    expect(validateLogic(expr('+', 1, 2), 'when')).toEqual([]);
    expect(validateLogic(expr('**', 1, 2), 'when')[0]).toMatchObject({ path: 'when.expr', message: expect.stringContaining('the operator one of + - * /') });
    expect(validateLogic({ expr: '+' }, 'when')[0].path).toBe('when.expr');
  });
});
