/** json-logic's arithmetic read strictly (src/logic/numbers.ts), and `where` naming an expression's place. */
import { describe, expect, it } from 'vitest';
import { evaluate, evaluateKnowing, UNKNOWN, validateLogic } from '../../src/logic/json-logic.ts';

const run = (logic: unknown, data: unknown = {}) => evaluate(logic as never, data);

describe('strict numbers in json-logic', () => {
  it.each([
    ['a sum of numbers and numeric texts', { '+': [1, '2', '-0.5'] }, 2.5],
    ['a text made a number by +', { '+': ['3.14'] }, 3.14],
    ['a difference and a negation', { '-': [{ '-': ['5'] }, 1] }, -6],
    ['a product', { '*': ['2', 3, '1e1'] }, 60],
    ['a quotient and a remainder', { cat: [{ '/': [7, '2'] }, ' ', { '%': ['7', 4] }] }, '3.5 3'],
    ['min and max', { cat: [{ min: [3, '1', 2] }, ' ', { max: [3, '10', 2] }] }, '1 10'],
    ['int truncating a number and reading a whole text', { cat: [{ int: 7.9 }, ' ', { int: '-12' }, ' ', { int: '+3' }] }, '7 -12 3'],
    ['float reading a decimal text', { float: '2.5e-1' }, 0.25],
    ['plus joining texts and adding numbers', { cat: [{ plus: ['a', 'b'] }, ' ', { plus: ['2', 3] }] }, 'ab 5'],
  ])('%s', (_d, logic, want) => {
    expect(run(logic)).toEqual(want);
  });

  it.each([
    ['a text with a suffix in +', { '+': ['12abc', 1] }, '"+" needs numbers: "12abc" is not a number'],
    ['a text with a suffix in *', { '*': ['3x', 2] }, '"*" needs numbers: "3x" is not a number'],
    ['null in -', { '-': [{ var: 'missing' }, 1] }, '"-" needs numbers: null is not a number'],
    ['a list in max', { max: [[1, 2]] }, '"max" needs numbers: [1,2] is not a number'],
    ['hexadecimal text', { '+': ['0x10'] }, '"0x10" is not a number'],
    ['text with spaces', { '+': [' 12'] }, '" 12" is not a number'],
    ['a division by zero', { '/': [1, 0] }, '"/": 1 / 0 is a division by zero'],
    ['a remainder by zero', { '%': [1, '0'] }, '"%": 1 % "0" is a division by zero'],
    ['a product beyond the largest number', { '*': [1e308, 10] }, '"*" gave Infinity'],
    ['a text beyond the largest number', { '+': ['1e999'] }, '"1e999" is beyond the largest number'],
    ['int of a text with a suffix', { int: '12abc' }, 'int: "12abc" is not a whole number'],
    ['int of an exponent', { int: '1e3' }, 'int: "1e3" is not a whole number'],
    ['int of a decimal text', { int: '1.5' }, 'int: "1.5" is not a whole number'],
    ['int beyond the exact integers', { int: '12345678901234567890' }, 'beyond the integers strata holds exactly'],
    ['int of a boolean', { int: true }, 'int: true is not a whole number'],
    ['float of a word', { float: 'abc' }, 'float: "abc" is not a number'],
    ['float of infinity', { float: 'Infinity' }, 'float: "Infinity" is not a number'],
    ['float of a number too large', { float: '1e999' }, 'float: "1e999" is beyond the largest number'],
    ['plus of a text and a word', { plus: [1, 'x'] }, '"+" needs numbers: "x" is not a number'],
  ])('%s fails with a sentence', (_d, logic, message) => {
    expect(() => run(logic)).toThrow(message);
  });

  it('an unknown value (a dry run) read by strict arithmetic is unknown, not an error', () => {
    expect(evaluateKnowing({ '+': [{ var: 'x' }, 1] }, { x: UNKNOWN })).toEqual({ value: null, unknown: true });
    expect(() => evaluateKnowing({ '+': [{ var: 'x' }, 1] }, { x: 'a' })).toThrow('"a" is not a number');
  });
});

describe('json-logic where', () => {
  it('gives its expression\'s value, and names its place in an error from inside it (the innermost place)', () => {
    expect(run({ where: ['template t, args[0]: expression "1 + 1"', { '+': [1, 1] }] })).toBe(2);
    expect(() => run({ where: ['template t, args[0]: expression "x"', { int: 'x' }] }, {}))
      .toThrow(/^template t, args\[0\]: expression "x": int: "x" is not a whole number$/);
    const nested = { where: ['outer', { cat: ['a', { where: ['inner', { '/': [1, 0] }] }] }] };
    expect(() => run(nested)).toThrow(/^inner: "\/": 1 \/ 0 is a division by zero$/);
  });

  it('must be [place, expression]', () => {
    expect(validateLogic({ where: [1, 2] }, 'w')).toEqual([{ path: 'w.where', message: 'must be [place, expression]: a text naming where the expression comes from, and the expression' }]);
    expect(validateLogic({ where: ['here', { '+': [1, 2] }] }, 'w')).toEqual([]);
  });
});
