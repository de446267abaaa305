/**
 * A custom resource checked against its CRD's openAPIV3Schema, offline: types, required
 * fields, enums, and no field the schema does not declare unless it keeps unknown fields
 * (kubectl's strict validation refuses those). The subset of OpenAPI the strata CRDs use.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Schema = any;

export function crProblems(value: unknown, schema: Schema, path = ''): string[] {
  if (schema['x-kubernetes-int-or-string']) return typeof value === 'string' || Number.isInteger(value) ? [] : [`${path}: must be an integer or a string`];
  const out: string[] = [];
  const t = schema.type;
  const is = (ok: boolean, what: string) => (ok ? true : (out.push(`${path || '.'}: must be ${what}`), false));
  if (t === 'object' && !is(typeof value === 'object' && value !== null && !Array.isArray(value), 'an object')) return out;
  if (t === 'array' && !is(Array.isArray(value), 'a list')) return out;
  if (t === 'string' && !is(typeof value === 'string', 'a string')) return out;
  if (t === 'integer' && !is(Number.isInteger(value), 'an integer')) return out;
  if (t === 'boolean' && !is(typeof value === 'boolean', 'true or false')) return out;
  if (schema.enum && !schema.enum.includes(value)) out.push(`${path}: must be one of ${schema.enum.join(', ')}`);
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) out.push(`${path}: must be at least ${schema.minimum}`);
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => out.push(...crProblems(v, schema.items, `${path}[${i}]`)));
  if (t === 'object') {
    const obj = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (!(r in obj)) out.push(`${path}.${r}: is required`);
    const props = schema.properties ?? {};
    for (const [k, v] of Object.entries(obj)) {
      if (props[k]) out.push(...crProblems(v, props[k], `${path}.${k}`));
      else if (!schema['x-kubernetes-preserve-unknown-fields'] && !(path === '' && ['apiVersion', 'kind', 'metadata'].includes(k))) out.push(`${path}.${k}: no such field`);
    }
  }
  return out;
}
