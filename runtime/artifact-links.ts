/**
 * Symbolic links inside a directory artifact (docs/flow-language.md, Outputs: links in a
 * directory artifact). A directory such as a Python virtualenv or node_modules/.bin holds
 * relative links to its own files; Argo keeps them (its tar archive holds links, and its
 * untar refuses only a link whose target leaves the archive: "illegal symlink target").
 * strata keeps a link as a link, never reading through it, when its target is relative,
 * climbs with `..` only before its first name, and, read from the link's own directory,
 * stays inside the artifact; an absolute target, one that climbs above the artifact's top,
 * or one with `..` after a name is refused, naming the link and its target, so no copy ever
 * leads a step to a file outside what the producing step wrote.
 *
 * Why no `..` after a name: the name may itself be a link, so `x/..` is the parent of
 * wherever x leads, which a check of the text alone cannot know (Argo tester 5, P3: `x -> sub`,
 * `sub/back -> ..` and `z -> x/back/..` each read inside, and z is the artifact's parent).
 * With the rule, every link climbs only from the real directory that holds it and then
 * descends, so by induction over the links followed each one lands inside the artifact.
 */
import { posix } from 'node:path';
import { clipped } from '../src/errors/strata-error.ts';

/**
 * Whether a link at `rel` (its path inside the artifact, `/`-separated) to `target` stays
 * inside the artifact: relative, `..` only before the first name, and, resolved from the
 * link's directory, neither the artifact's parent nor above it.
 */
export function linkStaysInside(rel: string, target: string): boolean {
  if (target === '' || target.includes('\0') || posix.isAbsolute(target)) return false;
  if (climbsAfterName(target)) return false;
  const resolved = posix.normalize(posix.join(posix.dirname(rel), target));
  return resolved !== '..' && !resolved.startsWith('../');
}

/** True when `target` has a `..` after a name (`a/..`, `../a/../b`); `.` and empty parts are not names. */
function climbsAfterName(target: string): boolean {
  let named = false;
  for (const part of target.split('/')) {
    if (part === '..') {
      if (named) return true;
    } else if (part !== '' && part !== '.') named = true;
  }
  return false;
}

/** The sentence for a link of `what` at `rel` whose `target` leaves the artifact. */
export function escapingLink(what: string, rel: string, target: string): string {
  const shown = clipped(target);
  return `${what}: ${rel} is a symbolic link to ${JSON.stringify(shown)}, which points outside the artifact (${posix.isAbsolute(target) ? 'an absolute path' : climbsAfterName(target) ? '".." after a name, which may be a link' : 'above its top'}): a directory artifact may hold relative links to what it holds, never to other files`;
}
