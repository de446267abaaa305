/**
 * Which tasks of an Argo DAG a task may read (its ancestors) and the order to inline them in,
 * in near-linear work on a long chain (Argo tester 3, N9: a fresh search per sibling per task
 * made a 3,000-task chain cubic). The order is Kahn's topological sort taking the ready task
 * written first (as the import did before); an ancestor query searches up from the reading
 * task and never climbs past a task placed before the one asked about, since none of that
 * task's ancestors can be it.
 */
import { MinHeap } from '../flow/min-heap.ts';

/** Work the ancestor queries did: the tasks they visited (tests count work with it instead of timing it). */
export interface ReachWork {
  visited: number;
}

/** The order tasks are placed in and ancestor queries over it. */
export interface DagReach {
  /** the task names, each prerequisite before what needs it (the tasks of a cycle in the order written) */
  order: string[];
  /** true when `from` is among the tasks `to` depends on, directly or not */
  reaches(from: string, to: string): boolean;
  /** false when some tasks depend on each other in a cycle (find-cycle.ts names it) */
  acyclic: boolean;
}

/**
 * `names` in document order, `needs` each task's known prerequisites (every name among
 * `names`). O((n + e) log n) for the order; a query visits only ancestors of `to` placed
 * after `from`. Each task a query visits is counted in `work`, when given.
 */
export function dagReach(names: string[], needs: Map<string, string[]>, work?: ReachWork): DagReach {
  const index = new Map<string, number>();
  names.forEach((n, i) => index.set(n, i));
  const waiting = new Int32Array(names.length);
  const dependents: number[][] = names.map(() => []);
  names.forEach((n, i) => {
    const ds = new Set(needs.get(n) ?? []);
    waiting[i] = ds.size;
    for (const d of ds) dependents[index.get(d)!].push(i);
  });
  const ready = new MinHeap();
  names.forEach((_, i) => {
    if (waiting[i] === 0) ready.push(i);
  });
  const position = new Int32Array(names.length).fill(-1);
  const order: string[] = [];
  let firstUnplaced = 0;
  let acyclic = true;
  while (order.length < names.length) {
    let i: number;
    if (ready.size > 0) i = ready.pop()!;
    else {
      // Only the tasks of a cycle are left waiting: place the first written, as before.
      acyclic = false;
      while (position[firstUnplaced] !== -1) firstUnplaced++;
      i = firstUnplaced;
    }
    if (position[i] !== -1) continue;
    position[i] = order.length;
    order.push(names[i]);
    for (const j of dependents[i]) if (--waiting[j] === 0 && position[j] === -1) ready.push(j);
  }
  const reaches = (from: string, to: string): boolean => {
    const f = index.get(from);
    const t = index.get(to);
    if (f === undefined || t === undefined) return false;
    // In a topological order nothing placed before `from` has it as an ancestor (with a cycle the order proves nothing).
    const floor = acyclic ? position[f] : -1;
    if (acyclic && floor >= position[t]) return false;
    const seen = new Set<number>();
    const stack = [t];
    while (stack.length > 0) {
      const n = stack.pop()!;
      for (const d of needs.get(names[n]) ?? []) {
        const k = index.get(d)!;
        if (k === f) return true;
        if (seen.has(k) || position[k] < floor) continue;
        seen.add(k);
        if (work) work.visited++;
        stack.push(k);
      }
    }
    return false;
  };
  return { order, reaches, acyclic };
}
