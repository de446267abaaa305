import { describe, expect, it } from 'vitest';
import { paramsReadBy, requestParamProblems, undeclaredParamProblems } from '../../src/flow/undeclared-params.ts';

describe('paramsReadBy', () => {
  const cases: Array<[string, unknown, string[] | undefined]> = [
    ['a literal reads none', { count: 5, name: 'params.x' }, []],
    ['a var by name', { count: { var: 'params.n' } }, ['n']],
    ['a var with a default, deep inside a literal', { a: { b: [{ var: ['params.n.x', 1] }] } }, ['n']],
    ['a var of something else', { a: { var: 'results.s' } }, []],
    ['params whole', { a: { var: 'params' } }, undefined],
    ['the whole data', { a: { var: '' } }, undefined],
    ['a computed name', { a: { var: { cat: ['params.', 'n'] } } }, undefined],
    ['a test of presence', { a: { missing: ['params.n'] } }, undefined],
    ['an index', { a: { var: 0 } }, []],
  ];
  for (const [what, value, want] of cases) it(what, () => expect(paramsReadBy(value) === undefined ? undefined : [...paramsReadBy(value)!].sort()).toEqual(want));
});

describe('the refusals', () => {
  it('a flow without spec.params takes any; one with refuses others by name', () => {
    expect(undeclaredParamProblems({ x: 1 }, undefined, 'params', 'f@1')).toEqual([]);
    expect(undeclaredParamProblems({ cont: 1, count: 2 }, { count: 1 }, 'params', 'f@1')).toEqual([{ path: 'params.cont', message: 'flow f@1 declares no param "cont" (did you mean "count"?) (its spec.params: count)' }]);
  });

  it('a { use } request refuses params no with value reads, naming the used flow\'s nearest', () => {
    expect(requestParamProblems({ n: 1 }, { count: { var: 'params.n' } }, 'f@1', { count: 1 })).toEqual([]);
    expect(requestParamProblems({ cont: 1 }, {}, 'f@1', { count: 1 }).map((p) => p.path)).toEqual(['params.cont']);
    expect(requestParamProblems({ cont: 1 }, {}, 'f@1', { count: 1 })[0].message).toContain('(did you mean "count"?)');
    expect(requestParamProblems({ any: 1 }, { all: { var: 'params' } }, 'f@1', { count: 1 })).toEqual([]);
  });

  it("names no other param for a key the used flow declares: the key is right, its place is with (tester 18: params.x said 'did you mean \"y\"?')", () => {
    const [p] = requestParamProblems({ x: 5 }, {}, 'nums@1', { x: 1, y: [1, 2] });
    expect(p.message).toBe('no with value of { use: nums@1 } reads param "x" (a { use } request\'s params reach nums@1 only through its with: give its parameters there, as with.x)');
  });
});
