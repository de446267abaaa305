/**
 * The three patch types of the API server: JSON merge patch (RFC 7386), strategic merge
 * patch (here: a merge patch where lists of objects with a `name` merge by name, which is
 * what the containers lists need), and JSON patch (RFC 6902: add, replace, remove, test).
 */
type J = unknown;
const isObj = (v: J): v is Record<string, J> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergePatch(target: J, patch: J, strategic = false): J {
  if (!isObj(patch)) return patch;
  const out: Record<string, J> = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (strategic && Array.isArray(v) && Array.isArray(out[k]) && v.every((x) => isObj(x) && typeof x.name === 'string')) {
      const list = [...(out[k] as J[])];
      for (const item of v as Array<Record<string, J>>) {
        const i = list.findIndex((x) => isObj(x) && x.name === item.name);
        if (i >= 0) list[i] = mergePatch(list[i], item, true);
        else list.push(item);
      }
      out[k] = list;
    } else out[k] = mergePatch(out[k], v, strategic);
  }
  return out;
}

interface Op {
  op: 'add' | 'replace' | 'remove' | 'test';
  path: string;
  value?: J;
}

export function jsonPatch(target: J, ops: Op[]): J {
  const doc = structuredClone(target) as Record<string, J>;
  for (const op of ops) {
    const parts = op.path.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = parts.pop()!;
    let parent: J = doc;
    for (const p of parts) parent = (parent as Record<string, J>)[p];
    if (parent === undefined || parent === null) throw new Error(`path ${op.path} does not exist`);
    const container = parent as Record<string, J> & J[];
    if (op.op === 'test') {
      if (JSON.stringify(container[last as never]) !== JSON.stringify(op.value)) throw new Error(`test failed at ${op.path}`);
    } else if (op.op === 'remove') {
      if (Array.isArray(container)) container.splice(Number(last), 1);
      else delete container[last];
    } else if (Array.isArray(container) && op.op === 'add') {
      container.splice(last === '-' ? container.length : Number(last), 0, op.value);
    } else {
      (container as Record<string, J>)[last] = op.value;
    }
  }
  return doc;
}
