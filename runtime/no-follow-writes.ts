/**
 * Writing where a step may have written first, never through a link. strata writes into
 * directories a step's program also writes: its STRATA_OUTPUTS (outputs collected from a
 * declared path, the file saying which execution kept them), its inputs directory and the
 * directories of its private view. A symbolic link the step left at such a place would
 * make a plain `mkdir -p` or `copyFile` write through it, outside the step's area (a file
 * of strata's state dir, of the checkout, of the host's /tmp the step's own view hides).
 * So a file is created with O_EXCL or opened with O_NOFOLLOW, a directory is made one
 * component at a time and an existing one checked with lstat, and a link found at any of
 * them fails the step with a sentence naming it (a StepFileError).
 *
 * What stays open: a program still running beside the write (another container of the pod
 * sharing a volume) could put a link in between the check of a directory and the write
 * below it; Node has no openat/mkdirat to close that window. The last component of a file
 * is never followed (O_EXCL, O_NOFOLLOW are checked by the kernel in the same call).
 */
import { closeSync, constants, lstatSync, mkdirSync, openSync, readlinkSync, writeSync } from 'node:fs';
import { copyFile, lstat, mkdir, readlink, unlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { clipped } from '../src/errors/strata-error.ts';
import { stackless } from './stackless.ts';
import { StepFileError } from './output-files.ts';

/**
 * An error of a write through a file descriptor (write, close: Node names no file for
 * them, `ENOSPC: no space left on device, write`) with the file named as Node's own open
 * and copyfile errors name theirs: `ENOSPC: no space left on device, write '/path'` (a full
 * STRATA_HOME then says where). An error that names a path already, or is no fs error, is
 * returned as it is.
 */
export function namingFile(e: unknown, path: string): unknown {
  const err = e as NodeJS.ErrnoException;
  if (!(err instanceof Error) || typeof err.code !== 'string' || err.path !== undefined) return e;
  err.message = `${err.message} '${path}'`;
  err.path = path;
  return err;
}

/** The sentence for a link found at `path` where strata was to write `what`. */
export function linkInTheWay(what: string, path: string, target: string): StepFileError {
  return new StepFileError(`${what}: ${path} is a symbolic link to ${JSON.stringify(clipped(target))}, left where strata writes: strata never writes through a link; leave the names strata writes free`);
}

/**
 * Make directory `dir` (its parent exists) unless it is one already; a link there, or
 * anything else, is refused with a StepFileError naming `what`.
 */
export async function mkdirHere(dir: string, what: string): Promise<void> {
  try {
    await mkdir(dir);
    return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const st = await lstat(dir);
  if (st.isSymbolicLink()) throw linkInTheWay(what, dir, await readlink(dir));
  if (!st.isDirectory()) throw new StepFileError(`${what}: ${dir} is in the way, and is not a directory`);
}

/**
 * Make `dir` and the directories on its way below `root` (which exists and strata made),
 * each with mkdirHere: no component below `root` may be a link. `dir` must be inside `root`.
 */
export async function mkdirsBelow(root: string, dir: string, what: string): Promise<void> {
  const rel = relative(root, dir);
  if (rel === '') return;
  if (rel.startsWith('..')) throw new StepFileError(`${what}: ${dir} is not inside ${root}`);
  let at = root;
  for (const part of rel.split(sep)) await mkdirHere((at = join(at, part)), what);
}

/** mkdirHere, synchronously. */
function mkdirHereSync(dir: string, what: string): void {
  try {
    // EEXIST, the usual answer for a directory containers share (a pod's step dirs), without a stack trace (stackless.ts).
    stackless(() => mkdirSync(dir));
    return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const st = lstatSync(dir);
  if (st.isSymbolicLink()) throw linkInTheWay(what, dir, readlinkSync(dir));
  if (!st.isDirectory()) throw new StepFileError(`${what}: ${dir} is in the way, and is not a directory`);
}

/** mkdirsBelow, synchronously (a container's directories, made in the tick it starts). */
export function mkdirsBelowSync(root: string, dir: string, what: string): void {
  const rel = relative(root, dir);
  if (rel === '') return;
  if (rel.startsWith('..')) throw new StepFileError(`${what}: ${dir} is not inside ${root}`);
  let at = root;
  for (const part of rel.split(sep)) mkdirHereSync((at = join(at, part)), what);
}

/**
 * Copy the file `src` to `to`, creating `to` (O_EXCL: a link there is never followed). A
 * regular file already at `to` is replaced, as a plain copy would; a link is refused with
 * a StepFileError naming `what`.
 */
export async function copyFileHere(src: string, to: string, what: string): Promise<void> {
  for (let tries = 0; ; tries++) {
    try {
      return await copyFile(src, to, constants.COPYFILE_EXCL);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || tries > 0) throw e;
    }
    const st = await lstat(to);
    if (st.isSymbolicLink()) throw linkInTheWay(what, to, await readlink(to));
    if (!st.isFile()) throw new StepFileError(`${what}: ${to} is in the way, and is not a regular file`);
    await unlink(to);
  }
}

/**
 * Write `data` to the file `path`, created or truncated, never through a link at `path`
 * (O_NOFOLLOW); a link there is refused with a StepFileError naming `what`. Synchronous:
 * these are small JSON files.
 */
export function writeFileHere(path: string, data: string, what = path): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o666);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP' && lstatSync(path).isSymbolicLink()) throw linkInTheWay(what, path, readlinkSync(path));
    throw e;
  }
  try {
    const bytes = Buffer.from(data);
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
  } catch (e) {
    throw namingFile(e, path);
  } finally {
    closeSync(fd);
  }
}
