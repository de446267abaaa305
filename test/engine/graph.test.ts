import { describe, expect, it } from 'vitest';
import { order, task } from '../fixtures/build-flow.ts';

/** A graph node: a task named by its key, waiting for `deps`. */
const n = (...deps: string[]) => task(undefined, deps.length > 0 ? { dependsOn: deps } : {});
const graph = (traversal: string | undefined, nodes: Record<string, unknown>, maxParallel?: number) => ({
  graph: { ...(traversal ? { traversal } : {}), ...(maxParallel ? { maxParallel } : {}), nodes },
});

interface Case { name: string; root: unknown; order: string[][] }

describe('graph dfs: one node at a time, a stack seeded with the roots', () => {
  const cases: Case[] = [
    {
      name: 'on a tree it is pre-order, children in declared order',
      root: graph('dfs', { r: n(), a: n('r'), b: n('r'), a1: n('a'), a2: n('a'), b1: n('b') }),
      order: [['r'], ['a'], ['a1'], ['a2'], ['b'], ['b1']],
    },
    {
      name: 'declared order, not key order, decides among siblings',
      root: graph('dfs', { r: n(), z: n('r'), a: n('r'), z1: n('z') }),
      order: [['r'], ['z'], ['z1'], ['a']],
    },
    {
      name: 'roots in declared order, the first on top: its whole subtree runs before the next root',
      root: graph('dfs', { x: n(), y: n(), x1: n('x'), y1: n('y') }),
      order: [['x'], ['x1'], ['y'], ['y1']],
    },
    {
      name: 'a node whose other dependency is not done is dropped, and comes back when it is',
      // a runs and pushes c; c runs and pushes d; d is popped but b is not done: dropped.
      // b runs and pushes d again; now d runs.
      root: graph('dfs', { a: n(), b: n(), c: n('a'), d: n('c', 'b') }),
      order: [['a'], ['c'], ['b'], ['d']],
    },
    {
      name: 'a node with several dependencies runs after its last one, not after its first',
      root: graph('dfs', { a: n(), b: n(), d: n('a', 'b') }),
      order: [['a'], ['b'], ['d']],
    },
    {
      name: 'a node pushed twice runs once (the second copy is dropped as already run)',
      // a pushes c then y (c on top); c pushes y again; y runs; the older copy of y is dropped.
      root: graph('dfs', { a: n(), c: n('a'), y: n('a', 'c'), z: n() }),
      order: [['a'], ['c'], ['y'], ['z']],
    },
    {
      name: 'a composite node runs all of its inside before the next node starts',
      root: graph('dfs', { a: { sequence: [task('x'), task('y')] }, b: n(), c: n('a') }),
      order: [['a/x'], ['a/y'], ['c'], ['b']],
    },
    {
      name: 'maxParallel does not widen dfs: one node at a time',
      root: graph('dfs', { a: n(), b: n(), c: n() }, 3),
      order: [['a'], ['b'], ['c']],
    },
  ];
  for (const { name, root, order: expected } of cases) it(name, () => {
    expect(order(root)).toEqual(expected);
  });
});

describe('graph bfs: one node at a time, a FIFO queue seeded with the roots', () => {
  const cases: Case[] = [
    {
      name: 'on a tree it is level order, children in declared order',
      root: graph('bfs', { r: n(), a: n('r'), b: n('r'), a1: n('a'), a2: n('a'), b1: n('b') }),
      order: [['r'], ['a'], ['b'], ['a1'], ['a2'], ['b1']],
    },
    {
      name: 'several roots are queued in declared order',
      root: graph('bfs', { y: n(), x: n(), y1: n('y'), x1: n('x') }),
      order: [['y'], ['x'], ['y1'], ['x1']],
    },
    {
      name: 'a dependent is appended only when its last dependency finishes',
      // a finishes: c is ready (appended), d still waits for b; b finishes: d is appended after c.
      root: graph('bfs', { a: n(), b: n(), d: n('a', 'b'), c: n('a') }),
      order: [['a'], ['b'], ['c'], ['d']],
    },
    {
      name: 'dependents made ready by one finish are appended in declared order',
      root: graph('bfs', { r: n(), q: n('r'), p: n('r') }),
      order: [['r'], ['q'], ['p']],
    },
    {
      name: 'a composite node runs all of its inside before the next node starts',
      root: graph('bfs', { a: n(), b: { sequence: [task('x'), task('y')], dependsOn: ['a'] }, c: n('a') }),
      order: [['a'], ['b/x'], ['b/y'], ['c']],
    },
  ];
  for (const { name, root, order: expected } of cases) it(name, () => {
    expect(order(root)).toEqual(expected);
  });
});

describe('graph dependency: every ready node, up to maxParallel, started in declared order', () => {
  const cases: Case[] = [
    {
      name: 'is the default traversal',
      root: graph(undefined, { a: n(), b: n(), c: n('a', 'b') }),
      order: [['a', 'b'], ['c']],
    },
    {
      name: 'unbounded: each node starts in the tick after its last dependency',
      root: graph('dependency', { a: n(), b: n(), c: n('a'), d: n('a', 'b'), e: n('c') }),
      order: [['a', 'b'], ['c', 'd'], ['e']],
    },
    {
      name: 'maxParallel caps how many run at once',
      root: graph('dependency', { a: n(), b: n(), c: n(), d: n(), e: n() }, 2),
      order: [['a', 'b'], ['c', 'd'], ['e']],
    },
    {
      name: 'ready nodes start in declared order, whatever made them ready',
      root: graph('dependency', { z: n('a'), a: n(), b: n('a') }),
      order: [['a'], ['z', 'b']],
    },
    {
      name: 'with maxParallel 1 the lowest declared ready node goes first',
      root: graph('dependency', { a: n(), c: n('a'), b: n() }, 1),
      order: [['a'], ['c'], ['b']],
    },
    {
      name: 'a composite node counts as one running node until its inside is done',
      root: graph('dependency', { a: { sequence: [task('x'), task('y')] }, b: n(), c: n(), d: n() }, 2),
      order: [['a/x', 'b'], ['a/y', 'c'], ['d']],
    },
    {
      name: 'a composite\'s first leaves start before those of nodes declared after it',
      root: graph('dependency', { a: { sequence: [task('x')] }, b: n(), c: { fanOut: { over: [1, 2], do: task() } } }),
      order: [['a/x', 'b', 'c/0', 'c/1']],
    },
    {
      name: 'a node waiting on a composite starts the tick after the composite\'s last leaf',
      root: graph('dependency', { a: { sequence: [task('x'), task('y')] }, b: n(), c: n('a'), d: n('b') }),
      order: [['a/x', 'b'], ['a/y', 'd'], ['c']],
    },
  ];
  for (const { name, root, order: expected } of cases) it(name, () => {
    expect(order(root)).toEqual(expected);
  });
});

describe('dependency order when a composite child and a leaf finish in the same tick', () => {
  it('chooses among everything that became ready, in declared order', async () => {
    const { dryRun } = await import('../../src/engine/dry-run.ts');
    const { compileFlow } = await import('../../src/plan/compile.ts');
    const { validateFlowDocument } = await import('../../src/flow/flow-document.ts');
    const t = { task: { image: 'x' } };
    const nodes = { v: t, a: { sequence: [{ id: 'a1', ...t }, { id: 'a2', ...t }] }, w: { ...t, dependsOn: ['v'] }, p1: { ...t, dependsOn: ['a'] }, p2: { ...t, dependsOn: ['a'] }, q: { ...t, dependsOn: ['w'] } };
    const doc = validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'o', version: '1' }, spec: { root: { graph: { traversal: 'dependency', maxParallel: 2, nodes } } } });
    expect(dryRun(compileFlow(doc).root).order).toEqual([['v', 'a/a1'], ['a/a2', 'w'], ['p1', 'p2'], ['q']]);
  });
});
