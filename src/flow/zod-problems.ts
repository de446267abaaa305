/** Turn zod issues into strata problems with dotted paths under a prefix. */
import type { z } from 'zod';
import type { Problem } from '../errors/strata-error.ts';
import { didYouMean } from './nearest.ts';
import { appendAll } from './append-all.ts';

export function joinPath(prefix: string, segs: ReadonlyArray<PropertyKey>): string {
  let out = prefix;
  for (const s of segs) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out ? `.${String(s)}` : String(s);
  }
  return out;
}

/** One problem per zod issue; an unknown key is reported at its own path, like everywhere else. */
export function zodProblems(error: z.ZodError, prefix: string, schema?: z.ZodType): Problem[] {
  return error.issues.flatMap((i) => {
    if (i.code === 'unrecognized_keys') {
      const known = schema ? keysAt(schema, i.path) : [];
      return (i as { keys: string[] }).keys.map((k) => ({ path: joinPath(prefix, [...i.path, k]), message: `unknown key "${k}"${didYouMean(k, known)}` }));
    }
    // A record's key that its key schema refuses: that schema's own words (zod says only "Invalid key in record").
    if (i.code === 'invalid_key') {
      const inner = (i as { issues?: Array<{ message: string }> }).issues ?? [];
      return [{ path: joinPath(prefix, i.path), message: inner.length > 0 ? inner.map((x) => x.message).join('; ') : i.message }];
    }
    // A record's key an issue names (labels.ts): written in brackets, as a key may hold "." and "/".
    const key = i.code === 'custom' ? (i as { params?: { key?: unknown } }).params?.key : undefined;
    if (typeof key === 'string') return [{ path: `${joinPath(prefix, i.path)}[${JSON.stringify(key)}]`, message: i.message }];
    return [{ path: joinPath(prefix, i.path), message: i.message }];
  });
}

/** Check `value` against `schema`, appending problems; returns the parsed value or undefined. */
export function check<T>(schema: z.ZodType<T>, value: unknown, prefix: string, problems: Problem[]): T | undefined {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  appendAll(problems, zodProblems(r.error, prefix, schema));
  return undefined;
}

/** The keys an object schema allows at `path` (through optional, default and pipe wrappers); [] when unknown. */
function keysAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): string[] {
  let s: unknown = schema;
  const unwrap = () => {
    for (let k = 0; k < 8; k++) {
      const def = (s as { def?: { innerType?: unknown; in?: unknown } }).def;
      if (def?.innerType) s = def.innerType;
      else if (def?.in) s = def.in;
      else return;
    }
  };
  unwrap();
  for (const seg of path) {
    const shape = (s as { shape?: Record<string, unknown> }).shape;
    if (!shape || typeof seg !== 'string' || !(seg in shape)) return [];
    s = shape[seg];
    unwrap();
  }
  const shape = (s as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}
