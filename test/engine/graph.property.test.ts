/**
 * Properties of the graph traversals on random graphs: the dependency traversal against
 * its definition, dfs and bfs on random trees against graphology-traversal as an
 * independent reference.
 */
import fc from 'fast-check';
import { DirectedGraph } from 'graphology';
import { bfsFromNode, dfsFromNode } from 'graphology-traversal';
import { describe, expect, it } from 'vitest';
import { dryRun } from '../../src/engine/dry-run.ts';
import { compile, task } from '../fixtures/build-flow.ts';
import { done, engine, failed, ok, started } from './drive.ts';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const name = (i: number) => `n${i}`;

/** A random DAG: node i may depend on any node created before it; declared in a random order. */
const dagArb = fc.integer({ min: 1, max: 24 }).chain((n) =>
  fc.record({
    deps: fc.tuple(...range(n).map((i) => fc.subarray(range(i)))),
    declared: fc.shuffledSubarray(range(n), { minLength: n, maxLength: n }),
    maxParallel: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
    picks: fc.array(fc.nat(), { minLength: 1, maxLength: 64 }),
  }),
);
type Dag = { deps: number[][]; declared: number[]; maxParallel?: number; picks: number[] };

function graphRoot(traversal: string, d: { deps: number[][]; declared: number[]; maxParallel?: number }) {
  const nodes = Object.fromEntries(d.declared.map((i) => [name(i), task(undefined, d.deps[i].length > 0 ? { dependsOn: d.deps[i].map(name) } : {})]));
  return { graph: { traversal, ...(d.maxParallel ? { maxParallel: d.maxParallel } : {}), nodes } };
}

/** The dependency traversal by its definition: each tick, the ready nodes in declared order, at most maxParallel. */
function referenceDependencyOrder(d: Dag): string[][] {
  const doneSet = new Set<number>();
  const order: string[][] = [];
  while (doneSet.size < d.declared.length) {
    const ready = d.declared.filter((i) => !doneSet.has(i) && d.deps[i].every((p) => doneSet.has(p)));
    const tick = ready.slice(0, d.maxParallel ?? Infinity);
    tick.forEach((i) => doneSet.add(i));
    order.push(tick.map(name));
  }
  return order;
}

describe('graph dependency traversal on random DAGs', () => {
  it('finishing leaves in any order: no step starts before its dependencies finished, never more than maxParallel run, each runs once', () => {
    fc.assert(
      fc.property(dagArb, (d) => {
        const deps = new Map(range(d.deps.length).map((i) => [name(i), d.deps[i].map(name)]));
        const e = engine(compile(graphRoot('dependency', d)).root);
        const finished = new Set<string>();
        const running: string[] = [];
        const seen = new Set<string>();
        let cmds = e.start();
        for (let k = 0; ; k++) {
          for (const s of started(cmds)) {
            expect(seen.has(s)).toBe(false);
            expect(deps.get(s)!.filter((p) => !finished.has(p))).toEqual([]);
            seen.add(s);
            running.push(s);
          }
          expect(running.length).toBeLessThanOrEqual(d.maxParallel ?? Infinity);
          if (done(cmds)) break;
          expect(running.length).toBeGreaterThan(0);
          const [s] = running.splice(d.picks[k % d.picks.length] % running.length, 1);
          finished.add(s);
          cmds = e.apply(ok(s));
        }
        expect(done(cmds)?.status).toBe('succeeded');
        expect(seen.size).toBe(d.deps.length);
      }),
    );
  });

  it('the dry run is the definition: ready nodes in declared order, up to maxParallel a tick', () => {
    fc.assert(
      fc.property(dagArb, (d) => {
        const c = compile(graphRoot('dependency', d));
        expect(dryRun(c.root).order).toEqual(referenceDependencyOrder(d));
      }),
    );
  });

  it('after a failure nothing downstream of it starts, running leaves finish before the run fails', () => {
    fc.assert(
      fc.property(dagArb, fc.nat(), (d, f) => {
        const bad = name(f % d.deps.length);
        // node i depends only on nodes created before it, so one pass in creation order finds them all
        const downstream = new Set<string>();
        d.deps.forEach((ps, i) => {
          if (ps.some((p) => name(p) === bad || downstream.has(name(p)))) downstream.add(name(i));
        });
        const e = engine(compile(graphRoot('dependency', d)).root);
        const running: string[] = [];
        let cmds = e.start();
        for (let k = 0; !done(cmds); k++) {
          for (const s of started(cmds)) {
            expect(downstream.has(s)).toBe(false);
            running.push(s);
          }
          const [s] = running.splice(d.picks[k % d.picks.length] % running.length, 1);
          cmds = e.apply(s === bad ? failed(s) : ok(s));
        }
        // the run ends only when nothing it started is still running
        expect(running).toEqual([]);
        expect(done(cmds)).toMatchObject({ status: 'failed', error: `step ${bad} failed: exit code 1` });
      }),
    );
  });
});

/** A random forest: node i (i > 0) has parent in [−1, i) where −1 is a root; declared in random order. */
const forestArb = fc.integer({ min: 1, max: 40 }).chain((n) =>
  fc.record({
    parent: fc.tuple(...range(n).map((i) => (i === 0 ? fc.constant(-1) : fc.integer({ min: -1, max: i - 1 })))),
    declared: fc.shuffledSubarray(range(n), { minLength: n, maxLength: n }),
  }),
);

/**
 * graphology-traversal's order for the same forest. A virtual root holds the real roots, so
 * roots come in declared order too. graphology's dfs pops the last-pushed neighbour first,
 * so for a pre-order with children in declared order the edges are added in reverse.
 */
function reference(kind: 'dfs' | 'bfs', f: { parent: number[]; declared: number[] }): string[] {
  const g = new DirectedGraph();
  g.addNode('$');
  f.declared.forEach((i) => g.addNode(name(i)));
  const edges = f.declared.map((i) => [f.parent[i] === -1 ? '$' : name(f.parent[i]), name(i)] as const);
  for (const [a, b] of kind === 'dfs' ? [...edges].reverse() : edges) g.addDirectedEdge(a, b);
  const out: string[] = [];
  (kind === 'dfs' ? dfsFromNode : bfsFromNode)(g, '$', (node) => void (node !== '$' && out.push(node)));
  return out;
}

describe('graph dfs and bfs on random trees, against graphology-traversal', () => {
  const cases = [
    { traversal: 'dfs' as const, what: 'pre-order' },
    { traversal: 'bfs' as const, what: 'level order' },
  ];
  for (const { traversal, what } of cases) it(`${traversal} is ${what}, children in declared order, one node a tick`, () => {
    fc.assert(
      fc.property(forestArb, (f) => {
        const deps = f.parent.map((p) => (p === -1 ? [] : [p]));
        const c = compile(graphRoot(traversal, { deps, declared: f.declared }));
        const { order, status } = dryRun(c.root);
        expect(status).toBe('succeeded');
        expect(order.every((tick) => tick.length === 1)).toBe(true);
        expect(order.flat()).toEqual(reference(traversal, f));
      }),
    );
  });
});
