/**
 * Find one cycle in a dependency map, returned as the names along it (first repeated last).
 * The search runs over numbered nodes with its state in typed arrays: a map of state by
 * name cost four hash operations a node, a large share of validating a million nodes.
 */
export function findCycle(names: string[], deps: Map<string, string[]>): string[] | undefined {
  const index = new Map<string, number>();
  names.forEach((n, i) => index.set(n, i));
  const list: number[] = [];
  const at = new Int32Array(names.length + 1);
  for (let i = 0; i < names.length; i++) {
    // A name not among `names` has no prerequisites: it cannot be on a cycle.
    for (const d of deps.get(names[i]) ?? []) {
      const j = index.get(d);
      if (j !== undefined) list.push(j);
    }
    at[i + 1] = list.length;
  }
  return findCycleByIndex(names.length, list, at)?.map((i) => names[i]);
}

/**
 * Find one cycle among nodes `0 .. n-1` whose prerequisites are given by index in compressed
 * rows (those of node i are `deps[at[i]]` to `deps[at[i + 1] - 1]`); returned as the indexes
 * along it in run order (prerequisite first, the first repeated last). O(n + edges).
 */
export function findCycleByIndex(n: number, deps: ArrayLike<number>, at: ArrayLike<number>): number[] | undefined {
  const state = new Uint8Array(n); // 0: not seen, 1: on the stack, 2: done
  const next = new Int32Array(n); // the next edge to follow of a node on the stack
  for (let start = 0; start < n; start++) {
    if (state[start] !== 0) continue;
    // Iterative DFS so deep chains do not overflow the call stack; the stack is the path.
    const path: number[] = [start];
    state[start] = 1;
    next[start] = at[start];
    while (path.length > 0) {
      const top = path[path.length - 1];
      if (next[top] < at[top + 1]) {
        const d = deps[next[top]++];
        if (state[d] === 1) {
          // deps point at prerequisites; report the cycle in run order (prerequisite first).
          return [...path.slice(path.indexOf(d)), d].reverse();
        }
        if (state[d] === 0) {
          state[d] = 1;
          next[d] = at[d];
          path.push(d);
        }
      } else {
        state[top] = 2;
        path.pop();
      }
    }
  }
  return undefined;
}
