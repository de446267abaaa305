/**
 * A macro step's files: its inputs gathered from the artifact store into one directory
 * (one file per input, named after it), and its outputs written to an attempt directory
 * whose files replace the step's artifacts only when the step succeeds, so a step that
 * ran twice (a worker killed mid-step) leaves its outputs once. The file primitives are
 * the quarterback's (sidecar/step-files.ts): both levels pass data the same way.
 */
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { StartCommand } from '../engine/types.ts';
import { StrataError } from '../errors/strata-error.ts';
import { artifactPath, copyInputs, writeData } from '../../runtime/step-files.ts';

export interface StepDirs {
  inputsDir: string;
  outputsDir: string;
  finalDir: string;
  workDir: string;
}

let seq = 0;

export async function prepareStep(artifactsDir: string, workRoot: string, runId: string, cmd: StartCommand): Promise<StepDirs> {
  // A directory of its own per attempt and process: nothing to clear first.
  const workDir = join(workRoot, runId, `${cmd.step.replace(/[/#]/g, '~')}.${cmd.attempt}.${process.pid}.${(++seq).toString(36)}`);
  const inputsDir = join(workDir, 'inputs');
  const outputsDir = join(workDir, 'outputs');
  await mkdir(inputsDir, { recursive: true });
  await mkdir(outputsDir);
  try {
    await copyInputs(inputsDir, cmd.inputs, (ref) => artifactPath(artifactsDir, runId, ref.step, ref.output));
  } catch (e) {
    throw new StrataError('step_failed', (e as Error).message);
  }
  writeData(inputsDir, cmd.data);
  return { inputsDir, outputsDir, finalDir: artifactPath(artifactsDir, runId, cmd.step), workDir };
}

/** Keep the attempt's outputs as the step's artifacts, each file replacing an earlier attempt's atomically. */
export async function keepOutputs(dirs: StepDirs): Promise<void> {
  await mkdir(dirs.finalDir, { recursive: true });
  for (const f of await readdir(dirs.outputsDir)) await rename(join(dirs.outputsDir, f), join(dirs.finalDir, f));
}

export async function cleanup(dirs: StepDirs): Promise<void> {
  await rm(dirs.workDir, { recursive: true, force: true });
}
