/**
 * A local pod's directories: scratch (shared by its containers), ipc (their unix sockets
 * and FIFOs) and work (each container's inputs and outputs), all under one root made
 * fresh per pod run. The root is in RAM, /dev/shm/<namespace>/<run>/<pod>.<tag>-<random>,
 * where the machine has /dev/shm and the pod asked for memory scratch; else in the tmp
 * dir. The namespace is the strata instance's (its STRATA_HOME, hashed): two instances on
 * one machine never see each other's pods. The root names its owner's pid (`owner`), and
 * `<tag>` is a hash of the step id, so the pods of one step are found by listing the run's
 * directory: a takeover finds the copy it must stop, a new worker the pods of dead ones.
 *
 * Making and removing them is synchronous: a handful of directory operations in RAM take
 * microseconds, less than handing each to libuv's thread pool and back (docs/performance.md).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, realpathSync, rmdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { mkdirIn } from '../dir-in.ts';
import { namingFile } from '../no-follow-writes.ts';

export interface PodDirs {
  root: string;
  scratch: string;
  ipc: string;
  work: string;
  /** directories made inside the root since, innermost first (a container's private view): removed before it */
  inner?: string[];
}

export interface PodDirOptions {
  /** RAM file system (default /dev/shm; skipped when it does not exist) */
  shmDir?: string;
  /** disk fallback (default the OS tmp dir) */
  tmpDir?: string;
  /** this instance's namespace on the machine (homeNamespace(STRATA_HOME); default: of $STRATA_HOME or .strata) */
  namespace?: string;
}

/**
 * The file in a pod's root naming the pid of the process that made it, on its first line, and
 * the step attempt the pod runs, on its second (see stale-pods.ts: a stop names the attempt it
 * stops, and a copy of another attempt is left alone).
 */
export const OWNER_FILE = 'owner';

/**
 * The namespace of a strata instance on this machine: `strata-` and 8 hex digits of a hash
 * of its STRATA_HOME (resolved). Short, because unix socket paths in a pod's ipc/ must stay
 * under about 100 bytes.
 */
export function homeNamespace(home: string): string {
  let path = resolve(home);
  try {
    path = realpathSync(path);
  } catch {
    // not made yet: its resolved spelling names it
  }
  return `strata-${createHash('sha256').update(path).digest('hex').slice(0, 8)}`;
}

function namespaceOf(opts: PodDirOptions): string {
  return opts.namespace ?? homeNamespace(process.env.STRATA_HOME || '.strata');
}

/** The roots pod directories are made under: the RAM one and the disk one, in this instance's namespace. */
export function podDirBases(opts: PodDirOptions = {}): string[] {
  const ns = namespaceOf(opts);
  return [join(opts.shmDir ?? '/dev/shm', ns), join(opts.tmpDir ?? tmpdir(), ns)];
}

/**
 * Where a worker of this instance makes the RAM half of its steps' execution directories
 * (src/worker/step-files.ts): beside the namespace, not in it, where only run directories
 * live. Undefined on a machine without a RAM file system.
 */
export function ramWorkRoot(opts: PodDirOptions = {}): string | undefined {
  const shm = opts.shmDir ?? '/dev/shm';
  return hasDir(shm) ? join(shm, `${namespaceOf(opts)}-work`) : undefined;
}

/** The directory a run's pods are made in. */
export function runDirOf(runId: string, memory: boolean, opts: PodDirOptions = {}): string {
  const shm = opts.shmDir ?? '/dev/shm';
  const base = memory && hasDir(shm) ? shm : (opts.tmpDir ?? tmpdir());
  return join(base, namespaceOf(opts), safeName(runId));
}

const seenDirs = new Map<string, boolean>();
/** Whether a RAM file system's mount point exists (looked up once per process: mount points stay). */
function hasDir(path: string): boolean {
  let has = seenDirs.get(path);
  if (has === undefined) seenDirs.set(path, (has = existsSync(path)));
  return has;
}

/** 8 hex digits of a hash of a step id: one step's pods share it. */
export function stepTag(step: string): string {
  return createHash('sha256').update(step).digest('hex').slice(0, 8);
}

/**
 * Make a fresh set of pod directories for `attempt` of `step` (when known). `onRoot` hears
 * the root's path before it exists, so a watchdog told of it there removes it should this
 * process die at any point after.
 */
export async function makePodDirs(runId: string, step: string, memory: boolean, opts: PodDirOptions = {}, onRoot?: (root: string) => void, attempt?: number): Promise<PodDirs> {
  const runDir = runDirOf(runId, memory, opts);
  const root = join(runDir, `${safeName(step).slice(-16)}.${stepTag(step)}-${randomBytes(4).toString('hex')}`);
  onRoot?.(root);
  mkdirIn(runDir, root);
  const dirs = { root, scratch: join(root, 'scratch'), ipc: join(root, 'ipc'), work: join(root, 'work') };
  for (const d of [dirs.scratch, dirs.ipc, dirs.work]) mkdirSync(d);
  try {
    writeFileSync(join(root, OWNER_FILE), attempt === undefined ? String(process.pid) : `${process.pid}\n${attempt}\n`);
  } catch (e) {
    throw namingFile(e, join(root, OWNER_FILE));
  }
  return dirs;
}

/** The pod roots of `step` that exist now in its run's directory (any worker of this instance). */
export async function podRootsOf(runId: string, step: string, memory: boolean, opts: PodDirOptions = {}): Promise<string[]> {
  return rootsIn(runDirOf(runId, memory, opts), () => new Set([stepTag(step)]));
}

/**
 * The pod roots of any of `steps` that exist now, in RAM and on disk: one listing of each
 * directory the run's pods can be in, whatever the number of steps (a stop message names up
 * to a slice of a cancel, STRATA_FOLD_SLICE_STEPS).
 */
export function podRootsOfSteps(runId: string, steps: readonly string[], opts: PodDirOptions = {}): string[] {
  let tags: Set<string> | undefined;
  const tagsOf = () => (tags ??= new Set(steps.map(stepTag)));
  return [...new Set([runDirOf(runId, true, opts), runDirOf(runId, false, opts)])].flatMap((dir) => rootsIn(dir, tagsOf));
}

/** A pod root's name ends in `.<step tag>-<8 random hex digits>` (makePodDirs). */
const ROOT_TAG = /\.([0-9a-f]{8})-[0-9a-f]{8}$/;

/** The step tag a pod root's name carries ('' for a name that is not a pod root's). */
export function rootTag(root: string): string {
  return ROOT_TAG.exec(root)?.[1] ?? '';
}

/** The roots in `runDir` whose step tag is one of `tags()` (asked only when the directory holds any). */
function rootsIn(runDir: string, tags: () => Set<string>): string[] {
  let names: string[];
  try {
    // Synchronous, like making them: a listing of a small directory, usually in RAM.
    names = readdirSync(runDir);
  } catch {
    return [];
  }
  if (names.length === 0) return [];
  const wanted = tags();
  return names.filter((n) => wanted.has(ROOT_TAG.exec(n)?.[1] ?? '')).map((n) => join(runDir, n));
}

/** Remove a pod's directories, and its run's directory once no other pod of the run uses it. */
export async function removePodDirs(dirs: PodDirs): Promise<void> {
  try {
    // What a pod that left nothing behind holds: its owner file and empty directories.
    unlinkSync(join(dirs.root, OWNER_FILE));
    for (const d of [dirs.scratch, dirs.ipc, dirs.work, ...(dirs.inner ?? []), dirs.root]) rmdirSync(d);
  } catch {
    rmSync(dirs.root, { recursive: true, force: true });
  }
  try {
    rmdirSync(dirname(dirs.root));
  } catch {
    // not empty: another pod of the run is there
  }
}

/** A step or run id as one path segment. */
export function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_') || '_';
}
