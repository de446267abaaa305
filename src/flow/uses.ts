/** The registered flows a document refers to: every `use: "name@version"` inside it, at any depth. Pure. */

/** The refs of `use` nodes anywhere in `value` (a Flow's spec, a Rule's emit), each once. */
export function usesOf(value: unknown): string[] {
  const out = new Set<string>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) stack.push(...v);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.use === 'string') out.add(o.use);
      for (const k of Object.keys(o)) if (typeof o[k] === 'object') stack.push(o[k]);
    }
  }
  return [...out];
}

/** Each `use` written as a plain string inside `value` (a json-logic `use` is computed later: left out), with its path. */
export function literalUses(value: unknown, path: string): Array<{ ref: string; path: string }> {
  const out: Array<{ ref: string; path: string }> = [];
  const stack: Array<[unknown, string]> = [[value, path]];
  while (stack.length > 0) {
    const [v, p] = stack.pop()!;
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, `${p}[${i}]`]));
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.use === 'string') out.push({ ref: o.use, path: `${p}.use` });
      for (const k of Object.keys(o)) if (o[k] && typeof o[k] === 'object') stack.push([o[k], `${p}.${k}`]);
    }
  }
  return out.reverse();
}
