/**
 * A step path as a file name, bounded: the local runtime names work directories after the
 * step (`a/b/c` as `a~b~c`), and the artifact store and a pod's step directories have one
 * directory per segment. A file name may be 255 bytes, so a deep or long path (recursion,
 * nested templates with long names) cannot be written out whole: past MAX_NAME characters
 * the name is a readable prefix and a hash of the whole path, which stays one name per path.
 */
import { createHash } from 'node:crypto';

/** Characters of a name made from a step path; well under 255 so suffixes fit. */
export const MAX_NAME = 100;

const HASH_CHARS = 16;

const hashOf = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, HASH_CHARS);

/** `name` when it has at most `max` characters, else its first characters, `-` and a hash of the whole. */
export function bounded(name: string, max = MAX_NAME): string {
  return name.length <= max ? name : `${name.slice(0, max - HASH_CHARS - 1)}-${hashOf(name)}`;
}

/** A whole step path as one file name: separators as `~`, other unsafe characters as `_`, bounded. */
export function stepFileName(step: string): string {
  return bounded(step.replace(/[/#]/g, '~').replace(/[^A-Za-z0-9._~-]/g, '_') || '_');
}

/** The segment of an exit handler's step id (`<node>/onExit`, src/plan/compile.ts). */
const EXIT_SEGMENT = 'onExit';

/**
 * A step path as directory segments (one per step of the path), each bounded. An exit
 * handler's segment is joined to its node's, `main/onExit` as `main@onExit` (`@` is in no
 * step id): a task's own artifacts path is a directory of its output files or an empty
 * file, so a handler of the task kept beneath it would meet an output named `onExit`, or
 * fail with ENOTDIR under the empty file (Argo tester 3, N2). Artifacts kept before this
 * rule for a graph's handler (`<run>/g/onExit`) are read there by `legacyStepSegments`.
 */
export function stepSegments(step: string): string[] {
  const segments: string[] = [];
  for (const s of step.split('/')) {
    if (s === EXIT_SEGMENT && segments.length > 0) segments[segments.length - 1] += `@${s}`;
    else segments.push(s);
  }
  return segments.map((s) => bounded(s));
}

/** The segments before the exit-handler rule (one per step of the path); for reading artifacts kept then. */
export function legacyStepSegments(step: string): string[] {
  return step.split('/').map((s) => bounded(s));
}
