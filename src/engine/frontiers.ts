/**
 * The three traversal orders as frontiers: what a graph node may start next. Indexes
 * are declared positions of the graph's children.
 */
import { MinHeap } from '../flow/min-heap.ts';
import { appendAll } from '../flow/append-all.ts';
import type { GraphIndex } from './graph-index.ts';

export interface Frontier {
  /** the next child to start, if any, among those `ok` accepts; dropped entries are consumed */
  take(ok: (i: number) => boolean): number | undefined;
  /** child `i` finished: those of its dependents now ready, in declared order */
  finished(i: number, ready: number[]): void;
}

/** dfs: a stack seeded with the roots, first on top; a finished node pushes its dependents, first on top. */
export function dfsFrontier(g: GraphIndex): Frontier {
  const stack = [...g.roots].reverse();
  return {
    take(ok) {
      while (stack.length > 0) {
        const i = stack.pop()!;
        if (ok(i)) return i; // else: already run, or waits for a dependency (it comes back then)
      }
      return undefined;
    },
    finished(i) {
      for (let k = g.dependentsAt[i + 1] - 1; k >= g.dependentsAt[i]; k--) stack.push(g.dependents[k]);
    },
  };
}

/** bfs: a FIFO queue seeded with the roots; a finished node appends its now-ready dependents. */
export function bfsFrontier(roots: number[]): Frontier {
  const queue = [...roots];
  let head = 0;
  return {
    take(ok) {
      while (head < queue.length) {
        const i = queue[head++];
        if (ok(i)) return i;
      }
      return undefined;
    },
    finished(_i, ready) {
      appendAll(queue, ready);
    },
  };
}

/** dependency: every ready node, lowest declared index first. */
export function dependencyFrontier(roots: number[]): Frontier {
  const heap = new MinHeap();
  for (const r of roots) heap.push(r);
  return {
    take(ok) {
      while (heap.size > 0) {
        const i = heap.pop()!;
        if (ok(i)) return i;
      }
      return undefined;
    },
    finished(_i, ready) {
      for (const r of ready) heap.push(r);
    },
  };
}
