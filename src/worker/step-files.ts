/**
 * A macro step's files: its inputs gathered from the artifact store into one directory
 * (one file per input, named after it), and its outputs written to an attempt directory
 * that replaces the step's artifacts only when the step succeeds, so a step that ran
 * twice (a worker killed mid-step) leaves its outputs once.
 */
import { copyFile, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StartCommand } from '../engine/types.ts';
import { StrataError } from '../errors/strata-error.ts';

export interface StepDirs {
  inputsDir: string;
  outputsDir: string;
  finalDir: string;
  workDir: string;
}

/** Where a step's artifacts live. */
export function artifactDir(artifactsDir: string, runId: string, step: string): string {
  return join(artifactsDir, runId, ...step.split('/'));
}

let seq = 0;

export async function prepareStep(artifactsDir: string, workRoot: string, runId: string, cmd: StartCommand): Promise<StepDirs> {
  // A directory of its own per attempt and process: nothing to clear first.
  const workDir = join(workRoot, runId, `${cmd.step.replace(/[/#]/g, '~')}.${cmd.attempt}.${process.pid}.${(++seq).toString(36)}`);
  const inputsDir = join(workDir, 'inputs');
  const outputsDir = join(workDir, 'outputs');
  await mkdir(inputsDir, { recursive: true });
  await mkdir(outputsDir);
  for (const [name, ref] of Object.entries(cmd.inputs)) {
    try {
      await copyFile(join(artifactDir(artifactsDir, runId, ref.step), ref.output), join(inputsDir, name));
    } catch {
      throw new StrataError('step_failed', `input "${name}": step ${ref.step} has no output "${ref.output}"`);
    }
  }
  const data = cmd.data;
  if (data.results !== undefined) await writeFile(join(inputsDir, 'results'), JSON.stringify(data.results));
  if (data.window !== undefined) await writeFile(join(inputsDir, 'window'), JSON.stringify(data.window));
  if (data.previous !== undefined) await writeFile(join(inputsDir, 'previous'), JSON.stringify(data.previous));
  return { inputsDir, outputsDir, finalDir: artifactDir(artifactsDir, runId, cmd.step), workDir };
}

/** Keep the attempt's outputs as the step's artifacts, each file replacing an earlier attempt's atomically. */
export async function keepOutputs(dirs: StepDirs): Promise<void> {
  await mkdir(dirs.finalDir, { recursive: true });
  for (const f of await readdir(dirs.outputsDir)) await rename(join(dirs.outputsDir, f), join(dirs.finalDir, f));
}

export async function cleanup(dirs: StepDirs): Promise<void> {
  await rm(dirs.workDir, { recursive: true, force: true });
}
