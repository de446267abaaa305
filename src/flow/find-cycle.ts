/** Find one cycle in a dependency map, returned as the names along it (first repeated last). */
export function findCycle(names: string[], deps: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 1 | 2>(); // 1: on the stack, 2: done
  for (const start of names) {
    if (state.has(start)) continue;
    // Iterative DFS so deep chains do not overflow the call stack.
    const stack: Array<{ name: string; i: number }> = [{ name: start, i: 0 }];
    const path: string[] = [start];
    state.set(start, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const next = deps.get(top.name) ?? [];
      if (top.i < next.length) {
        const d = next[top.i++];
        const s = state.get(d);
        if (s === 1) {
          const from = path.indexOf(d);
          // deps point at prerequisites; report the cycle in run order (prerequisite first).
          return [...path.slice(from), d].reverse();
        }
        if (s === undefined) {
          state.set(d, 1);
          stack.push({ name: d, i: 0 });
          path.push(d);
        }
      } else {
        state.set(top.name, 2);
        stack.pop();
        path.pop();
      }
    }
  }
  return undefined;
}
