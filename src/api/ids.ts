/**
 * Ids in request paths. Every path parameter is checked against the form of the thing it
 * names before anything reads Redis, so a parameter can never become another key's
 * fragment (`GET /v1/runs/<id>:log` once read the run's log list as a run and answered
 * 500). A parameter that is not of its form names nothing: 404, with the form in the
 * sentence. Routes declare their parameters with `pathIds({ id: 'run' })`; the zod
 * schemas describe path parameters with zod.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { echoed, StrataError } from '../errors/strata-error.ts';
import { NAME_PATTERN, VERSION_PATTERN } from '../flow/task-schema.ts';

/** `r`, the creation time in base 36, 8 hex digits (coordinator.newRunId); a little slack either way. */
export const RUN_ID_PATTERN = /^r[0-9a-z]{8,40}$/;
/** A step id: node ids (and `#round`s) joined by `/` (DESIGN.md, Step ids). */
export const STEP_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.#-]{0,127}(\/[A-Za-z0-9][A-Za-z0-9_.#-]{0,127}){0,63}$/;

export const ID_KINDS = {
  run: { pattern: RUN_ID_PATTERN, form: 'a run id is "r" and 8 to 40 lower-case letters and digits' },
  step: { pattern: STEP_ID_PATTERN, form: 'a step id is node ids (each at most 128 characters) joined by "/", at most 64 of them' },
  name: { pattern: NAME_PATTERN, form: 'a name is lower-case letters, digits, "-" and "." (at most 64)' },
  version: { pattern: VERSION_PATTERN, form: 'a version is letters, digits, ".", "_" and "-" (at most 32)' },
  // Any name a step may give an output file: no slash, no control characters, not `.` or `..`.
  file: { pattern: /^(?!\.\.?$)[^/\x00-\x1f\x7f]{1,255}$/, form: 'a file name has 1 to 255 characters, no "/" and no control characters, and is not "." or ".."' },
} as const;

export type IdKind = keyof typeof ID_KINDS;

/** The zod schema of an id of `kind`, for path parameters described with zod. */
export function idSchema(kind: IdKind): z.ZodString {
  return z.string().regex(ID_KINDS[kind].pattern, ID_KINDS[kind].form);
}

/** `value` when it is a well-formed id of `kind`; a 404 StrataError naming the parameter otherwise. */
export function checkId(kind: IdKind, value: string, what: string = kind): string {
  if (value.length <= 8192 && ID_KINDS[kind].pattern.test(value)) return value;
  const shown = echoed(value);
  const why = kind === 'step' ? stepIdProblem(value) : ID_KINDS[kind].form;
  throw new StrataError('not_found', `no ${what} "${shown}": ${why}`, { problems: [{ path: `path.${what}`, message: why }] });
}

/** What is wrong with a step id, naming the part: a segment too long, too many segments, or characters. */
function stepIdProblem(value: string): string {
  const parts = value.split('/');
  if (parts.length > 64) return `it has ${parts.length} parts; a step id has at most 64`;
  const long = parts.find((p) => p.length > 128);
  if (long) return `its part "${long.slice(0, 20)}…" is ${long.length} characters long; a part of a step id has at most 128`;
  return 'a step id is node ids joined by "/", each starting with a letter or digit and holding only letters, digits, "_", ".", "#" and "-"';
}

/** The path parameter `name` of the matched route, checked as an id of `kind`. */
export function pathId(c: Context, name: string, kind: IdKind): string {
  return checkId(kind, c.req.param(name) ?? '', name);
}

/** Middleware: every listed path parameter is a well-formed id of its kind, or the request ends 404. */
export function pathIds(params: Record<string, IdKind>): MiddlewareHandler {
  return async (c, next) => {
    for (const [name, kind] of Object.entries(params)) pathId(c, name, kind);
    await next();
  };
}
