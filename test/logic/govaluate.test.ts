/** Argo's govaluate `when` as json-logic: a substituted text read as govaluate reads it, and a value that must be a boolean. */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/logic/json-logic.ts';

describe('govaluate: a text read as govaluate reads it once substituted', () => {
  it.each([
    ['true', true],
    ['false', false],
    [' false ', false],
    ['10', 10],
    ['1.0', 1],
    ['-3', -3],
    ['.5', 0.5],
    ['0x1f', 31],
    ["'10'", '10'],
    ['"true"', 'true'],
    ['True', 'True'],
    ['False', 'False'],
    ['heads', 'heads'],
    ['1e3', '1e3'],
    ['12abc', '12abc'],
    ['', ''],
  ])('%j -> %j', (text, value) => {
    expect(evaluate({ govaluate: text }, {})).toEqual(value);
  });

  it('gives a value that is not a string back as it is', () => {
    expect(evaluate({ govaluate: { var: 'n' } }, { n: 5 })).toBe(5);
    expect(evaluate({ govaluate: { var: 'b' } }, { b: false })).toBe(false);
  });

  it('compares as govaluate does once read: 1.0 == 1, 10 > 9, false == false', () => {
    const gv = (name: string) => ({ govaluate: { var: name } });
    const data = { one: '1.0', uno: '1', p: '10', q: '9', flag: 'false' };
    expect(evaluate({ '==': [gv('one'), gv('uno')] }, data)).toBe(true);
    expect(evaluate({ '>': [gv('p'), gv('q')] }, data)).toBe(true);
    expect(evaluate({ '==': [gv('flag'), false] }, data)).toBe(true);
    expect(evaluate({ '!': [gv('flag')] }, data)).toBe(true);
  });
});

describe('boolean: a when\'s value must be true or false', () => {
  it('gives true and false as they are', () => {
    expect(evaluate({ boolean: true }, {})).toBe(true);
    expect(evaluate({ boolean: { '>': [2, 1] } }, {})).toBe(true);
    expect(evaluate({ boolean: false }, {})).toBe(false);
  });

  it.each([['False'], ['yes'], [1], [null], ['']])('refuses %j, naming the value, as Argo fails the step', (value) => {
    expect(() => evaluate({ boolean: { var: 'v' } }, { v: value })).toThrow(`gives ${JSON.stringify(value)}, not a boolean`);
  });

  it('names the place of a where around it', () => {
    expect(() => evaluate({ where: ['step deploy, when "{{x}}"', { boolean: 'False' }] }, {})).toThrow('step deploy, when "{{x}}": gives "False", not a boolean');
  });
});
