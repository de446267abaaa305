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
 * Attempt directories live under STRATA_HOME/work/<run>/, named after the step, its
 * attempt and the worker's pid; they are registered with the worker's watchdog while they
 * exist, and those of dead workers are removed when a worker starts (reapAttemptDirs).
 */
import { cp, mkdir, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { StartCommand } from '../engine/types.ts';
import type { JsonValue } from '../flow/types.ts';
import { StrataError } from '../errors/strata-error.ts';
import { inDir } from '../../runtime/dir-in.ts';
import { processRunning } from '../../runtime/process/process-group.ts';
import { readOutputText } from '../../runtime/output-files.ts';
import { POD_STEPS_FILE, type KeptStep } from '../../runtime/quarterback/protocol.ts';
import { artifactPath, copyInputs, readResult, writeData } from '../../runtime/step-files.ts';

export interface StepDirs {
  inputsDir: string;
  outputsDir: string;
  finalDir: string;
  workDir: string;
}

/** The file every kept outputs directory holds: it says which execution kept it, and keeps the directory from being empty (a rename may replace an empty directory). Output names cannot start with a dot. */
export const KEPT_FILE = '.strata-kept';

let seq = 0;

export async function prepareStep(artifactsDir: string, workRoot: string, runId: string, cmd: StartCommand, onMade?: (workDir: string) => void): Promise<StepDirs> {
  // A directory of its own per attempt and process: nothing to clear first.
  const runDir = join(workRoot, safeSegment(runId));
  const workDir = join(runDir, `${cmd.step.replace(/[/#]/g, '~')}.${cmd.attempt}.${process.pid}.${(++seq).toString(36)}`);
  // Told before it exists: a watchdog then removes it should this process die at any point after.
  onMade?.(workDir);
  await inDir(runDir, () => mkdir(workDir));
  const inputsDir = join(workDir, 'inputs');
  const outputsDir = join(workDir, 'outputs');
  await Promise.all([mkdir(inputsDir), mkdir(outputsDir)]);
  try {
    await copyInputs(inputsDir, cmd.inputs, (ref) => artifactPath(artifactsDir, runId, ref.step, ref.output));
  } catch (e) {
    throw new StrataError('step_failed', (e as Error).message);
  }
  writeData(inputsDir, cmd.data);
  return { inputsDir, outputsDir, finalDir: artifactPath(artifactsDir, runId, cmd.step), workDir };
}

/** What keepOutputs did: kept this execution's outputs, or found another's kept (whose result is then the step's). */
export type Kept = { kept: true } | { kept: false; result: JsonValue };

/**
 * Keep this execution's outputs as the step's artifacts, unless an execution of the step
 * kept its own first: then the step's artifacts stay as they are, and their result.json
 * is the result to record. `who` is written into the kept directory (KEPT_FILE).
 */
export async function keepOutputs(dirs: StepDirs, who: { attempt: number; execution: number }): Promise<Kept> {
  await writeFile(join(dirs.outputsDir, KEPT_FILE), JSON.stringify({ ...who, pid: process.pid, at: new Date().toISOString() }));
  try {
    // The run's artifact directory exists but for a run's first steps: rename first, make it when missing.
    await rename(dirs.outputsDir, dirs.finalDir).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
      await mkdir(dirname(dirs.finalDir), { recursive: true });
      await rename(dirs.outputsDir, dirs.finalDir);
    });
    return { kept: true };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return { kept: false, result: readResult(dirs.finalDir) };
    if (code !== 'EXDEV') throw e;
  }
  // The work dir is on another file system than the artifacts: copy next to them, then rename.
  const staging = `${dirs.finalDir}.kept-${process.pid}-${(++seq).toString(36)}`;
  await cp(dirs.outputsDir, staging, { recursive: true });
  try {
    await rename(staging, dirs.finalDir);
    return { kept: true };
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return { kept: false, result: readResult(dirs.finalDir) };
    throw e;
  }
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

/** Remove an attempt's directory, and its run's directory once no other attempt uses it. */
export async function cleanup(dirs: Pick<StepDirs, 'workDir'>): Promise<void> {
  await rm(dirs.workDir, { recursive: true, force: true });
  await rmdir(dirname(dirs.workDir)).catch(() => undefined);
}

/** Remove the attempt directories of workers that are gone (their pid no longer runs); returns those removed. */
export async function reapAttemptDirs(workRoot: string): Promise<string[]> {
  const reaped: string[] = [];
  for (const run of await list(workRoot)) {
    const runDir = join(workRoot, run);
    for (const name of await list(runDir)) {
      const pid = Number(/\.\d+\.(\d+)\.[0-9a-z]+$/.exec(name)?.[1]);
      if (!Number.isInteger(pid) || pid <= 0 || processRunning(pid)) continue;
      await rm(join(runDir, name), { recursive: true, force: true });
      reaped.push(join(runDir, name));
    }
    await rmdir(runDir).catch(() => undefined);
  }
  return reaped;
}

function safeSegment(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_') || '_';
}

async function list(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}
