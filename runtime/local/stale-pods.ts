/**
 * Pods this machine's workers of this instance can no longer vouch for.
 * - Of a worker that died (SIGKILL, a crash): its watchdog kills and removes them at once
 *   (runtime/watchdog); should the watchdog have died too, the first pod a local runtime
 *   runs first reaps every pod root whose owner process is gone: its processes are killed
 *   (found by the pod's STRATA_SCRATCH, sweep.ts) and its directories removed.
 * - Of a step about to run again (a takeover after a worker froze past its job lock, or
 *   died): every other pod root of the same step in the run's directory is an earlier
 *   copy, and its processes are killed before the step starts, so two copies of a step
 *   never run at once on one machine. This costs one directory listing per step; the
 *   /proc scan happens only when a copy is found.
 */
import { readdir, readFile, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { processRunning } from '../process/process-group.ts';
import { OWNER_FILE, podDirBases, podRootsOf, podRootsOfSteps, rootTag, stepTag, type PodDirOptions } from './pod-dirs.ts';
import { sweep } from './sweep.ts';

/** Kill and remove the pods whose owner is dead; returns the pod roots reaped. */
export async function reapStalePods(opts: PodDirOptions = {}): Promise<string[]> {
  const reaped: string[] = [];
  for (const base of podDirBases(opts)) {
    for (const run of await list(base)) {
      const runDir = join(base, run);
      for (const pod of await list(runDir)) {
        const root = join(runDir, pod);
        const owner = await ownerOf(root);
        // A root without its owner file is being made, unless it has been so for a minute (its maker died then).
        if (owner === undefined ? !(await olderThan(root, 60_000)) : processRunning(owner)) continue;
        await sweep('STRATA_SCRATCH', join(root, 'scratch'));
        await rm(root, { recursive: true, force: true });
        reaped.push(root);
      }
      await rmdir(runDir).catch(() => undefined); // still in use
    }
  }
  return reaped;
}

/**
 * Stop every copy of `step` running in pods of this instance on this machine (this
 * process's own included: a worker whose event loop stalled past its lock may be handed
 * its own job again): their processes are killed; the roots of dead owners are removed (a
 * live owner removes its own when its run() ends). Returns the pod roots found.
 */
export async function stopEarlierCopies(runId: string, step: string, memory: boolean, opts: PodDirOptions = {}): Promise<string[]> {
  const roots = await podRootsOf(runId, step, memory, opts);
  for (const root of roots) await stopCopy(root);
  return roots;
}

/**
 * stopEarlierCopies for the steps of a stop message this process does not run (a cancelled
 * run's copies that a frozen or dying worker of this machine cannot stop), in RAM and on
 * disk: one listing of each of the run's directories for all of them, not two a step
 * (podRootsOfSteps). `attempts` (same order as `steps`; undefined: any) names the attempt
 * each stop is for: a copy whose root names another attempt is left running (a stop for
 * attempt 1 told again after a retry of the run must not stop attempt 2). Returns the pod
 * roots stopped.
 */
export async function stopCopiesOf(runId: string, steps: readonly string[], opts: PodDirOptions = {}, attempts?: ReadonlyArray<number | undefined>): Promise<string[]> {
  const roots = podRootsOfSteps(runId, steps, opts);
  const wanted = attemptsByTag(steps, attempts);
  const stopped: string[] = [];
  for (const root of roots) {
    const named = wanted?.get(rootTag(root));
    if (named !== undefined && named !== 'any') {
      const { attempt } = await ownerFileOf(root);
      if (attempt !== undefined && !named.has(attempt)) continue;
    }
    await stopCopy(root);
    stopped.push(root);
  }
  return stopped;
}

/** Each step tag's attempts to stop ('any' where a step names none); undefined when no attempt is named at all. */
function attemptsByTag(steps: readonly string[], attempts: ReadonlyArray<number | undefined> | undefined): Map<string, Set<number> | 'any'> | undefined {
  if (!attempts || attempts.every((a) => a === undefined)) return undefined;
  const byTag = new Map<string, Set<number> | 'any'>();
  steps.forEach((step, i) => {
    const tag = stepTag(step);
    const a = attempts[i];
    const had = byTag.get(tag);
    if (a === undefined || had === 'any') return void byTag.set(tag, 'any');
    byTag.set(tag, new Set([...(had ?? []), a]));
  });
  return byTag;
}

/** Kill a pod's processes; remove its root when its owner is dead (a live owner removes its own). */
async function stopCopy(root: string): Promise<void> {
  await sweep('STRATA_SCRATCH', join(root, 'scratch'));
  const owner = await ownerOf(root);
  if (owner !== undefined && !processRunning(owner)) await rm(root, { recursive: true, force: true });
}

async function olderThan(path: string, ms: number): Promise<boolean> {
  const st = await stat(path).catch(() => undefined);
  return st !== undefined && Date.now() - st.mtimeMs > ms;
}

async function ownerOf(root: string): Promise<number | undefined> {
  return (await ownerFileOf(root)).owner;
}

/** A pod root's owner pid and the attempt it runs (pod-dirs.ts OWNER_FILE), each undefined when not there. */
async function ownerFileOf(root: string): Promise<{ owner?: number; attempt?: number }> {
  const [first, second] = (await readFile(join(root, OWNER_FILE), 'utf8').catch(() => '')).split('\n');
  const owner = Number(first);
  const attempt = Number(second);
  return {
    ...(first && Number.isInteger(owner) && owner > 0 ? { owner } : {}),
    ...(second && Number.isInteger(attempt) && attempt > 0 ? { attempt } : {}),
  };
}

async function list(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}
