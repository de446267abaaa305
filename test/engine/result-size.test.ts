import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResultSizes } from '../../src/engine/result-size.ts';
import type { JsonValue } from '../../src/flow/types.ts';

const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v)).length;

describe('ResultSizes', () => {
  it('counts the UTF-8 bytes JSON.stringify writes, for any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      expect(new ResultSizes().of(v as JsonValue)).toBe(bytes(v));
    }));
  });

  it('counts escapes, non-ASCII text and surrogate pairs as JSON writes them', () => {
    const v = { 'ké\n': ['"\\', '日本', '😀', '\u0001'], n: -1.5e-7 };
    expect(new ResultSizes().of(v)).toBe(bytes(v));
  });

  it('remembers a child result, so a composite holding it is counted from what it adds', () => {
    const sizes = new ResultSizes();
    const child = { big: 'x'.repeat(1000) };
    expect(sizes.of(child)).toBe(bytes(child));
    const parent = { a: child, b: child };
    expect(sizes.of(parent)).toBe(bytes(parent));
    // Mutating the remembered child does not change its count: results are never mutated after they are finished.
    (child as Record<string, unknown>).more = 1;
    expect(sizes.of(child)).toBe(1000 + 10);
  });
});
