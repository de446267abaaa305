/** json-logic `jsonpath` (src/logic/jsonpath-operation.ts): what matches, and what is said when nothing does. */
import { describe, expect, it } from 'vitest';
import { evaluate, validateLogic } from '../../src/logic/json-logic.ts';

// Objects come from the data: in json-logic an object of one key is an operation.
const run = (logic: unknown) => evaluate(logic as never, { doc: { a: [{ n: 1 }, { n: 2 }] }, one: { a: 1 } });

describe('json-logic jsonpath', () => {
  it.each([
    ['one match, in JSON text', { jsonpath: ['{"a": {"b": [1, 2]}}', '$.a.b[1]'] }, 2],
    ['several matches, as a list', { jsonpath: [{ var: 'doc' }, '$.a[*].n'] }, [1, 2]],
    ['no match: null', { jsonpath: ['{"a": 1}', '$.zz'] }, null],
    ['a match with "required"', { jsonpath: ['{"a": 1}', '$.a', 'required'] }, 1],
    // Argo tester 6, Q11: a wildcard, recursive descent, union or slice gives a list whatever its count (Argo's jsonpath).
    ['a wildcard matching one: a list of one', { jsonpath: ['{"a": [{"n": 1}]}', '$.a[*].n', 'required'] }, [1]],
    ['a wildcard matching none: an empty list', { jsonpath: ['{"a": []}', '$.a[*].n', 'required'] }, []],
    ['recursive descent matching one: a list of one', { jsonpath: ['{"a": {"n": 1}}', '$..n'] }, [1]],
    ['a slice of one: a list of one', { jsonpath: [{ var: 'doc' }, '$.a[-1:]'] }, [{ n: 2 }]],
    ['a union: a list', { jsonpath: [{ var: 'doc' }, '$.a[0,1].n'] }, [1, 2]],
    ['a single index: the value', { jsonpath: [{ var: 'doc' }, '$.a[1].n'] }, 2],
  ])('%s', (_d, logic, want) => {
    expect(run(logic)).toEqual(want);
  });

  it('with "required", no match fails naming the path and what was searched (Argo tester 2, fault 5)', () => {
    expect(() => run({ jsonpath: ['{"a": 1}', '$.zz', 'required'] })).toThrow('jsonpath "$.zz" matches nothing in {"a": 1}');
    expect(() => run({ jsonpath: [{ var: 'one' }, '$.zz', 'required'] })).toThrow('jsonpath "$.zz" matches nothing in {"a":1}');
    expect(() => run({ jsonpath: ['x'.repeat(500), '$.a'] })).toThrow(/jsonpath "\$\.a": the text "x{200}"… is not JSON/);
  });

  it('refuses a third argument other than "required"', () => {
    expect(validateLogic({ jsonpath: ['{}', '$.a', 'maybe'] }, 'w')).toEqual([{ path: 'w.jsonpath', message: 'must be [value, path], or [value, path, "required"]' }]);
  });
});
