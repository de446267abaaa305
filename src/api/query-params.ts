/**
 * Repeated query parameters: one rule for every route. A parameter that takes a list
 * (`status` of `GET /v1/runs`) may be repeated, its values joined (any of them: OR), as
 * it may be comma-separated; any other parameter given twice is refused with 400 naming
 * it, rather than one of its values being used silently.
 */
import type { MiddlewareHandler } from 'hono';
import { echoed, StrataError } from '../errors/strata-error.ts';

/** Parameters that take a list, by route (method and path). */
const LISTS: Record<string, ReadonlySet<string>> = { 'GET /v1/runs': new Set(['status']) };

/** 400 for a parameter given more than once that does not take a list. */
export function singleQueryParams(): MiddlewareHandler {
  return async (c, next) => {
    const lists = LISTS[`${c.req.method} ${c.req.path.replace(/\/$/, '')}`];
    const seen = new Set<string>();
    for (const name of new URL(c.req.url).searchParams.keys()) {
      if (seen.has(name) && !lists?.has(name)) {
        throw new StrataError('invalid_request', `query parameter "${name.slice(0, 64)}" is given more than once; it takes one value`, { problems: [{ path: `query.${name.slice(0, 64)}`, message: 'given more than once' }] });
      }
      seen.add(name);
    }
    await next();
  };
}

/** Every value of a list parameter: repeated and comma-separated alike. */
export function listParam(values: string[] | undefined): string[] | undefined {
  const out = (values ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  return out.length > 0 ? out : undefined;
}

/** What a boolean query flag (`run`, `dryRun`, `summary`) may be, as /openapi.json lists it: `?x` alone is true. */
const FLAG_VALUES: Record<string, boolean> = { true: true, '1': true, '': true, false: false, '0': false };

/**
 * Boolean query flag `name` given as `value` (undefined: not given, false); any value but
 * true, false, 1, 0 or empty is refused, 400 naming it (any other value had been true, so
 * `?run=no` started a run: tester 15).
 */
export function flagValue(name: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = Object.hasOwn(FLAG_VALUES, value) ? FLAG_VALUES[value] : undefined;
  if (v === undefined) {
    const shown = echoed(JSON.stringify(value).slice(1, -1));
    throw new StrataError('invalid_request', `query parameter ${name} must be true, false, 1 or 0 (or empty, for true), not "${shown}"`, { problems: [{ path: `query.${name}`, message: `must be true, false, 1 or 0, not "${shown}"` }] });
  }
  return v;
}

