/**
 * A local pod's directories: scratch (shared by its containers), ipc (their unix sockets
 * and FIFOs) and work (each container's inputs and outputs), all under one root made
 * fresh per pod run. The root is in RAM, /dev/shm/strata/<run>/<pod>-XXXXXX, where the
 * machine has /dev/shm and the pod asked for memory scratch; else in the tmp dir. The
 * root names its owner's pid, so a worker that died cannot leave it behind for long.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface PodDirs {
  root: string;
  scratch: string;
  ipc: string;
  work: string;
}

export interface PodDirOptions {
  /** RAM file system (default /dev/shm; skipped when it does not exist) */
  shmDir?: string;
  /** disk fallback (default the OS tmp dir) */
  tmpDir?: string;
}

/** Make a fresh set of pod directories. */
export async function makePodDirs(runId: string, step: string, memory: boolean, opts: PodDirOptions = {}): Promise<PodDirs> {
  const shm = opts.shmDir ?? '/dev/shm';
  const base = memory && existsSync(shm) ? shm : (opts.tmpDir ?? tmpdir());
  const runDir = join(base, 'strata', safeName(runId));
  await mkdir(runDir, { recursive: true });
  // Short names: unix socket paths in ipc/ must stay under about 100 bytes.
  const root = await mkdtemp(join(runDir, `${safeName(step).slice(-40)}-`));
  const dirs = { root, scratch: join(root, 'scratch'), ipc: join(root, 'ipc'), work: join(root, 'work') };
  await Promise.all([dirs.scratch, dirs.ipc, dirs.work].map((d) => mkdir(d)));
  await writeFile(join(root, OWNER_FILE), String(process.pid));
  return dirs;
}

/** The file in a pod's root naming the pid of the process that made it (see stale-pods.ts). */
export const OWNER_FILE = 'owner';

/** The roots pod directories are made under: the RAM one and the disk one. */
export function podDirBases(opts: PodDirOptions = {}): string[] {
  return [join(opts.shmDir ?? '/dev/shm', 'strata'), join(opts.tmpDir ?? tmpdir(), 'strata')];
}

/** Remove a pod's directories, and its run's directory once no other pod of the run uses it. */
export async function removePodDirs(dirs: PodDirs): Promise<void> {
  await rm(dirs.root, { recursive: true, force: true });
  await rmdir(dirname(dirs.root)).catch(() => undefined); // not empty: another pod of the run is there
}

/** A step or run id as one path segment. */
export function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_') || '_';
}
