import { describe, expect, it } from 'vitest';
import { evaluate, STEP_STATUSES, validateLogic } from '../../src/logic/json-logic.ts';

describe('json-logic', () => {
  it.each([
    ['a nested variable', { var: 'a.b' }, { a: { b: 2 } }, 2],
    ['a list length', { var: 'xs.length' }, { xs: [1, 2, 3] }, 3],
    ['a default', { var: ['nope', 5] }, {}, 5],
    ['a computed name reaching a prototype', { var: { cat: ['con', 'structor'] } }, { a: 1 }, null],
    ['an inherited method', { var: 'toString' }, {}, null],
    ['a property of a string', { var: 's.length' }, { s: 'abc' }, null],
  ])('reads %s', (_d, expr, data, want) => {
    expect(evaluate(expr as never, data)).toEqual(want);
  });

  it('has no log operation and refuses unknown operators before anything runs', () => {
    expect(validateLogic({ log: 'x' }, 'w')).toEqual([{ path: 'w', message: 'unknown json-logic operator "log"' }]);
    expect(() => evaluate({ log: 'x' } as never, {}, 'w')).toThrow(/^w: /);
  });
});

describe('json-logic status and text', () => {
  it('status reads a step\'s status by its path through the engine\'s reader; text writes a value as substitution does', () => {
    const data = { [STEP_STATUSES]: (path: string) => (path === 'a' ? 'failed' : 'pending') };
    expect(evaluate({ '==': [{ status: 'a' }, 'failed'] } as never, data)).toBe(true);
    expect(evaluate({ cat: [{ text: [['1', 2]] }, '/', { text: 'x' }, '/', { text: { var: 'o' } }] } as never, { o: { k: null } })).toBe('["1",2]/x/{"k":null}');
  });

  it('status without a reader or a path fails with a sentence, and a malformed one is refused before it runs', () => {
    expect(() => evaluate({ status: 'a' } as never, {}, 'w')).toThrow(/"status" reads steps' statuses, and there are none here/);
    expect(validateLogic({ status: [1, 2] }, 'w')).toEqual([{ path: 'w.status', message: 'must be a step path' }]);
  });
});

describe('json-logic budget', () => {
  const list = (n: number) => Array.from({ length: n }, (_, i) => i);
  const nested = (a: unknown, b: unknown, c: unknown) => ({ some: [a, { some: [b, { some: [c, { '==': [{ var: '' }, -1] }] }] }] });

  it('refuses at validation an expression whose literal lists alone exceed the budget, at the innermost part that does', () => {
    expect(validateLogic(nested(list(400), list(400), list(400)), 'spec.when')).toEqual([
      { path: 'spec.when', message: expect.stringMatching(/json-logic would need about [\d,]+ operations, more than its budget of 1,000,000/) },
    ]);
    // The heavy part nested inside something light is named, not the whole.
    const inside = { and: [true, { or: [false, nested(list(400), list(400), list(400))] }] };
    expect(validateLogic(inside, 'w')[0].path).toBe('w.and[1].or[1]');
    expect(validateLogic(nested(list(10), list(10), list(10)), 'w')).toEqual([]);
  });

  it('stops at run time what data makes heavy, with an error naming the place', () => {
    // The outer list comes from data, so its length is not known before: the estimate
    // counts it as one item, and the expression passes validation.
    const expr = nested({ var: 'xs' }, list(300), list(300));
    expect(validateLogic(expr, 'w')).toEqual([]);
    expect(() => evaluate(expr as never, { xs: list(400) }, 'spec.when')).toThrow(/spec.when: json-logic used its budget of 1,000,000 operations and was stopped/);
    try {
      evaluate(expr as never, { xs: list(400) }, 'spec.when');
    } catch (e) {
      expect((e as { code: string }).code).toBe('limit_exceeded');
    }
    expect(evaluate(expr as never, { xs: list(1) }, 'w')).toBe(false);
  });

  it('counts the size of what operations make: a string doubled in a reduce is stopped', () => {
    const doubling = { reduce: [{ var: 'xs' }, { cat: [{ var: 'accumulator' }, { var: 'accumulator' }] }, 'ab'] };
    expect(() => evaluate(doubling as never, { xs: list(64) }, 'w')).toThrow(/budget/);
    expect(evaluate(doubling as never, { xs: list(3) }, 'w')).toBe('ab'.repeat(8));
  });

  it('is counted, not timed: a budget is a number of operations, the same on every run', () => {
    const expr = { map: [{ var: 'xs' }, { '+': [{ var: '' }, 1] }] };
    const data = { xs: list(1000) };
    // Just under and just over what this evaluation needs.
    const needed = (() => {
      let lo = 1;
      let hi = 100_000;
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        try {
          evaluate(expr as never, data, 'w', mid);
          hi = mid;
        } catch {
          lo = mid + 1;
        }
      }
      return lo;
    })();
    expect(evaluate(expr as never, data, 'w', needed)).toHaveLength(1000);
    expect(() => evaluate(expr as never, data, 'w', needed - 1)).toThrow(/budget/);
    expect(needed).toBeGreaterThan(4000); // at least an apply per item, its parts and the list made
  });
});

describe('{"at": [...]}: keys read whole', () => {
  it.each([
    { what: 'a key holding a dot', logic: { at: ['params', 'a.b'] }, want: 'dotted' },
    { what: 'beside var, which splits it', logic: { var: 'params.a.b' }, want: 'nested' },
    { what: 'a list index', logic: { at: ['list', 1] }, want: 'y' },
    { what: 'a key not there', logic: { at: ['params', 'zz'] }, want: null },
    { what: 'no key through a text', logic: { at: ['params', 'a.b', 'length'] }, want: null },
  ])('$what', ({ logic, want }) => {
    expect(evaluate(logic as never, { params: { 'a.b': 'dotted', a: { b: 'nested' } }, list: ['x', 'y'] })).toBe(want);
  });

  it('refuses a forbidden name and a key that is no text or number', () => {
    expect(validateLogic({ at: ['params', '__proto__'] }, 'w').map((p) => p.message)).toEqual(['names a forbidden property']);
    expect(validateLogic({ at: ['params', true] }, 'w').map((p) => p.message)).toEqual(['must be a list of keys, each read whole: ["params", "a.b"]']);
  });
});
