/** Shared bookkeeping of a graph node: declared order, dependents and dependency counts. */
import type { GraphNode, PlanNode } from '../plan/plan-node.ts';

export interface GraphIndex {
  children: PlanNode[];
  /** declared index of each child by segment */
  indexOf: Map<string, number>;
  /** dependents of each child, in declared order */
  dependents: number[][];
  /** dependencies not yet done, per child */
  waiting: number[];
  /** children without dependencies, in declared order */
  roots: number[];
}

export function indexGraph(node: GraphNode): GraphIndex {
  const children = node.children;
  const indexOf = new Map<string, number>();
  children.forEach((c, i) => indexOf.set(c.seg, i));
  const dependents: number[][] = children.map(() => []);
  const waiting = children.map((c) => c.deps?.length ?? 0);
  const roots: number[] = [];
  children.forEach((c, i) => {
    if (!c.deps || c.deps.length === 0) roots.push(i);
    for (const d of c.deps ?? []) dependents[indexOf.get(d)!].push(i);
  });
  return { children, indexOf, dependents, waiting, roots };
}
