import { describe, expect, it } from 'vitest';
import { nestsDeeperThan } from '../../src/argo/expression-depth.ts';

describe('nestsDeeperThan: an expression\'s levels counted in its text (R10)', () => {
  it.each([
    ['a variable is one level', 'x', 1, false],
    ['a parenthesis and its operand are two', '(x)', 1, true],
    ['a call and its argument are two', 'f(x)', 2, false],
    ['brackets inside strings are text', `'((((((' + "[[[[[["`, 1, false],
    ['an escaped quote keeps the string open', `'\\'((((((('`, 1, false],
    ['!= and == are binary, not prefix', 'a != b == !c', 2, false],
    ['prefix operators in a row count each', '!!!x', 3, true],
    ['- after an operand is binary', 'a - - b', 2, false],
    ['not as a word is prefix', 'not not x', 2, true],
    ['and, or, in are binary words', 'a and b or c in d', 1, false],
    ['ternaries in the consequent count each', 'a ? b ? c : d : e', 2, true],
    ['ternaries in the alternate count each', 'a ? b : c ? d : e', 2, true],
    ['a comma ends a ternary', 'f(a ? b : c, d ? e : f)', 3, false],
    ['a closed parenthesis gives its levels back', '(((x))) + (((y)))', 4, false],
    ['member chains are left to the tree', 'a.b.c.d.e.f', 1, false],
    ['numbers with dots are one operand', '1.5 + .5', 1, false],
  ])('%s', (_d, expr, max, deeper) => {
    expect(nestsDeeperThan(expr, max)).toBe(deeper);
  });

  it('is linear: 1,000,000 parentheses are counted without recursion', () => {
    expect(nestsDeeperThan(`${'('.repeat(1_000_000)}x${')'.repeat(1_000_000)}`, 64)).toBe(true);
  });
});
