/**
 * Shared bookkeeping of a graph node: declared order, dependents and dependency counts.
 * Dependencies and dependents are kept by index in flat typed arrays (compressed rows: the
 * entries of child i are `list[at[i]]` to `list[at[i + 1] - 1]`): a graph of a million
 * children made a million small arrays, and its drivers looked each dependency up by name.
 */
import type { GraphNode, PlanNode } from '../plan/plan-node.ts';

export interface GraphIndex {
  children: PlanNode[];
  /** declared index of each child by segment */
  indexOf: Map<string, number>;
  /** dependents of each child, in declared order (compressed rows over `dependentsAt`) */
  dependents: Int32Array;
  dependentsAt: Int32Array;
  /** dependencies of each child by index, in the order of its `deps` (compressed rows over `depsAt`) */
  deps: Int32Array;
  depsAt: Int32Array;
  /** dependencies not yet done, per child */
  waiting: Int32Array;
  /** children without dependencies, in declared order */
  roots: number[];
}

/** Index `node`'s children (O(children + dependencies)). */
export function indexGraph(node: GraphNode): GraphIndex {
  const children = node.children;
  const n = children.length;
  const indexOf = new Map<string, number>();
  for (let i = 0; i < n; i++) indexOf.set(children[i].seg, i);
  const depsAt = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) depsAt[i + 1] = depsAt[i] + (children[i].deps?.length ?? 0);
  const deps = new Int32Array(depsAt[n]);
  const dependentsAt = new Int32Array(n + 1);
  const waiting = new Int32Array(n);
  const roots: number[] = [];
  for (let i = 0; i < n; i++) {
    const names = children[i].deps;
    const count = names?.length ?? 0;
    waiting[i] = count;
    if (count === 0) roots.push(i);
    for (let k = 0; k < count; k++) {
      const d = indexOf.get(names![k])!;
      deps[depsAt[i] + k] = d;
      dependentsAt[d + 1]++;
    }
  }
  for (let i = 0; i < n; i++) dependentsAt[i + 1] += dependentsAt[i];
  // Filled child by child in declared order, so each child's dependents are in declared order too.
  const dependents = new Int32Array(dependentsAt[n]);
  const filled = dependentsAt.slice(0, n);
  for (let i = 0; i < n; i++) for (let k = depsAt[i]; k < depsAt[i + 1]; k++) dependents[filled[deps[k]]++] = i;
  return { children, indexOf, dependents, dependentsAt, deps, depsAt, waiting, roots };
}

