/** The registered flows a document refers to: every `use: "name@version"` inside it, at any depth. Pure. */

/**
 * The refs of `use` nodes anywhere in `value` (a Flow's spec, a Rule's emit), each once, in
 * the order met. A task's or generate step's spec holds no node, so it is not walked (a
 * generated flow's 100,000 tasks cost nothing), and only objects and arrays are put on the
 * stack, an object's keys listed without their values.
 */
export function usesOf(value: unknown): string[] {
  const out = new Set<string>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (const c of v) if (c !== null && typeof c === 'object') stack.push(c);
    } else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.use === 'string') out.add(o.use);
      for (const k of Object.keys(o)) {
        if (k === 'task' || k === 'generate') continue;
        const c = o[k];
        if (c !== null && typeof c === 'object') stack.push(c);
      }
    }
  }
  return [...out];
}

/**
 * Each use node written with a plain string `use` inside `value` (a json-logic `use` is
 * computed later: left out), in document order: its ref, its path (`<base>.sequence[0]`,
 * or '' for `value` itself when base is '') and its `with`.
 */
export function useNodes(value: unknown, base: string): Array<{ ref: string; path: string; with?: unknown }> {
  const out: Array<{ ref: string; path: string; with?: unknown }> = [];
  const stack: Array<[unknown, string]> = [[value, base]];
  while (stack.length > 0) {
    const [v, p] = stack.pop()!;
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, `${p}[${i}]`]));
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.use === 'string') out.push({ ref: o.use, path: p, ...(o.with !== undefined ? { with: o.with } : {}) });
      for (const k of Object.keys(o)) if (o[k] && typeof o[k] === 'object') stack.push([o[k], p ? `${p}.${k}` : k]);
    }
  }
  return out.reverse();
}

/**
 * Flows in registration order: each after the flows of `flows` it uses, in its root or its
 * exit handler (their order otherwise), so each one's units are registered when it is
 * checked. A use cycle keeps the order it is met in (the compiler names the cycle).
 */
export function inUseOrder<F extends { metadata: { name: string; version: string }; spec: { root: unknown; onExit?: unknown } }>(flows: F[]): F[] {
  const refOf = (f: F): string => `${f.metadata.name}@${f.metadata.version}`;
  const byRef = new Map(flows.map((f) => [refOf(f), f]));
  const out: F[] = [];
  const state = new Map<string, 1 | 2>();
  const visit = (f: F): void => {
    const ref = refOf(f);
    if (state.has(ref)) return; // done, or on the way (a cycle)
    state.set(ref, 1);
    // Its exit handler's uses too: a flow used only there is one of its units all the same.
    for (const u of usesOf([f.spec.root, f.spec.onExit ?? null])) {
      const dep = byRef.get(u);
      if (dep) visit(dep);
    }
    state.set(ref, 2);
    out.push(f);
  };
  flows.forEach(visit);
  return out;
}
