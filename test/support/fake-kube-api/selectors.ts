/**
 * Label and field selectors as the API server reads them: `a=b`, `a==b`, `a!=b`,
 * `a in (x,y)`, `a notin (x)`, `a`, `!a`, comma-separated (all must hold). Fields:
 * metadata.name and metadata.namespace, `=` and `!=`.
 */
type Obj = { metadata?: { name?: string; namespace?: string; labels?: Record<string, string> } };

export type Matcher = (o: Obj) => boolean;

/** Split on commas that are not inside parentheses. */
function terms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

export function labelSelector(s: string | null): Matcher {
  if (!s) return () => true;
  const checks = terms(s).map((t): ((l: Record<string, string>) => boolean) => {
    let m = /^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/.exec(t);
    if (m) {
      const [, k, op, v] = m;
      return op === '!=' ? (l) => l[k] !== v : (l) => l[k] === v;
    }
    m = /^(\S+)\s+(in|notin)\s+\((.*)\)$/.exec(t);
    if (m) {
      const [, k, op, list] = m;
      const vals = list.split(',').map((x) => x.trim());
      return op === 'in' ? (l) => k in l && vals.includes(l[k]) : (l) => !(k in l) || !vals.includes(l[k]);
    }
    if (t.startsWith('!')) return (l) => !(t.slice(1) in l);
    return (l) => t in l;
  });
  return (o) => checks.every((c) => c(o.metadata?.labels ?? {}));
}

export function fieldSelector(s: string | null): Matcher {
  if (!s) return () => true;
  const checks = terms(s).map((t) => {
    const m = /^([^!=]+)(==|=|!=)(.*)$/.exec(t);
    if (!m) throw new Error(`unsupported field selector ${t}`);
    const [, field, op, v] = m;
    const get = (o: Obj) => (field === 'metadata.name' ? o.metadata?.name : field === 'metadata.namespace' ? o.metadata?.namespace : undefined);
    return op === '!=' ? (o: Obj) => get(o) !== v : (o: Obj) => get(o) === v;
  });
  return (o) => checks.every((c) => c(o));
}
