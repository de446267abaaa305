import { describe, expect, it } from 'vitest';
import { evaluate, validateLogic } from '../../src/logic/json-logic.ts';

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
    expect(() => evaluate({ log: 'x' } as never, {}, 'w')).toThrow(/w: json-logic failed/);
  });
});
