import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/logic/json-logic.ts';
import { losslessJson, recordOrText, recordsOrTexts, textOrJson, STDOUT_RESULT_LIMIT } from '../../src/logic/json-text.ts';
import { exactJson } from '../../src/logic/exact-number.ts';

describe('text that may be JSON, read without changing it', () => {
  it.each([
    ['42', 42],
    ['[1, 2]', [1, 2]],
    ['{"id": 1, "b": [true, null]}', { id: 1, b: [true, null] }],
    ['"a b"', 'a b'],
    ['1.50', undefined],
    ['1e3', undefined],
    ['12345678901234567890', undefined],
    ['{"a": 1.0}', undefined],
    ['"\\u0041"', undefined],
    ['0010', undefined],
    ['2026-11-28', undefined],
  ])('%j: %j', (text, want) => expect(losslessJson(text)).toEqual(want));

  it('gives the trimmed text where JSON would lose it', () => {
    expect(textOrJson(' 2.50\n')).toBe('2.50');
    expect(textOrJson(' [1, 2]\n')).toEqual([1, 2]);
  });

  it('fromJson reads a string as JSON, passes other values, and says what is not JSON', () => {
    expect(evaluate({ fromJson: { var: 'x' } } as never, { x: '["a", "b"]' })).toEqual(['a', 'b']);
    expect(evaluate({ fromJson: { var: 'x' } } as never, { x: [1] })).toEqual([1]);
    expect(() => evaluate({ fromJson: 'not json' } as never, {})).toThrow('the text "not json" is not JSON');
    const cut = `[${'1,'.repeat(STDOUT_RESULT_LIMIT / 2)}`.slice(0, STDOUT_RESULT_LIMIT);
    expect(() => evaluate({ fromJson: cut } as never, {})).toThrow(`a standard output longer than ${STDOUT_RESULT_LIMIT} bytes is cut there`);
  });
});

describe('recordsOrTexts: a fan-out\'s aggregated parameter as Argo\'s aggregatedJSONValueList', () => {
  it.each([
    { what: 'every value an object or a list: the values', values: ['{"a": 1.50}', ' [1, 2]'], want: '[{"a":1.50},[1,2]]' },
    { what: 'one plain text: the texts', values: ['{"a": 1}', 'abc'], want: '["{\\"a\\": 1}","abc"]' },
    { what: 'a JSON scalar is no record: the texts', values: ['{"a": 1}', '2'], want: '["{\\"a\\": 1}","2"]' },
    { what: 'text that starts like JSON but is not: the texts', values: ['{"a": 1}', '{oops'], want: '["{\\"a\\": 1}","{oops"]' },
    { what: 'a null (an item that gave nothing): the values as they are', values: ['{"a": 1}', null], want: '["{\\"a\\": 1}",null]' },
    { what: 'none', values: [], want: '[]' },
  ])('$what', ({ values, want }) => {
    expect(exactJson(recordsOrTexts(values))).toBe(want);
  });
});

describe('recordOrText: one item\'s result in a fan-out\'s list, as Argo\'s processAggregateNodeOutputs reads a loop result', () => {
  it.each([
    { what: 'a text holding a JSON object: the object, numbers as written', value: ' {"name": "a", "n": 1.50}', want: '{"name":"a","n":1.50}' },
    { what: 'a text holding a JSON list: the list, as Argo keeps raw JSON (S1)', value: '[1, 2]', want: '[1,2]' },
    { what: 'a JSON number: that number as written', value: '1.50', want: '1.50' },
    { what: 'a JSON number in exponent form or past 2^53: its text kept', value: '12345678901234567890', want: '12345678901234567890' },
    { what: 'a number with space around it: the number', value: ' 5 ', want: '5' },
    { what: 'true and null texts: the JSON values', value: 'true', want: 'true' },
    { what: 'a list of lists: the lists', value: '[[1, 2], [3]]', want: '[[1,2],[3]]' },
    { what: 'text that is no JSON (leading zeros, words): the text', value: '007', want: '"007"' },
    { what: 'a plain word: the text', value: 'x', want: '"x"' },
    { what: 'text that starts like JSON but is not: the text', value: '{oops', want: '"{oops"' },
    { what: 'a value that is no text: as it is', value: { a: 1 }, want: '{"a":1}' },
    { what: 'null (an item that gave nothing): null', value: null, want: 'null' },
  ])('$what', ({ value, want }) => {
    expect(exactJson(recordOrText(value))).toBe(want);
  });

  it('a text nested deeper than strata reads stays text', () => {
    const deep = `${'{"a":'.repeat(400)}1${'}'.repeat(400)}`;
    expect(recordOrText(deep)).toBe(deep);
  });
});

describe('a step\'s output read as JSON that gives a key twice: refused, naming the key (Go\'s json.Unmarshal keeps the last)', () => {
  const twice = (key: string, where: string) => `the key "${key}" is given twice in ${where}`;
  it.each([
    { what: 'fromJson of a list', read: () => evaluate({ fromJson: [{ var: 'x' }, 'list'] } as never, { x: '[{"a": 1, "a": 2}]' }), said: `at $[0].a: ${twice('a', '$[0]')}` },
    { what: 'fromJson with exact numbers', read: () => evaluate({ fromJson: { var: 'x' } } as never, { x: '{"p": 1.50, "q": {"r": 1, "r": 1}}' }), said: `at $.q.r: ${twice('r', '$.q')}` },
    { what: 'a key written with an escape is the same key', read: () => evaluate({ fromJson: { var: 'x' } } as never, { x: '{"a": 1, "\\u0061": 2}' }), said: `at $.a: ${twice('a', '$')}` },
    { what: 'jsonpath of a text', read: () => evaluate({ jsonpath: [{ var: 'x' }, '$.b'] } as never, { x: '{"a": 1, "a": 2, "b": 3}' }), said: `jsonpath "$.b": the text "{\\"a\\": 1, \\"a\\": 2, \\"b\\": 3}" at $.a: ${twice('a', '$')}` },
    { what: 'a loop item\'s result', read: () => recordOrText('{"k": 1, "k": 2}'), said: `at $.k: ${twice('k', '$')}` },
    { what: 'a loop\'s aggregated parameter, naming the item', read: () => recordsOrTexts(['{"k": 1}', '{"k": 1, "k": 2}'], (i) => `item ${i}`), said: `item 1: the text "{\\"k\\": 1, \\"k\\": 2}" at $.k: ${twice('k', '$')}` },
  ])('$what', ({ read, said }) => {
    expect(read).toThrow(said);
  });

  it('the same key in two objects, or inside a string, is no key given twice', () => {
    expect(evaluate({ fromJson: { var: 'x' } } as never, { x: '[{"a": 1}, {"a": 2}, "{\\"a\\": 1, \\"a\\": 2}"]' })).toEqual([{ a: 1 }, { a: 2 }, '{"a": 1, "a": 2}']);
    expect(recordOrText('{"a": {"a": 1}}')).toEqual({ a: { a: 1 } });
  });
});
