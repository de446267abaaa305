/**
 * Pods of a worker that died (SIGKILL, a crash) are not cleaned up by it: their
 * directories stay in RAM and their containers, orphaned, run on. The first pod a local
 * runtime runs first reaps them: every pod root whose owner process is gone has its
 * processes killed (found by the pod's STRATA_SCRATCH, sweep.ts) and is removed.
 */
import { readdir, readFile, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { processRunning } from '../process/process-group.ts';
import { OWNER_FILE, podDirBases, type PodDirOptions } from './pod-dirs.ts';
import { sweep } from './sweep.ts';

/** Kill and remove the pods whose owner is dead; returns the pod roots reaped. */
export async function reapStalePods(opts: PodDirOptions = {}): Promise<string[]> {
  const reaped: string[] = [];
  for (const base of podDirBases(opts)) {
    for (const run of await list(base)) {
      const runDir = join(base, run);
      for (const pod of await list(runDir)) {
        const root = join(runDir, pod);
        const owner = Number(await readFile(join(root, OWNER_FILE), 'utf8').catch(() => ''));
        if (!Number.isInteger(owner) || owner <= 0 || processRunning(owner)) continue;
        await sweep('STRATA_SCRATCH', join(root, 'scratch'));
        await rm(root, { recursive: true, force: true });
        reaped.push(root);
      }
      await rmdir(runDir).catch(() => undefined); // still in use
    }
  }
  return reaped;
}

async function list(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}
