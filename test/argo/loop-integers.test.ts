/** Literal withItems numbers kept as Argo keeps them (src/argo/loop-integers.ts, N10 rests). */
import { describe, expect, it } from 'vitest';
import { exactItems } from '../../src/argo/loop-integers.ts';
import { readArgoText } from '../../src/argo/lenient-yaml.ts';
import type { JsonValue } from '../../src/flow/types.ts';

/** The `over` a document's first withItems list becomes. */
const over = (text: string): unknown => exactItems(((readArgoText(text)[0] as { withItems: JsonValue[] }).withItems));

describe('literal withItems lists', () => {
  it.each([
    { what: 'YAML: a big integer, alone and inside an object, keeps its digits; a fraction is a float, as go-yaml reads it', text: 'withItems: [1.50, 12345678901234567890, {id: 12345678901234567891}]', want: { fromJson: '[1.5,12345678901234567890,{"id":12345678901234567891}]' } },
    { what: 'YAML: a quoted big integer stays text', text: 'withItems: ["12345678901234567890"]', want: ['12345678901234567890'] },
    { what: 'YAML: a list JavaScript reads exactly stays the list', text: 'withItems: [1, a, {b: 2}]', want: [1, 'a', { b: 2 }] },
    { what: 'JSON: every number keeps its text', text: '{"withItems": [1.50, 1e2, 10.0, {"p": 9.90}, "1.50", 7], "n": 1.50}', want: { fromJson: '[1.50,1e2,10.0,{"p":9.90},"1.50",7]' } },
    { what: 'JSON: a list JavaScript reads exactly stays the list', text: '{"withItems": [1, 2.5], "n": 1.50}', want: [1, 2.5] },
  ])('$what', ({ text, want }) => {
    expect(over(text)).toEqual(want);
  });

  it('a number outside withItems is read as a number (a count, a duration)', () => {
    expect(readArgoText('{"n": 1.50, "big": 12345678901234567890}')).toEqual([{ n: 1.5, big: 12345678901234567000 }]);
  });
});
