/** dagReach (src/argo/dag-reach.ts): the order tasks are inlined in, ancestor queries, and whether there is a cycle (found in the same walk). */
import { describe, expect, it } from 'vitest';
import { dagReach } from '../../src/argo/dag-reach.ts';

const needs = (m: object) => new Map(Object.entries(m) as Array<[string, string[]]>);

describe('dagReach', () => {
  it.each([
    { name: 'a chain', names: ['c', 'b', 'a'], deps: { c: ['b'], b: ['a'] }, order: ['a', 'b', 'c'], acyclic: true },
    { name: 'a diamond', names: ['a', 'b', 'c', 'd'], deps: { b: ['a'], c: ['a'], d: ['b', 'c'] }, order: ['a', 'b', 'c', 'd'], acyclic: true },
    { name: 'a cycle of two', names: ['a', 'b', 'c'], deps: { a: ['b'], b: ['a'] }, order: ['c', 'a', 'b'], acyclic: false },
    { name: 'a task needing itself', names: ['a', 'b'], deps: { a: ['a'] }, order: ['b', 'a'], acyclic: false },
  ])('$name: order $order, acyclic $acyclic', ({ names, deps, order, acyclic }) => {
    const r = dagReach(names, needs(deps));
    expect(r.order).toEqual(order);
    expect(r.acyclic).toBe(acyclic);
  });

  it('answers ancestor queries', () => {
    const r = dagReach(['a', 'b', 'c', 'd'], needs({ b: ['a'], c: ['a'], d: ['b'] }));
    expect(r.reaches('a', 'd')).toBe(true);
    expect(r.reaches('c', 'd')).toBe(false);
    expect(r.reaches('d', 'a')).toBe(false);
  });
});
