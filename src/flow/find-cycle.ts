/**
 * Find one cycle in a dependency map, returned as the names along it (first repeated last).
 * Names are numbered once and the search keeps its state in a typed array: a map of state
 * by name cost four hash operations a node, a large share of validating a million nodes.
 */
export function findCycle(names: string[], deps: Map<string, string[]>): string[] | undefined {
  const index = new Map<string, number>();
  names.forEach((n, i) => index.set(n, i));
  const state = new Uint8Array(names.length); // 0: not seen, 1: on the stack, 2: done
  const at = new Uint32Array(names.length); // the next edge to follow of a node on the stack
  for (let start = 0; start < names.length; start++) {
    if (state[start] !== 0) continue;
    // Iterative DFS so deep chains do not overflow the call stack; the stack is the path.
    const path: number[] = [start];
    state[start] = 1;
    while (path.length > 0) {
      const top = path[path.length - 1];
      const next = deps.get(names[top]);
      if (next !== undefined && at[top] < next.length) {
        // A name not among `names` has no prerequisites: it cannot be on a cycle.
        const d = index.get(next[at[top]++]);
        if (d === undefined) continue;
        if (state[d] === 1) {
          // deps point at prerequisites; report the cycle in run order (prerequisite first).
          return [...path.slice(path.indexOf(d)), d].map((i) => names[i]).reverse();
        }
        if (state[d] === 0) {
          state[d] = 1;
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
