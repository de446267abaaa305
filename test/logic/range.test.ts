import { describe, expect, it } from 'vitest';
import { evaluate, validateLogic } from '../../src/logic/json-logic.ts';
import { MAX_RANGE, range } from '../../src/logic/range.ts';
import { printf } from '../../src/logic/printf.ts';

describe('range', () => {
  const cases: Array<{ name: string; args: unknown[]; want: unknown[] }> = [
    { name: 'both ends included', args: [1, 5], want: [1, 2, 3, 4, 5] },
    { name: 'a step', args: [0, 10, 5], want: [0, 5, 10] },
    { name: 'a step that does not land on end', args: [0, 9, 4], want: [0, 4, 8] },
    { name: 'counting down by itself when end < start', args: [3, 1], want: [3, 2, 1] },
    { name: 'a negative step', args: [10, 0, -5], want: [10, 5, 0] },
    { name: 'a step away from end gives nothing', args: [1, 5, -1], want: [] },
    { name: 'one number', args: [7, 7], want: [7] },
    { name: 'fractions without drift', args: [0, 0.3, 0.1], want: [0, 0.1, 0.2, 0.3] },
    { name: 'numbers written as text (Argo parameters are strings)', args: ['2', '4'], want: [2, 3, 4] },
    { name: 'a format', args: [1, 3, 1, 'part-%02d'], want: ['part-01', 'part-02', 'part-03'] },
    { name: 'a hex format', args: [9, 11, null, '%02X'], want: ['09', '0A', '0B'] },
  ];
  for (const { name, args, want } of cases) it(name, () => expect(range(args[0], args[1], args[2], args[3])).toEqual(want));

  const bad: Array<{ name: string; args: unknown[]; message: string }> = [
    { name: 'step 0', args: [1, 5, 0], message: 'range step must not be 0' },
    { name: 'a start that is not a number', args: ['a', 5], message: 'range start must be a number, got "a"' },
    { name: 'no end', args: [5], message: 'range end must be a number, got undefined' },
    { name: 'too many numbers', args: [0, MAX_RANGE], message: `would give ${MAX_RANGE + 1} numbers, more than ${MAX_RANGE}` },
    { name: 'a format that is not text', args: [1, 2, 1, 5], message: 'range format must be a string' },
    // Only a whole text is a number (Argo tester 2, fault 3: lenient parses read a part of a text).
    { name: 'a text with a suffix', args: ['2', '4x'], message: 'range end must be a number, got "4x"' },
    { name: 'hexadecimal text', args: ['0x10', 20], message: 'range start must be a number, got "0x10"' },
    { name: 'a text with spaces', args: [' 2', 4], message: 'range start must be a number, got " 2"' },
  ];
  for (const { name, args, message } of bad) it(`refuses ${name}`, () => expect(() => range(args[0], args[1], args[2], args[3])).toThrow(message));
});

describe('printf', () => {
  const cases: Array<[string, unknown, string]> = [
    ['%d', 42, '42'], ['%5d', 42, '   42'], ['%-5d|', 42, '42   |'], ['%05d', -42, '-0042'], ['%+d', 3, '+3'],
    ['%x', 255, 'ff'], ['%X', 255, 'FF'], ['%o', 8, '10'], ['%.2f', 3.14159, '3.14'], ['%08.3f', 3.14159, '0003.142'],
    ['%e', 12345.678, '1.234568e+04'], ['%g', 0.0001, '0.0001'], ['%s-%s', 'a', 'a-a'], ['%.2s', 'abc', 'ab'], ['100%%', 1, '100%'],
    ['%s', { a: 1 }, '{"a":1}'], ['%.3d', 7, '007'], ['user-%02X', 10, 'user-0A'],
  ];
  for (const [pattern, value, want] of cases) it(`${pattern} of ${JSON.stringify(value)} is ${want}`, () => expect(printf(pattern, value)).toBe(want));

  it('refuses a stray % and a number conversion of text', () => {
    expect(() => printf('50%', 1)).toThrow('"%" must start a conversion');
    expect(() => printf('%q', 1)).toThrow('"%" must start a conversion');
    expect(() => printf('%d', 'x')).toThrow('format "%d" needs a number, got "x"');
    expect(() => printf('%d', true)).toThrow('needs a number');
    expect(() => printf('%d', '12abc')).toThrow('format "%d" needs a number, got "12abc"');
    expect(() => printf('%x', '0x1f')).toThrow('format "%x" needs a number, got "0x1f"');
    expect(printf('%03d', '7')).toBe('007');
  });
});

describe('range and format in json-logic', () => {
  it('a fan-out list from params, formatted', () => {
    expect(evaluate({ range: [1, { var: 'params.n' }, 1, '%03d'] }, { params: { n: 3 } })).toEqual(['001', '002', '003']);
  });

  it('composes with map and format', () => {
    expect(evaluate({ map: [{ range: [1, 3] }, { format: ['x%d', { var: '' }] }] }, {})).toEqual(['x1', 'x2', 'x3']);
  });

  it('a guard over a range', () => {
    expect(evaluate({ in: [{ var: 'item' }, { range: [10, 20, 5] }] }, { item: 15 })).toBe(true);
  });

  it('a failure names the place', () => {
    expect(() => evaluate({ range: [1, 5, 0] }, {}, 'spec.root.fanOut.over')).toThrow('spec.root.fanOut.over: range step must not be 0');
  });

  it('validation knows both operations, and the cost of a literal range', () => {
    expect(validateLogic({ range: [1, 10] }, 'x')).toEqual([]);
    expect(validateLogic({ format: ['%d', 1] }, 'x')).toEqual([]);
    const heavy = validateLogic({ map: [{ range: [1, 90_000] }, { map: [{ range: [1, 90_000] }, { var: '' }] }] }, 'x');
    expect(heavy[0]?.message).toMatch(/more than its budget/);
  });
});
