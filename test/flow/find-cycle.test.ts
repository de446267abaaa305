import { describe, expect, it } from 'vitest';
import { findCycle } from '../../src/flow/find-cycle.ts';

describe('findCycle', () => {
  const cases: Array<{ name: string; deps: Record<string, string[]>; want: string[] | undefined }> = [
    { name: 'none in a DAG', deps: { a: [], b: ['a'], c: ['a', 'b'] }, want: undefined },
    { name: 'a two-node cycle, prerequisite first', deps: { a: ['b'], b: ['a'] }, want: ['a', 'b', 'a'] },
    { name: 'a longer cycle, only the nodes on it', deps: { s: [], x: ['s', 'z'], y: ['x'], z: ['y'] }, want: ['x', 'y', 'z', 'x'] },
    { name: 'a self-loop', deps: { a: ['a'] }, want: ['a', 'a'] },
  ];
  for (const { name, deps, want } of cases) {
    it(name, () => {
      expect(findCycle(Object.keys(deps), new Map(Object.entries(deps)))).toEqual(want);
    });
  }

  it('walks a 100,000-long chain without overflowing the stack', () => {
    const names = Array.from({ length: 100_000 }, (_, i) => `n${i}`);
    const deps = new Map(names.map((n, i) => [n, i === 0 ? [] : [names[i - 1]]]));
    expect(findCycle(names.slice().reverse(), deps)).toBeUndefined();
  });
});
