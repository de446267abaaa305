import { describe, expect, it } from 'vitest';
import { heldStructure, listAsTextHint } from '../../src/logic/param-value.ts';

describe('heldStructure', () => {
  it.each([
    ['a list whose number is written with a trailing zero', '[1.5,2.50]', [1.5, 2.5]],
    ['an object with 1.0', '[{"p":1.0}]', [{ p: 1 }]],
    ['an exponent', '{"n":1e2}', { n: 100 }],
    ['a whole number past 2^53: text', '[12345678901234567890]', undefined],
    ['a number past the range: text', '[1e309]', undefined],
    ['a key twice: text', '{"a":1,"a":2}', undefined],
    ['a single number keeps its text', '2.50', undefined],
    ['not JSON', '[1,', undefined],
  ])('%s', (_d, text, want) => {
    expect(heldStructure(text)).toEqual(want);
  });
});

describe('listAsTextHint', () => {
  it.each([
    ['a list with a number strata cannot hold', '[12345678901234567890]', /^: it is text, the whole number 12345678901234567890 cannot be held exactly .* write that number as text in the list/],
    ['a list text', '["a"]', /^: it is text .* \{"fromJson": \.\.\.\}$/],
    ['any other text', 'eu,us', /^$/],
    ['no text', 3, /^$/],
  ])('%s', (_d, value, want) => {
    expect(listAsTextHint(value)).toMatch(want);
  });
});
