/**
 * Symbolic links inside a directory artifact (docs/flow-language.md, Outputs: links in a
 * directory artifact). A directory such as a Python virtualenv or node_modules/.bin holds
 * relative links to its own files; Argo keeps them (its tar archive holds links, and its
 * untar refuses only a link whose target leaves the archive: "illegal symlink target").
 * strata keeps a link as a link, never reading through it, when its target is relative and,
 * read from the link's own directory, stays inside the artifact; an absolute target or one
 * that climbs above the artifact's top with `..` is refused, naming the link and its target,
 * so no copy ever leads a step to a file outside what the producing step wrote.
 */
import { posix } from 'node:path';

/**
 * Whether a link at `rel` (its path inside the artifact, `/`-separated) to `target` stays
 * inside the artifact: relative, and, resolved lexically from the link's directory, neither
 * the artifact's parent nor above it.
 */
export function linkStaysInside(rel: string, target: string): boolean {
  if (target === '' || target.includes('\0') || posix.isAbsolute(target)) return false;
  const resolved = posix.normalize(posix.join(posix.dirname(rel), target));
  return resolved !== '..' && !resolved.startsWith('../');
}

/** The sentence for a link of `what` at `rel` whose `target` leaves the artifact. */
export function escapingLink(what: string, rel: string, target: string): string {
  const shown = target.length > 200 ? `${target.slice(0, 200)}…` : target;
  return `${what}: ${rel} is a symbolic link to ${JSON.stringify(shown)}, which points outside the artifact (${posix.isAbsolute(target) ? 'an absolute path' : 'above its top'}): a directory artifact may hold relative links to what it holds, never to other files`;
}
