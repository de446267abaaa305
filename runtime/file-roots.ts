/**
 * STRATA_FILE_ROOTS: the only directories a flow's `file://` sources may be read from, at
 * both levels (the coordinator's macro cycles, the quarterback's micro cycles). A path is
 * judged by the file it opens, not by its spelling: the file is opened first and the
 * path the kernel gives for the open descriptor (/proc/self/fd, every link resolved) must
 * lie inside a root, itself resolved. Checking the spelling, or resolving links before
 * opening, would let a link inside a root (or one swapped in between check and open)
 * point anywhere. Where /proc is missing the path is resolved with realpath after opening.
 */
import { constants, existsSync } from 'node:fs';
import { open, readlink, realpath, type FileHandle } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { StrataError } from '../src/errors/strata-error.ts';

const FD_DIR = existsSync('/proc/self/fd') ? '/proc/self/fd' : undefined;

/** True when `path` is `root` or lies beneath it (both absolute and resolved). */
export function within(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** The roots with their links resolved; a root that does not exist holds nothing and is left out. */
async function resolvedRoots(roots: string[]): Promise<string[]> {
  const out = await Promise.all(roots.map((r) => realpath(r).catch(() => undefined)));
  return out.filter((r): r is string => r !== undefined);
}

function outside(source: string): StrataError {
  return new StrataError('invalid_document', `cycle source ${source} is outside the directories this service reads (STRATA_FILE_ROOTS), its links resolved`);
}

/** Whether the path as written (made absolute) lies in a root as written or as resolved. */
async function spelledWithin(roots: string[], path: string): Promise<boolean> {
  const abs = resolve(path);
  return [...roots, ...(await resolvedRoots(roots))].some((r) => within(r, abs));
}

/**
 * Open `path` for reading when `roots` is undefined (no confinement) or when the file it
 * names, every link resolved, lies inside one of them and is a regular file. `source`
 * names it in errors (as the flow wrote it). Throws StrataError `not_found` for a missing
 * file, `invalid_document` for one outside the roots or not a regular file.
 */
export async function openConfined(path: string, roots: string[] | undefined, source: string): Promise<FileHandle> {
  let fh: FileHandle;
  try {
    // O_NONBLOCK: a FIFO named as a source must not hang the reader (it is refused below).
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    // Outside the roots, a missing file gets the same answer as one that exists: no probing.
    if (roots && !(await spelledWithin(roots, path))) throw outside(source);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new StrataError('not_found', `cycle source ${source}: ENOENT, no such file`);
    throw new StrataError('invalid_document', `cycle source ${source} cannot be read: ${code ?? (e as Error).message}`);
  }
  try {
    if (roots) {
      const real = FD_DIR ? await readlink(`${FD_DIR}/${fh.fd}`) : await realpath(path);
      const allowed = await resolvedRoots(roots);
      if (!allowed.some((r) => within(r, real))) throw outside(source);
    }
    if (!(await fh.stat()).isFile()) throw new StrataError('invalid_document', `cycle source ${source} is not a regular file`);
    return fh;
  } catch (e) {
    await fh.close();
    throw e;
  }
}
