/** Turn zod issues into strata problems with dotted paths under a prefix. */
import type { z } from 'zod';
import type { Problem } from '../errors/strata-error.ts';

export function joinPath(prefix: string, segs: ReadonlyArray<PropertyKey>): string {
  let out = prefix;
  for (const s of segs) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out ? `.${String(s)}` : String(s);
  }
  return out;
}

/** One problem per zod issue; an unknown key is reported at its own path, like everywhere else. */
export function zodProblems(error: z.ZodError, prefix: string): Problem[] {
  return error.issues.flatMap((i) => {
    if (i.code === 'unrecognized_keys') {
      return (i as { keys: string[] }).keys.map((k) => ({ path: joinPath(prefix, [...i.path, k]), message: `unknown key "${k}"` }));
    }
    return [{ path: joinPath(prefix, i.path), message: i.message }];
  });
}

/** Check `value` against `schema`, appending problems; returns the parsed value or undefined. */
export function check<T>(schema: z.ZodType<T>, value: unknown, prefix: string, problems: Problem[]): T | undefined {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  problems.push(...zodProblems(r.error, prefix));
  return undefined;
}
