/**
 * A macro step's files: its inputs gathered from the artifact store into one directory
 * (one file per input, named after it), and its outputs written to a directory of its
 * own execution. The step's artifacts are written once: the outputs directory of the
 * first execution to succeed becomes `<artifacts>/<run>/<step>/` in one rename, which
 * fails for every later one (a late copy, a re-run after a takeover), and those adopt
 * what was kept instead of replacing it. So the files a run has recorded and handed to
 * the next steps are never replaced, whatever order copies of a step finish in. The
 * file primitives are runtime/step-files.ts: both levels pass data the same way.
 *
 * An execution's outputs directory comes from the worker's pool (outputs-pool.ts), on the
 * artifact store's file system so that keeping it is one rename; its inputs directory is
 * made beside it, named after the run, the step (its last characters and a hash), the
 * attempt and the worker's pid, or in RAM (`ramRoot`, /dev/shm) when it has no input files
 * to copy, only the engine's small JSON data or nothing. The worker's watchdog removes
 * them should the worker die (outputs directories are registered one by one while in use,
 * inputs directories by their root and the worker's pid in their name), and those of dead
 * workers are removed when a worker starts (reapAttemptDirs). An execution that wrote no outputs keeps an empty file
 * as the step's artifacts (`<artifacts>/<run>/<step>`, nothing to list or read): a hard
 * link made only where nothing is (empty-claim.ts), it is claimed once like a renamed
 * directory, costs no directory and no inode, and leaves the outputs directory empty for
 * the next execution.
 *
 * The directory operations of a step are synchronous: each takes microseconds, less than
 * handing it to libuv's thread pool and back (docs/performance.md). Copies of input files,
 * which may be large, are asynchronous.
 */
import { lstatSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, unlinkSync } from 'node:fs';
import { cp, readdir, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { StartCommand } from '../engine/types.ts';
import type { JsonValue } from '../flow/types.ts';
import { StrataError } from '../errors/strata-error.ts';
import { mkdirIn } from '../../runtime/dir-in.ts';
import { writeFileHere } from '../../runtime/no-follow-writes.ts';
import { safeName, stepTag } from '../../runtime/local/pod-dirs.ts';
import { processRunning } from '../../runtime/process/process-group.ts';
import { readOutputText } from '../../runtime/output-files.ts';
import { POD_STEPS_FILE, type KeptStep } from '../../runtime/quarterback/protocol.ts';
import { artifactPath, copyInputs, readResult, writeData } from '../../runtime/step-files.ts';
import type { OutputsPool } from './outputs-pool.ts';
import { claimEmpty } from './empty-claim.ts';

export interface StepDirs {
  inputsDir: string;
  outputsDir: string;
  finalDir: string;
  /** the artifact store finalDir is in */
  artifactsDir: string;
  /** the outputs directory held nothing (set once checked) */
  empty?: boolean;
  /** set once the outputs directory became the step's artifacts (it is gone from where it was) */
  kept?: boolean;
}

/** Where an execution's directories come from: outputs from the pool, inputs in RAM (`ramRoot`) when the machine has it. */
export interface WorkRoots {
  pool: OutputsPool;
  ramRoot?: string;
}

/** The file every kept outputs directory holds: it says which execution kept it, and keeps the directory from being empty (a rename may replace an empty directory). Output names cannot start with a dot. */
export const KEPT_FILE = '.strata-kept';

/** An execution directory's name ends with `.<pid>.<seq>`, and `.in` for inputs. */
const EXECUTION_NAME = /\.(\d+)\.[0-9a-z]+(\.in)?$/;

let seq = 0;

/**
 * Take an execution's directories and gather its inputs. `onMade` hears the inputs
 * directory before it exists, so a watchdog told of it (or of its root: Guard.execDirsIn)
 * removes it should this process die at any point after.
 */
export async function prepareStep(artifactsDir: string, roots: WorkRoots, runId: string, cmd: StartCommand, onMade?: (dir: string) => void): Promise<StepDirs> {
  const files = Object.keys(cmd.inputs).length > 0;
  const name = `${safeName(runId)}~${safeName(cmd.step).slice(-40)}.${stepTag(cmd.step)}.${cmd.attempt}.${process.pid}.${(++seq).toString(36)}.in`;
  const inputsDir = join(files || !roots.ramRoot ? roots.pool.root : roots.ramRoot, name);
  onMade?.(inputsDir);
  mkdirIn(dirname(inputsDir), inputsDir);
  const dirs: StepDirs = { inputsDir, outputsDir: roots.pool.take(), finalDir: artifactPath(artifactsDir, runId, cmd.step), artifactsDir };
  try {
    if (files) await copyInputs(inputsDir, cmd.inputs, (ref) => artifactPath(artifactsDir, runId, ref.step, ref.output));
    writeData(inputsDir, cmd.data);
  } catch (e) {
    cleanup(dirs, roots.pool);
    throw new StrataError('step_failed', (e as Error).message);
  }
  return dirs;
}

/** What keepOutputs did: kept this execution's outputs, or found another's kept (whose result.json is then the step's result; a result from standard output is in no file, and stays the execution's own: run-step.ts). */
export type Kept = { kept: true } | { kept: false; result: JsonValue };

/**
 * Which execution keeps outputs; `failed`: its program failed (its outputs are the step's
 * until a later attempt's replace them); `replaces`: the step succeeded in an earlier round
 * of the run and runs again (StartCommand.replaces), so what an earlier attempt kept gives way.
 */
export interface Keeper {
  attempt: number;
  execution: number;
  failed?: boolean;
  replaces?: boolean;
}

/**
 * Keep this execution's outputs as the step's artifacts, unless an execution of the step
 * kept its own first: then the step's artifacts stay as they are, and their result.json
 * is the result to record. `who` is written into the kept directory (KEPT_FILE).
 *
 * A failed program's outputs are kept too (a failed step's outputs, read by continueOn and
 * `.Failed` dependents), but only until a later attempt of the step keeps its own: what a
 * failed attempt kept is replaced then (it was handed to no step: the step had not ended),
 * and one that wrote nothing takes such a keep away. What a succeeded execution kept is
 * never replaced, and a failed one that wrote nothing claims nothing; but for a step run
 * again after it succeeded in an earlier round of the run (`who.replaces`: an exit handler's
 * leaf after a retry of the run, whose old outputs no step reads any more), whose keep, of
 * any kind, gives way to a later attempt's.
 */
export async function keepOutputs(dirs: StepDirs, who: Keeper): Promise<Kept> {
  // Run again, it keeps a directory even when it wrote nothing: that keep names its attempt
  // (KEPT_FILE), so a copy of the same attempt never takes it for the earlier round's.
  if (dirs.empty && who.replaces) dirs.empty = false;
  if (dirs.empty) {
    // An earlier failed attempt's keep is in the way of a claim: set aside, it leaves room for it.
    if (!who.failed) {
      const claimed = keepNothing(dirs) ?? ((await setAside(dirs.finalDir, who)) ? keepNothing(dirs) : undefined);
      return claimed ?? { kept: false, result: keptResult(dirs.finalDir) };
    }
    await setAside(dirs.finalDir, who);
    return { kept: true };
  }
  // After the step ran: a link it left at KEPT_FILE is refused, never written through.
  writeFileHere(join(dirs.outputsDir, KEPT_FILE), JSON.stringify({ ...who, pid: process.pid, at: new Date().toISOString() }));
  try {
    // The run's artifact directory exists but for a run's first steps: rename first, make it when missing.
    try {
      renameSync(dirs.outputsDir, dirs.finalDir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      mkdirSync(dirname(dirs.finalDir), { recursive: true });
      renameSync(dirs.outputsDir, dirs.finalDir);
    }
    dirs.kept = true;
    return { kept: true };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') {
      // An earlier failed attempt's keep is in the way: set it aside, and keep these outputs in its place.
      if (!(await setAside(dirs.finalDir, who))) return { kept: false, result: keptResult(dirs.finalDir) };
      return keepOutputs(dirs, who);
    }
    if (code !== 'EXDEV') throw e;
  }
  // The work dir is on another file system than the artifacts: copy next to them, then rename.
  const staging = `${dirs.finalDir}.kept-${process.pid}-${(++seq).toString(36)}`;
  // Links in directory artifacts stay as written (relative); node's cp would make them absolute.
  await cp(dirs.outputsDir, staging, { recursive: true, verbatimSymlinks: true });
  try {
    renameSync(staging, dirs.finalDir);
    return { kept: true };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') && (await setAside(dirs.finalDir, who))) {
      renameSync(staging, dirs.finalDir);
      return { kept: true };
    }
    await rm(staging, { recursive: true, force: true });
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') return { kept: false, result: keptResult(dirs.finalDir) };
    throw e;
  }
}

/**
 * Move what an earlier failed attempt of the step kept (KEPT_FILE says `failed` and an
 * attempt before `who`'s) out of `finalDir` and remove it; true when it did. Anything else
 * there (a success's keep, an empty claim, the same attempt's) stays; but for `who.replaces`
 * an earlier attempt's success and an empty claim (only an earlier round makes one then) go too.
 */
async function setAside(finalDir: string, who: Keeper): Promise<boolean> {
  if (who.replaces && lstatSync(finalDir, { throwIfNoEntry: false })?.isFile()) {
    try {
      // unlink, never rename: should a copy of this attempt have put its directory there meanwhile, unlink fails and leaves it.
      unlinkSync(finalDir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EISDIR' && code !== 'EPERM') throw e;
    }
    return true;
  }
  let kept: Keeper;
  try {
    kept = JSON.parse(readOutputText(finalDir, KEPT_FILE, KEPT_FILE) ?? '{}') as Keeper;
  } catch {
    return false;
  }
  if ((kept.failed !== true && !who.replaces) || !(kept.attempt < who.attempt)) return false;
  const aside = `${finalDir}.replaced-${process.pid}-${(++seq).toString(36)}`;
  try {
    renameSync(finalDir, aside);
  } catch {
    return false; // another execution set it aside (or replaced it) first
  }
  await rm(aside, { recursive: true, force: true });
  return true;
}

/** Keep an execution that wrote nothing: an empty file claims the step's artifacts (empty-claim.ts); undefined when something is there already. */
function keepNothing(dirs: StepDirs): Kept | undefined {
  return claimEmpty(dirs.artifactsDir, dirs.finalDir) ? { kept: true } : undefined;
}

/** The result of what an execution kept: none for one that wrote nothing (a file), else its result.json. */
function keptResult(finalDir: string): JsonValue {
  return lstatSync(finalDir).isDirectory() ? readResult(finalDir) : null;
}

/**
 * What the execution that kept a pod's outputs recorded of its micro steps (POD_STEPS_FILE)
 * and which execution it was (KEPT_FILE); empty when the files are missing or unreadable.
 */
export function keptPodSteps(finalDir: string): { attempt?: number; execution?: number; steps: KeptStep[] } {
  try {
    const who = JSON.parse(readOutputText(finalDir, KEPT_FILE, KEPT_FILE) ?? '{}') as { attempt?: number; execution?: number };
    const steps = JSON.parse(readOutputText(finalDir, POD_STEPS_FILE, POD_STEPS_FILE) ?? '[]') as KeptStep[];
    return { ...who, steps: Array.isArray(steps) ? steps : [] };
  } catch {
    return { steps: [] };
  }
}

/** Let go of an execution's directories: its inputs are removed, its outputs go back to the pool unless they were kept. */
export function cleanup(dirs: StepDirs, pool: OutputsPool): void {
  try {
    rmdirSync(dirs.inputsDir); // the usual case: empty
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') rmSync(dirs.inputsDir, { recursive: true, force: true });
  }
  if (dirs.kept) return pool.gone(dirs.outputsDir);
  pool.give(dirs.outputsDir, dirs.empty ?? isEmpty(dirs.outputsDir));
}

function isEmpty(dir: string): boolean {
  try {
    return readdirSync(dir).length === 0;
  } catch {
    return false;
  }
}

/** Remove the execution directories of workers that are gone (their pid no longer runs); returns those removed. */
export async function reapAttemptDirs(roots: string[]): Promise<string[]> {
  const reaped: string[] = [];
  for (const root of roots) {
    for (const name of await list(root)) {
      const pid = Number(EXECUTION_NAME.exec(name)?.[1]);
      if (!Number.isInteger(pid) || pid <= 0 || processRunning(pid)) continue;
      await rm(join(root, name), { recursive: true, force: true });
      reaped.push(join(root, name));
    }
  }
  return reaped;
}

/** A worker's RAM directory (runtime/local/pod-dirs.ts ramWorkRoot): `strata-` and 8 hex digits, `-work`. */
const RAM_WORK_ROOT = /^strata-[0-9a-f]{8}-work$/;

/** Whether `name` is that of an instance's RAM work directory, which sweepRamWorkRoots reaps. */
export function isRamWorkRoot(name: string): boolean {
  return RAM_WORK_ROOT.test(name);
}

/**
 * Sweep every instance's RAM work directory in `shmDir` (/dev/shm): the execution
 * directories of dead processes go (reapAttemptDirs), then each work directory left empty.
 * One in use keeps a live process's execution in it, and is kept; a worker that needs one
 * swept makes it again (mkdirIn). Instances long gone (a test's STRATA_HOME, a killed
 * `strata up`) left thousands (Argo tester 2, fault 15).
 */
export async function sweepRamWorkRoots(shmDir: string): Promise<void> {
  for (const name of await list(shmDir)) {
    if (!isRamWorkRoot(name)) continue;
    await reapAttemptDirs([join(shmDir, name)]);
    await rmdir(join(shmDir, name)).catch(() => undefined); // not empty: in use
  }
}

async function list(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}
