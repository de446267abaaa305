/**
 * Copying an output that may be a directory (docs/flow-language.md, Outputs: a directory
 * as an artifact): a regular file is copied as outputs are (never through a link, no FIFO
 * or device); a directory is copied whole, holding directories, regular files and links
 * that stay inside it (copied as links, artifact-links.ts), with a bound on its entries so
 * one output cannot make the copy endless.
 */
import { lstat, readdir, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { clipped } from '../src/errors/strata-error.ts';
import { escapingLink, linkStaysInside } from './artifact-links.ts';
import { mkdirHere } from './no-follow-writes.ts';
import { copyRegular, irregular, StepFileError } from './output-files.ts';

/** Entries one directory artifact may hold (files and directories, at any depth). */
export const MAX_TREE_ENTRIES = 100_000;

/**
 * Copy `from` (a regular file or a directory) to `to`, whose parent exists; false when
 * `from` does not exist. Never writes through a link at `to` or below it. Throws a
 * StepFileError naming `what` (and the entry) for anything else.
 */
export async function copyEntry(from: string, to: string, what: string): Promise<boolean> {
  let st;
  try {
    st = await lstat(from);
  } catch (e) {
    // ENOTDIR: the step kept no outputs (its artifacts are an empty file, src/worker/step-files.ts).
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw e;
  }
  if (st.isSymbolicLink()) {
    // The artifact itself a link: whatever it names is outside it (artifact-links.ts).
    const target = await readlink(from);
    throw new StepFileError(`${what} is a symbolic link to ${JSON.stringify(clipped(target))}: an artifact that is itself a link points outside itself; write the file or directory there, or a directory holding the link`);
  }
  if (!st.isDirectory()) return copyRegular(from, to, what);
  let count = 0;
  const walk = async (src: string, dst: string, rel: string): Promise<void> => {
    // `to`'s parent exists; `to` may be where a step wrote (a link there is refused, no-follow-writes.ts).
    await mkdirHere(dst, what);
    for (const e of await readdir(src, { withFileTypes: true })) {
      if (++count > MAX_TREE_ENTRIES) throw new StepFileError(`${what} holds more than ${MAX_TREE_ENTRIES} entries`);
      const name = `${rel}${e.name}`;
      if (e.isSymbolicLink()) {
        // Copied as the link it is, never read through: only one that stays inside (artifact-links.ts).
        const target = await readlink(join(src, e.name));
        if (!linkStaysInside(name, target)) throw new StepFileError(escapingLink(what, name, target));
        await symlink(target, join(dst, e.name));
        continue;
      }
      const kind = irregular(e);
      if (kind) throw new StepFileError(`${what}: ${name} is ${kind}, and a directory artifact holds only directories, regular files and links to what it holds`);
      if (e.isDirectory()) await walk(join(src, e.name), join(dst, e.name), `${name}/`);
      else await copyRegular(join(src, e.name), join(dst, e.name), `${what}: ${name}`);
    }
  };
  await walk(from, to, '');
  return true;
}
