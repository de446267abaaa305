/**
 * graph: the three traversals of DESIGN.md section 3, one driver with a pluggable
 * frontier. `dfs` and `bfs` run one node at a time (a LIFO stack / a FIFO queue);
 * `dependency` runs every ready node up to maxParallel, lowest declared index first.
 */
import type { JsonValue } from '../flow/types.ts';
import { joinId, type GraphNode } from '../plan/plan-node.ts';
import { childFailed, failureOf, type Act, type Driver, type Ops } from './act.ts';
import { indexGraph } from './graph-index.ts';
import { dfsFrontier, bfsFrontier, dependencyFrontier, type Frontier } from './frontiers.ts';

export function graphDriver(act: Act, ops: Ops): Driver {
  const node = act.node as GraphNode;
  const g = indexGraph(node);
  const frontier: Frontier =
    node.traversal === 'dfs' ? dfsFrontier(g.roots) : node.traversal === 'bfs' ? bfsFrontier(g.roots) : dependencyFrontier(g.roots);
  const limit = node.traversal === 'dependency' ? (node.maxParallel ?? Infinity) : 1;
  const state: Array<0 | 1 | 2> = g.children.map(() => 0); // 0 not started, 1 running, 2 done
  const results: Record<string, JsonValue> = {};
  let running = 0;
  let error: string | undefined;

  return {
    pump() {
      while (!error && running < limit) {
        const i = frontier.take((j) => state[j] === 0 && g.waiting[j] === 0);
        if (i === undefined) break;
        const child = g.children[i];
        state[i] = 1;
        running++;
        ops.start(ops.spawn(child, act, joinId(act.id, child.seg), act.scope, i));
      }
      if (running > 0) return;
      if (error) return ops.finish(act, 'failed', undefined, error);
      ops.finish(act, 'succeeded', results);
    },
    childDone(c) {
      const i = g.indexOf.get(c.node.seg)!;
      state[i] = 2;
      running--;
      if (childFailed(c)) {
        error ??= failureOf(c);
      } else {
        if (c.status === 'succeeded') results[c.node.seg] = c.result ?? null;
        const ready: number[] = [];
        for (const d of g.dependents[i]) if (--g.waiting[d] === 0) ready.push(d);
        frontier.finished(g.dependents[i], ready);
      }
      ops.dirty(act);
    },
  };
}
