/**
 * "Did you mean": the known name nearest to a misspelt one, by Levenshtein distance
 * (fastest-levenshtein). A name counts as near when at most a third of it, rounded up (at least 1,
 * at most 3 edits) differs, so `biuld` finds `build` but `teleport` finds nothing.
 */
import { distance } from 'fastest-levenshtein';
import { MAX_PROBLEMS } from '../errors/strata-error.ts';

/** The nearest of `known` to `name`, or undefined when none is near enough. Ties go to the first. */
export function nearest(name: string, known: Iterable<string>): string | undefined {
  const max = Math.min(3, Math.max(1, Math.ceil(name.length / 3)));
  let best: string | undefined;
  let bestD = Infinity;
  const lower = name.toLowerCase();
  for (const k of known) {
    if (k === name) continue;
    // Case alone is one edit, whatever the length (dependson -> dependsOn).
    const d = k.toLowerCase() === lower ? 1 : distance(name, k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return bestD <= max ? best : undefined;
}

/**
 * Whether a problem that joins a list already holding `found` problems gets a suggestion. A
 * suggestion is a pass over every known name, and only the first MAX_PROBLEMS problems are
 * shown (strata-error.ts): suggesting for every one of many unknown names made the work the
 * product of two counts a document sets (a graph of 40,000 nodes, each depending on a name
 * not there, held a worker thread minutes). Callers whose known names a document sizes pass
 * the count of the problems of the whole document found so far.
 */
export function suggesting(found: number): boolean {
  return found < MAX_PROBLEMS;
}

/** ` (did you mean "x"?)`, or '' when no known name is near, or when `found` problems are already listed (suggesting). */
export function didYouMean(name: string, known: Iterable<string>, found = 0): string {
  if (!suggesting(found)) return '';
  const n = nearest(name, known);
  return n === undefined ? '' : ` (did you mean "${n}"?)`;
}
