/**
 * The one error type of strata. Every failure a user can cause is a StrataError with a
 * code from ERROR_CODES; the status table maps a code to an HTTP status and a CLI exit code.
 * Across process boundaries compare `code`, never `instanceof`.
 */

export const ERROR_CODES = {
  invalid_document: { http: 400, exit: 2 },
  invalid_request: { http: 400, exit: 2 },
  invalid_logic: { http: 400, exit: 2 },
  too_large: { http: 413, exit: 2 },
  limit_exceeded: { http: 422, exit: 2 },
  cycle: { http: 422, exit: 2 },
  unknown_generator: { http: 400, exit: 2 },
  no_rule_matched: { http: 422, exit: 3 },
  not_found: { http: 404, exit: 4 },
  conflict: { http: 409, exit: 5 },
  unauthorized: { http: 401, exit: 6 },
  forbidden: { http: 403, exit: 6 },
  idempotency_key_reused: { http: 422, exit: 5 },
  unsupported_media_type: { http: 415, exit: 2 },
  run_not_active: { http: 409, exit: 5 },
  /** a start whose run id belongs to a deleted run (a retry with the Idempotency-Key that started it) */
  run_deleted: { http: 410, exit: 4 },
  unavailable: { http: 503, exit: 7 },
  /** a bad environment variable: the process stops at start (never answered over HTTP) */
  invalid_config: { http: 500, exit: 2 },
  run_active: { http: 409, exit: 5 },
  step_failed: { http: 500, exit: 1 },
  internal: { http: 500, exit: 1 },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One problem found in a document, with the path where it was found. */
export interface Problem {
  path: string;
  message: string;
  /** the variable that sets the limit this problem passes (STRATA_MAX_*), set at the limit's check: invalid() lists it in `details.limits` */
  limit?: string;
}

export interface ErrorDetails {
  /** the problems found, each with its place; at most MAX_PROBLEMS */
  problems?: Problem[];
  /** how many more problems were found than `problems` lists */
  moreProblems?: number;
  /** the variables that set the limits a refusal passes (STRATA_MAX_*), set where the limit is checked (with its problems' `limit`s): what limitHint says how to raise */
  limits?: string[];
  [key: string]: unknown;
}

export class StrataError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'StrataError';
    this.code = code;
    this.details = details;
  }

  /** The JSON body users see: `{ error: { code, message, details } }`. */
  toJSON(): { error: { code: ErrorCode; message: string; details: ErrorDetails } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

/**
 * At most this many problems are listed in one error: a document repeating one mistake a
 * thousand times gets a bounded answer, which says how many more there are.
 */
export const MAX_PROBLEMS = 50;

/**
 * A StrataError for a list of problems; the message lists each with its path, one a line.
 * The first MAX_PROBLEMS are listed (`details.problems`); the rest, and `more` problems a
 * gathered error already left out, are counted (`details.moreProblems`, and a last line
 * `... and N more problems`); `moreLimits` are the limits passed among those `more` (a gathered
 * error's, limitsOf), named in `details.limits` with the listed problems' for limitHint.
 */
export function invalid(problems: Problem[], code: ErrorCode = 'invalid_document', more = 0, moreLimits: readonly string[] = []): StrataError {
  const shown = problems.slice(0, MAX_PROBLEMS).map((p) => ({ ...p, path: shortenEchoes(p.path), message: shortenEchoes(p.message) }));
  const omitted = problems.length - shown.length + more;
  const lines = shown.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
  if (omitted > 0) lines.push(`... and ${omitted} more problem${omitted === 1 ? '' : 's'}`);
  const limits = [...new Set([...problems.flatMap((p) => (p.limit ? [p.limit] : [])), ...moreLimits])];
  return new StrataError(code, lines.join('\n'), { problems: shown, ...(omitted > 0 ? { moreProblems: omitted } : {}), ...(limits.length > 0 ? { limits } : {}) });
}

/** A StrataError `code` refusing past the limit that `variable` sets (STRATA_MAX_*): in `details.limits`, and on each of its problems, for limitHint. */
export function pastLimit(code: ErrorCode, message: string, variable: string, details: ErrorDetails = {}): StrataError {
  const problems = details.problems?.map((p) => ({ ...p, limit: variable }));
  return new StrataError(code, message, { ...details, ...(problems ? { problems } : {}), limits: [variable] });
}

/** The variables of the limits error `e` passed: its `details.limits` and its problems' `limit`s, each once. */
export function limitsOf(e: { details?: ErrorDetails }): string[] {
  const d = e.details ?? {};
  const named = [...(Array.isArray(d.limits) ? d.limits : []), ...(d.problems ?? []).map((p) => p.limit)];
  return [...new Set(named.filter((n): n is string => typeof n === 'string'))];
}

/** Error `e` as one problem at no place, for a list that gathers errors without problems of their own (with the limit it passed, when one). */
export function wholeProblem(e: StrataError): Problem {
  const limits = limitsOf(e);
  return { path: '', message: e.message, ...(limits.length === 1 ? { limit: limits[0] } : {}) };
}

/** `path` placed under `prefix` (a file and document, a flow, a rule): `prefix: path`, or either alone when the other is empty. */
export function pathUnder(prefix: string, path: string): string {
  return prefix && path ? `${prefix}: ${path}` : prefix || path;
}

/** The problems of errors caught while checking several things, to throw as one: invalid(problems, code, more, limits). */
export interface CaughtProblems {
  problems: Problem[];
  /** problems the caught errors counted without listing them (their `details.moreProblems`) */
  more: number;
  /** every limit the caught errors passed (limitsOf), those of the problems they did not list included */
  limits: string[];
}

/**
 * Adds to `into` (a new CaughtProblems when not given) the problems caught error `e` says, each
 * placed under `prefix` (pathUnder): its list, or `e` itself as one problem at no place
 * (wholeProblem) when it lists none; the problems it only counted; and every limit it
 * passed, also one of a problem it did not list (which the list alone would lose, and the
 * hint with it). Returns `into`.
 */
export function problemsUnder(prefix: string, e: unknown, into: CaughtProblems = { problems: [], more: 0, limits: [] }): CaughtProblems {
  const err = e as StrataError;
  const listed = err.details?.problems?.length ? err.details.problems : [wholeProblem(err)];
  for (const p of listed) into.problems.push({ ...p, path: pathUnder(prefix, p.path) });
  into.more += moreProblemsOf(err);
  for (const name of limitsOf(err)) if (!into.limits.includes(name)) into.limits.push(name);
  return into;
}

/** Caught error `e` thrown on as `code` (its own when not given), its problems placed under `prefix` (problemsUnder), its limits kept. */
export function refusedUnder(prefix: string, e: unknown, code: ErrorCode = (e as StrataError).code ?? 'invalid_document'): StrataError {
  const g = problemsUnder(prefix, e);
  return invalid(g.problems, code, g.more, g.limits);
}

/**
 * Caught error `e` with each problem's path, and each line of its message that opens with one,
 * given by `move(path)` (a path it leaves as it is stays): the same error in its sender's words
 * (a request by name's wrapper, a hook call's body). `e` itself when it is no StrataError or
 * `move` changes none of its problems.
 */
export function withPathsMoved(e: unknown, move: (path: string) => string): unknown {
  if (!isStrataError(e) || !e.details?.problems?.some((p) => move(p.path) !== p.path)) return e;
  const problems = e.details.problems.map((p) => ({ ...p, path: move(p.path) }));
  return new StrataError(e.code, e.message.split('\n').map(move).join('\n'), { ...e.details, problems });
}

/** The characters echoed of a long name or text: enough to recognise it. */
const ECHO_HEAD = 40;

/**
 * `text` as an error may echo it: at most ECHO_HEAD characters, then `…(N characters)` (N
 * the whole length) when it is longer. For a name or value a user wrote, quoted in a message.
 */
export function echoed(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, ECHO_HEAD)}…(${text.length} characters)` : text;
}

/** `text` for a message that shows a whole expression or value: its first `max` characters, then `…`. */
export function clipped(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * `text` (a problem's path or message) with every run of more than 80 name characters
 * (letters, digits, `_`, `-`: no separator of a path, no space) shortened by `echoed`: no
 * name strata accepts is that long (64 at most), so such a run is a name or value the user
 * wrote, and a 5,000-character one echoed in each of 50 problems made a 500 KB answer
 * (Argo tester 2, fault 13). Paths of many short parts stay whole.
 */
export function shortenEchoes(text: string): string {
  return text.length <= 80 ? text : text.replace(/[\p{L}\p{N}_-]{81,}/gu, (run) => echoed(run));
}

/**
 * How to raise the size limits a refusal passed (`details.limits`, set where each limit is
 * checked: STRATA_MAX_*, src/flow/limits.ts, and the body and parameter limits): `where` they
 * were applied, a service (and its workers) or this command (`strata plan`, a file `apply`
 * reads). Undefined for an error past none, whatever its words quote.
 */
export function limitHint(e: StrataError, where: 'service' | 'command'): string | undefined {
  const names = limitsOf(e);
  if (names.length === 0) return undefined;
  const place = where === 'service' ? 'in the environment of the strata service and its workers, and restart them' : "in this command's environment";
  return `to raise ${names.length === 1 ? 'it' : 'them'}, set ${names.join(' or ')} higher ${place} (docs/flow-language.md#limits)`;
}

/** The problems error `e` left out of its list (`details.moreProblems`), for an error that gathers others' problems. */
export function moreProblemsOf(e: unknown): number {
  const n = (e as { details?: ErrorDetails } | undefined)?.details?.moreProblems;
  return typeof n === 'number' ? n : 0;
}

/** True for any StrataError, also one rebuilt from JSON on the other side of a process boundary. */
export function isStrataError(e: unknown): e is StrataError {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' && (e as { code: string }).code in ERROR_CODES && e instanceof Error;
}

export function httpStatus(code: ErrorCode): number {
  return ERROR_CODES[code].http;
}

export function exitCode(code: ErrorCode): number {
  return ERROR_CODES[code].exit;
}

const REDIS_AWAY = /Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Stream isn't writeable|Command timed out|enableOfflineQueue|max retries per request/i;
/**
 * Redis there but not answering for now: busy running a script past busy-reply-threshold
 * (BUSY), loading its data set (LOADING), a replica without its master (MASTERDOWN), a
 * cluster mid-change (TRYAGAIN, CLUSTERDOWN). Transient like a Redis away: 503 and try again.
 */
const REDIS_BUSY = /^(BUSY|LOADING|MASTERDOWN|TRYAGAIN|CLUSTERDOWN) /;
/**
 * Redis there but refusing writes for lack of room: it cannot write its AOF or snapshot
 * (MISCONF: its disk is full or failing, e.g. STRATA_HOME's for the local Redis) or it is
 * at its maxmemory (OOM). Until room is made: transient too, 503 with the reason, and a
 * long-running strata carries on (it died on the first such answer a background task met).
 */
const REDIS_FULL = /^(MISCONF|OOM) /;

/** True for an error of Redis being away or busy for now (worth trying again later, never a reason to stop). */
export function isTransientRedisError(e: unknown): boolean {
  if (isStrataError(e)) return e.code === 'unavailable';
  const message = e instanceof Error ? e.message : String(e);
  return e instanceof Error && (e.name === 'MaxRetriesPerRequestError' || REDIS_AWAY.test(message) || REDIS_BUSY.test(message) || REDIS_FULL.test(message));
}

/** Seconds a client should wait before trying again after a 503 for Redis (HTTP Retry-After). */
export const RETRY_AFTER_SECONDS = 2;

/** The error of any request that needed Redis while it was away; `details.retryAfter` becomes the Retry-After header. */
export function redisUnavailable(): StrataError {
  return new StrataError('unavailable', 'Redis is not reachable right now; try again in a few seconds', { retryAfter: RETRY_AFTER_SECONDS });
}

/** The error of a request that needed Redis while it was busy (a long script, loading its data); 503 with Retry-After. */
export function redisBusy(): StrataError {
  return new StrataError('unavailable', 'Redis is busy right now (a long script, or loading its data); try again in a few seconds', { retryAfter: RETRY_AFTER_SECONDS });
}

/** The error of a request that needed Redis while it refused writes (`message`: Redis's, MISCONF or OOM); 503 with Retry-After. */
export function redisFull(message: string): StrataError {
  return new StrataError('unavailable', `Redis refuses writes right now (${refusalReason(message)}): its disk or memory is full; make room for it and try again`, { retryAfter: RETRY_AFTER_SECONDS });
}

/** Redis's own words for refusing a write (its first line, without the script's hash and line), at most 200 characters. */
function refusalReason(message: string): string {
  return message.split('\n')[0].replace(/ script: [0-9a-f]{40}.*$/, '').slice(0, 200);
}

/**
 * What a long-running process says of a Redis fault nobody handled, before it carries on
 * (src/cli/main.ts): Redis refusing writes (MISCONF, OOM) named as such with Redis's words,
 * where it said Redis was not answering; away or busy, not answering for now.
 */
export function redisFaultSentence(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if (REDIS_FULL.test(message)) return `Redis refuses writes for now (${refusalReason(message)}): its disk or memory is full; make room for it`;
  return `Redis is not answering for now (${message.split('.')[0]})`;
}

/** True for a refusal of what was asked (a StrataError answered with a 4xx): asking the same again is refused again. */
export function isRefusal(e: unknown): e is StrataError {
  return isStrataError(e) && ERROR_CODES[e.code].http < 500;
}

/**
 * Refusal `e` placed at `path` of a bigger document (a Schedule's `spec.dataset`, its
 * `spec.with`): with `within`, each problem's path that is a path into the value refused
 * (`apiVersion`, `spec.root[0]`) goes under `path`; every other problem is at `path` with its
 * own place kept in its message (`rule r: with.count: ...`). `own`: the path of the value
 * refused in `e` (a `{ use, with }` request's `with`), whose problems are at `path` with the
 * rest of theirs (`with.cont` at `spec.with.cont`). Code and limits kept.
 */
export function refusalAt(e: StrataError, path: string, within: boolean, own?: string): StrataError {
  const inner = /^[A-Za-z_][\w-]*([.[(][^\s:]*)?$/;
  const isOwn = (p: string) => own !== undefined && p.startsWith(own) && /^($|[.[])/.test(p.slice(own.length));
  const problems = (e.details.problems?.length ? e.details.problems : [wholeProblem(e)]).map((p) =>
    isOwn(p.path) ? { ...p, path: `${path}${p.path.slice(own!.length)}` } : within && p.path && inner.test(p.path) ? { ...p, path: `${path}.${p.path}` } : { ...p, path, message: p.path ? `${p.path}: ${p.message}` : p.message });
  const again = invalid(problems, e.code, moreProblemsOf(e));
  return new StrataError(e.code, again.message, { ...e.details, ...again.details });
}

/** Wrap anything thrown into a StrataError without leaking a stack trace to users. */
export function toStrataError(e: unknown): StrataError {
  if (isStrataError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  // ioredis when Redis is away, frozen or too slow: the service is unavailable, not broken.
  if (isTransientRedisError(e)) return REDIS_FULL.test(message) ? redisFull(message) : REDIS_BUSY.test(message) ? redisBusy() : redisUnavailable();
  return new StrataError('internal', `internal error: ${message}`);
}
