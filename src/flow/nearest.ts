/**
 * "Did you mean": the known name nearest to a misspelt one, by Levenshtein distance
 * (fastest-levenshtein). A name counts as near when at most a third of it, rounded up (at least 1,
 * at most 3 edits) differs, so `biuld` finds `build` but `teleport` finds nothing.
 */
import { distance } from 'fastest-levenshtein';

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

/** ` (did you mean "x"?)`, or '' when no known name is near. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const n = nearest(name, known);
  return n === undefined ? '' : ` (did you mean "${n}"?)`;
}
