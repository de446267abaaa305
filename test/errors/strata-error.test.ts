import { describe, expect, it } from 'vitest';
import { echoed, invalid, shortenEchoes } from '../../src/errors/strata-error.ts';

describe('user text echoed in errors (Argo tester 2, fault 13)', () => {
  it('echoed keeps text up to the limit and shortens longer text, saying its length', () => {
    expect(echoed('x'.repeat(80))).toBe('x'.repeat(80));
    expect(echoed('x'.repeat(81))).toBe(`${'x'.repeat(40)}…(81 characters)`);
  });

  it('shortenEchoes shortens long runs of name characters, keeps long paths of short parts whole', () => {
    const path = `spec.root${'.sequence[0]'.repeat(48)}`;
    expect(shortenEchoes(path)).toBe(path);
    expect(shortenEchoes(`nodes.${'é'.repeat(5000)}: no node named "${'b'.repeat(100)}"`)).toBe(`nodes.${'é'.repeat(40)}…(5000 characters): no node named "${'b'.repeat(40)}…(100 characters)"`);
  });

  it('invalid shortens every problem it lists, in the message and in details', () => {
    const e = invalid([{ path: `a.${'n'.repeat(5000)}`, message: `bad "${'v'.repeat(5000)}"` }]);
    expect(e.message).toBe(`a.${'n'.repeat(40)}…(5000 characters): bad "${'v'.repeat(40)}…(5000 characters)"`);
    expect(e.details.problems).toEqual([{ path: `a.${'n'.repeat(40)}…(5000 characters)`, message: `bad "${'v'.repeat(40)}…(5000 characters)"` }]);
  });
});
