/**
 * Outputs are regular files. A step's outputs directory is written by a program strata
 * does not trust: a symbolic link there would make strata (the worker, the quarterback)
 * read another file on the step's behalf (on Kubernetes, the worker's service-account
 * token), a FIFO would block the reader forever, a device would read without end. So
 * every output is opened without following a link at its last component
 * (O_NOFOLLOW), without blocking (O_NONBLOCK), and checked to be a regular file on the
 * open descriptor (fstat), and the outputs directory itself must be the directory strata
 * made, not a link put in its place. Failures are StepFileErrors: their message is the
 * step's error, a sentence naming the output.
 */
import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readdirSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { join } from 'node:path';
import { escapingLink, linkStaysInside } from './artifact-links.ts';
import { copyFileHere } from './no-follow-writes.ts';
import { stackless } from './stackless.ts';

/** A data-passing failure; its message is the step's error. */
export class StepFileError extends Error {}

const O_SAFE = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
/** Linux names an open descriptor by path: copying from it copies exactly the file checked. */
const FD_DIR = existsSync('/proc/self/fd') ? '/proc/self/fd' : undefined;

/** What a file that is not a regular file is, in words; undefined for a regular file or a directory. */
export function irregular(st: Pick<Stats, 'isSymbolicLink' | 'isFIFO' | 'isSocket' | 'isBlockDevice' | 'isCharacterDevice' | 'isFile' | 'isDirectory'>): string | undefined {
  if (st.isFile() || st.isDirectory()) return undefined;
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isBlockDevice() || st.isCharacterDevice()) return 'a device';
  return 'not a regular file';
}

function refused(what: string, kind: string): StepFileError {
  const why = kind === 'a symbolic link' ? ' (a link would hand the next step another file\'s contents)' : '';
  return new StepFileError(`${what} is ${kind}: outputs must be regular files${why}`);
}

/** The outputs directory must be a directory, not a link put in its place. */
export function checkOutputsDir(dir: string): void {
  let st: Stats;
  try {
    st = lstatSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new StepFileError('STRATA_OUTPUTS was removed by the step: it is not the directory strata made');
    throw e;
  }
  if (!st.isDirectory()) throw new StepFileError(`STRATA_OUTPUTS is ${irregular(st) ?? 'not a directory'}, not the directory strata made: outputs must be regular files in it`);
}

/** Open `path` for reading only when it is a regular file; undefined when it does not exist. */
export function openRegularSync(path: string, what: string): number | undefined {
  let fd: number;
  try {
    // ENOENT, the usual answer (a step that wrote no result.json), without a stack trace (stackless.ts).
    fd = stackless(() => openSync(path, O_SAFE));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined; // ENOTDIR: a step that kept no outputs (an empty file)
    if (code === 'ELOOP' || code === 'EMLINK') throw refused(what, 'a symbolic link');
    throw e;
  }
  const st = fstatSync(fd);
  const kind = irregular(st) ?? (st.isDirectory() ? 'a directory' : undefined);
  if (kind) {
    closeSync(fd);
    throw refused(what, kind);
  }
  return fd;
}

/** The text of a regular file in an outputs directory, or undefined when there is none. */
export function readOutputText(outputsDir: string, name: string, what = `output "${name}"`): string | undefined {
  checkOutputsDir(outputsDir);
  const fd = openRegularSync(join(outputsDir, name), what);
  if (fd === undefined) return undefined;
  try {
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Copy a file that must be a regular file to `to`. Returns false when `from` does not
 * exist; throws a StepFileError naming `what` when it is a link, FIFO, device or socket,
 * or when a link is at `to` (no-follow-writes.ts).
 */
export async function copyRegular(from: string, to: string, what: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(from, O_SAFE);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // ENOTDIR: the step kept no outputs (its artifacts are an empty file, src/worker/step-files.ts).
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    if (code === 'ELOOP' || code === 'EMLINK') throw refused(what, 'a symbolic link');
    throw e;
  }
  try {
    const st = await fh.stat();
    const kind = irregular(st) ?? (st.isDirectory() ? 'a directory' : undefined);
    if (kind) throw refused(what, kind);
    // `to` may be where the step wrote too (its STRATA_OUTPUTS): never written through a link.
    await copyFileHere(FD_DIR ? `${FD_DIR}/${fh.fd}` : from, to, what);
    return true;
  } finally {
    await fh.close();
  }
}

/**
 * Check a whole outputs tree before it is kept: the directory itself and everything in
 * it must be directories and regular files, or, below an output's top, links that stay
 * inside that output (artifact-links.ts). Throws a StepFileError naming the first
 * entry that is not; returns how many entries the directory itself holds.
 */
export function checkOutputTree(dir: string): number {
  checkOutputsDir(dir);
  // Synchronous: a directory listing is one system call, less than a trip through the thread pool.
  const walk = (sub: string): number => {
    const entries = readdirSync(join(dir, sub), { withFileTypes: true });
    for (const e of entries) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      // Below an output's top, a link that stays inside that output is part of a directory
      // artifact (artifact-links.ts); an output itself, or result.json, is never a link.
      const top = rel.indexOf('/');
      if (e.isSymbolicLink() && top > 0) {
        const target = readlinkSync(join(dir, rel));
        if (!linkStaysInside(rel.slice(top + 1), target)) throw new StepFileError(escapingLink(`output "${rel.slice(0, top)}"`, rel.slice(top + 1), target));
        continue;
      }
      const kind = irregular(e);
      if (kind) throw refused(rel === 'result.json' ? 'result.json' : `output "${rel}"`, kind);
      if (e.isDirectory()) walk(rel);
    }
    return entries.length;
  };
  return walk('');
}

/** True when `path` exists as anything, a dangling link included (lstat does not follow). */
export async function present(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
