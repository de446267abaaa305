/** The nesting count of JSON text and data (src/logic/json-nesting.ts), against the depth JSON.parse finds. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonTooDeep, valueTooDeep } from '../../src/logic/json-nesting.ts';

/** Depth of parsed data, naively (only small data here). */
function depth(v: unknown): number {
  if (v === null || typeof v !== 'object') return 0;
  const kids = Array.isArray(v) ? v : Object.values(v);
  return 1 + Math.max(0, ...kids.map(depth));
}

describe('jsonTooDeep', () => {
  it('agrees with the depth of the parsed value, for any JSON and any limit', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.nat(9), (v, max) => {
        expect(jsonTooDeep(JSON.stringify(v), max)).toBe(depth(v) > max);
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('counts no bracket inside a string, escaped quotes included', () => {
    expect(jsonTooDeep(JSON.stringify(['[[[[', '\\"[[[[', { k: '{{{{' }]), 2)).toBe(false);
    expect(jsonTooDeep(JSON.stringify([['"[']]), 1)).toBe(true);
  });

  it('reads text that is not JSON without failing, and a 6,000-deep text as too deep for 256', () => {
    expect(jsonTooDeep('[1, 2', 1)).toBe(false);
    expect(jsonTooDeep('plain text', 0)).toBe(false);
    expect(jsonTooDeep(`[1, ${'['.repeat(6000)}2${']'.repeat(6000)}]`, 256)).toBe(true);
  });
});

describe('valueTooDeep', () => {
  it('tells data deeper than the limit, and a string that is JSON text deeper than it, wherever it sits', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(valueTooDeep(deep, 256)).toBe(true);
    expect(valueTooDeep({ a: [[1]] }, 3)).toBe(false);
    expect(valueTooDeep({ a: [[[1]]] }, 3)).toBe(true);
    expect(valueTooDeep({ a: `${'['.repeat(300)}${']'.repeat(300)}` }, 256)).toBe(true);
    expect(valueTooDeep({ a: '[[[]]]' }, 256)).toBe(false);
  });
});
