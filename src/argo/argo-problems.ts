/**
 * Problems of Argo documents, gathered so that a document's every problem is said at once
 * (Argo tester fault 16: an unknown task in `depends`, a missing template, a DAG cycle),
 * each with its place (`template main, task b`) and its message, instead of the first only.
 * The importer goes on past a refused step or template with a stand-in, which is never
 * used: once the documents are read, the gathered problems are thrown as one error.
 */
import { invalid, limitsOf, MAX_PROBLEMS, moreProblemsOf, wholeProblem, type Problem, type StrataError } from '../errors/strata-error.ts';

/** One problem at `where` (the Argo template and field it is written in), as an error. */
export const argoProblem = (where: string, why: string): StrataError => invalid([{ path: where, message: why }]);

/**
 * The problems found so far: the first MAX_PROBLEMS listed, the rest counted. A problem said
 * already (the same place and message: a template inlined at each of its calls finds its
 * own problems again at each) is not said again (Argo tester 8, S3); `seen` holds the
 * problems said, at most SEEN of them (memory bounded), past which a repeat is counted.
 */
export interface Gathered {
  list: Problem[];
  more: number;
  seen: Set<string>;
  /** the limits passed by the problems gathered, those counted in `more` too (for limitHint) */
  limits: Set<string>;
}

/** How many problems a Gathered remembers to leave out their repeats. */
const SEEN = 10 * MAX_PROBLEMS;

export const gathered = (): Gathered => ({ list: [], more: 0, seen: new Set(), limits: new Set() });

/** The problems an importer's error says: its list, or its message read as `place: why` (how the importer words them). */
function problemsOf(e: StrataError): Problem[] {
  if (e.details.problems?.length) return e.details.problems;
  const whole = wholeProblem(e);
  const at = e.message.indexOf(': ');
  return [at > 0 ? { ...whole, path: e.message.slice(0, at), message: e.message.slice(at + 2) } : whole];
}

/** Adds `problems` to `g` but those said already, keeping at most MAX_PROBLEMS listed (memory bounded whatever the document); `more` counted, and `limits` passed (a gathered error's, limitsOf), kept whether listed or not. */
export function addProblems(g: Gathered, problems: Problem[], more = 0, limits: readonly string[] = []): void {
  for (const name of limits) g.limits.add(name);
  for (const p of problems) {
    const key = `${p.path}\u0000${p.message}`;
    if (p.limit) g.limits.add(p.limit);
    if (g.seen.has(key)) continue;
    if (g.seen.size < SEEN) g.seen.add(key);
    if (g.list.length < MAX_PROBLEMS) g.list.push(p);
    else g.more++;
  }
  g.more += more;
}

/**
 * `fn()`; when it refuses the document (`invalid_document`), its problems are gathered and
 * `fallback()` is given instead, so the import goes on to find the others. Any other error
 * (a limit, a fault) is thrown as it is.
 */
export function gather<T>(g: Gathered, fn: () => T, fallback: () => T): T {
  try {
    return fn();
  } catch (e) {
    const err = e as StrataError;
    if (!(err instanceof Error) || err.code !== 'invalid_document') throw e;
    addProblems(g, problemsOf(err), moreProblemsOf(err), limitsOf(err));
    return fallback();
  }
}

/** Throws every gathered problem as one error (400 over HTTP, exit 2), when there are any. */
export function throwGathered(g: Gathered): void {
  if (g.list.length > 0 || g.more > 0) throw invalid(g.list, 'invalid_document', g.more, [...g.limits]);
}
