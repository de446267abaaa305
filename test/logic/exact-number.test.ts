import { describe, expect, it } from 'vitest';
import { ExactNumber, exactJson, parseExactJson } from '../../src/logic/exact-number.ts';
import { evaluate } from '../../src/logic/json-logic.ts';

describe('JSON numbers kept as their text (argo-tester-3 N10)', () => {
  it.each([
    { what: 'a fraction with a trailing zero', text: '[1.50]' },
    { what: 'an exponent', text: '[1e2,1E-3]' },
    { what: 'a whole number written with a fraction', text: '[10.0]' },
    { what: 'an integer past 2^53', text: '[12345678901234567890,-9223372036854775808]' },
    { what: 'negative zero', text: '[-0]' },
    { what: 'numbers inside objects and lists', text: '[{"price":9.90,"tags":[0.10]}]' },
  ])('$what: read and written back as written', ({ text }) => {
    expect(exactJson(parseExactJson(text))).toBe(text);
  });

  it('white space between tokens is not kept (as Go compacts a json.RawMessage); strings and plain numbers are as JSON.parse reads them', () => {
    expect(exactJson(parseExactJson('[ 1.50 , {"a" : 2} ]'))).toBe('[1.50,{"a":2}]');
    expect(parseExactJson('[1, 2.5, "1.50", {"a": -3}]')).toEqual([1, 2.5, '1.50', { a: -3 }]);
    expect(parseExactJson('{"a": 1, "a": 2}')).toEqual({ a: 2 });
    expect(() => parseExactJson('[1.50,')).toThrow();
  });

  it('an ExactNumber compares and adds as its number in json-logic, and is written as its text by `text`', () => {
    const item = parseExactJson('[1.50]') as unknown as [ExactNumber];
    expect(item[0]).toBeInstanceOf(ExactNumber);
    expect(evaluate({ '>': [{ var: 'x' }, 1] }, { x: item[0] })).toBe(true);
    expect(evaluate({ '==': [{ var: 'x' }, 1.5] }, { x: item[0] })).toBe(true);
    expect(evaluate({ '+': [{ var: 'x' }, 1] }, { x: item[0] })).toBe(2.5);
    expect(evaluate({ text: { var: 'x' } }, { x: item[0] })).toBe('1.50');
    expect(evaluate({ text: { var: 'x' } }, { x: parseExactJson('{"p":9.90}') })).toBe('{"p":9.90}');
    // A writer that does not know it gets the nearest number, never an object.
    expect(JSON.stringify(item)).toBe('[1.5]');
  });
});

describe('every operation that tests a value sees an ExactNumber\'s number, and writers its text', () => {
  const data = { x: parseExactJson('1.50'), x2: parseExactJson('1.5e0'), z: parseExactJson('0.0'), big: parseExactJson('12345678901234567890'), h: parseExactJson('1e400') };
  it.each([
    { what: 'json-logic === with a number', logic: { '===': [{ var: 'x' }, 1.5] }, want: true },
    { what: 'json-logic === of two', logic: { '===': [{ var: 'x' }, { var: 'x2' }] }, want: true },
    { what: 'json-logic == of two', logic: { '==': [{ var: 'x' }, { var: 'x2' }] }, want: true },
    { what: 'json-logic !== with a number', logic: { '!==': [{ var: 'x' }, 1.5] }, want: false },
    { what: 'json-logic in a list', logic: { in: [{ var: 'x' }, [1.5]] }, want: true },
    { what: 'json-logic in a text, as its text', logic: { in: [{ var: 'x' }, 'v1.50'] }, want: true },
    { what: 'truthiness of 0.0', logic: { '!': { var: 'z' } }, want: true },
    { what: 'if on 0.0', logic: { if: [{ var: 'z' }, 'yes', 'no'] }, want: 'no' },
    { what: 'cat writes the text', logic: { cat: ['v', { var: 'x' }] }, want: 'v1.50' },
    { what: 'format %s writes the text', logic: { format: ['%s/%.2f', { var: 'x' }] }, want: '1.50/1.50' },
    { what: 'int truncates the number', logic: { int: { var: 'x' } }, want: 1 },
    { what: 'float', logic: { float: { var: 'x' } }, want: 1.5 },
    { what: 'expr + adds', logic: { expr: ['+', { var: 'x' }, 1] }, want: 2.5 },
    { what: 'expr < of two', logic: { expr: ['<', { var: 'z' }, { var: 'x' }] }, want: true },
    { what: 'expr in a list', logic: { expr: ['in', { var: 'x' }, [1.5]] }, want: true },
    { what: 'expr neg', logic: { expr: ['neg', { var: 'x' }] }, want: -1.5 },
  ])('$what', ({ logic, want }) => {
    expect(evaluate(logic as never, data)).toBe(want);
  });

  it('int refuses one whose digits it would change, and one past the largest number', () => {
    expect(() => evaluate({ int: { var: 'big' } }, data)).toThrow(/int: 12345678901234567890 is beyond the integers strata holds exactly/);
    expect(() => evaluate({ int: { var: 'h' } }, data)).toThrow(/int: 1e400 is beyond the largest number strata holds/);
    expect(() => evaluate({ expr: ['%', { var: 'x' }, 1] }, data)).toThrow(/% takes whole numbers/);
  });
});
