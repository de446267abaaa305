/**
 * A container the quarterback is preparing or running, and what is read from it: its
 * private file system view when its task declares paths, and, once it exited, its
 * step's result (standard output when the task says so, else result.json) and output
 * parameters (what it left when its program failed, too).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunTask } from '../src/engine/types.ts';
import type { JsonValue } from '../src/flow/types.ts';
import { bwrapKnown, bwrapProblem, copyInputsIn, hostTmp, makePrivateView, needsPrivateView, noPrivateView, type PrivateView } from '../runtime/local/private-view.ts';
import { readParameters } from '../runtime/output-parameters.ts';
import { readStdoutFile, type StdoutCapture } from '../runtime/stdout-result.ts';
import type { ContainerDriver, ContainerExit } from '../runtime/process/container-driver.ts';
import { failedArtifactsOut, failedOutputs, type FailedOutputs } from '../runtime/failed-outputs.ts';
import { appendAll } from '../src/flow/append-all.ts';
import { readResult, type StepDirs } from '../runtime/step-files.ts';

/** The error of a generate step inside a pod. */
export const GENERATE_UNSUPPORTED = 'generate steps cannot run inside a pod (micro level): move the generate step out of the pod';

export interface Live {
  attempt: number;
  killed: boolean;
  dirs?: StepDirs;
  stderrTail: string;
  /** the standard output kept when it is the step's result */
  stdout?: StdoutCapture;
  /** the container's private file system view, when its task declares paths */
  view?: PrivateView;
  /** its artifacts at paths have been collected from the view */
  collected?: boolean;
}

/**
 * A private view for the container (a /tmp of its own, and its declared paths) with its
 * inputs copied in. Where bubblewrap cannot run: `error`, the sentence saying why, when the
 * task declares paths (it never runs without them); else no view and a `note` for its log
 * (its /tmp is the host's). `ownDir`: the directory it starts in, kept visible; `pod`: the
 * pod's name, the container's host name (as every container of a Kubernetes pod has it).
 */
export async function privateView(task: RunTask, dirs: StepDirs, scratchDir: string, ipcDir: string, ownDir: string, pod?: string): Promise<{ view?: PrivateView; error?: string; note?: string }> {
  const problem = await bwrapProblem();
  if (problem) return needsPrivateView(task) ? { error: noPrivateView(problem) } : { note: hostTmp(problem) };
  const view = makePrivateView(task, join(dirs.inputs, '..', 'private'), scratchDir, [dirs.inputs, dirs.outputs, ipcDir, ownDir], true, pod);
  if (task.inputPaths?.length) await copyInputsIn(view, task, dirs.inputs);
  return { view };
}

/**
 * privateView in the tick it is asked, when it needs no waiting: bubblewrap known to run
 * here and no inputs to copy into the view. Undefined otherwise (privateView then).
 */
export function privateViewNow(task: RunTask, dirs: StepDirs, scratchDir: string, ipcDir: string, ownDir: string, pod?: string): PrivateView | undefined {
  if (bwrapKnown() !== null || task.inputPaths?.length) return undefined;
  return makePrivateView(task, join(dirs.inputs, '..', 'private'), scratchDir, [dirs.inputs, dirs.outputs, ipcDir, ownDir], true, pod);
}

/** The step's result and output parameters from a container that exited 0; throws a sentence when they cannot be read. `note` is a line for its log; `resultLimit`: bytes result.json may hold (STRATA_MAX_RESULT_BYTES). */
export function containerResult(entry: Live, task: RunTask | undefined, outputsDir: string, resultLimit?: number): { result: JsonValue; parameters?: Record<string, JsonValue>; note?: string } {
  const fromStdout = entry.stdout?.result();
  const result = fromStdout ? fromStdout.result : readResult(outputsDir, resultLimit);
  const parameters = task?.parameters ? readParameters(outputsDir, task.parameters, entry.view?.hostPathOf) : undefined;
  return { result, ...(parameters ? { parameters } : {}), ...(fromStdout?.note ? { note: fromStdout.note } : {}) };
}

/**
 * What a container whose program failed left (runtime/failed-outputs.ts): its artifacts at
 * paths copied into `outputsDir` when they exist, its result and output parameters where
 * they can be read, and notes for its log about what could not be. Never throws: the step
 * has failed already. `e`: the driver's view and kept standard output, when it gives them.
 */
export async function failedContainer(entry: Live, e: Pick<ContainerExit, 'view' | 'stdoutFile'>, task: RunTask | undefined, outputsDir: string, resultLimit?: number): Promise<FailedOutputs> {
  const notes: string[] = [];
  const lost = adoptExit(entry, e, task?.result);
  if (lost) notes.push(lost);
  if (entry.view && task) appendAll(notes, await failedArtifactsOut(entry.view, task, outputsDir));
  const fromStdout = entry.stdout?.result();
  const left = failedOutputs(outputsDir, task, { ...(fromStdout ? { fromStdout } : {}), ...(entry.view ? { hostPathOf: entry.view.hostPathOf } : {}), ...(resultLimit !== undefined ? { resultLimit } : {}) });
  return { ...left, notes: [...notes, ...left.notes] };
}

/**
 * Why the container cannot run with a driver that does not see its output; undefined when
 * it can. The gate driver of a Kubernetes pod keeps standard output and gives paths of
 * one's own itself (ContainerDriver.keepsStdout, ownPaths).
 */
export function unsupported(task: RunTask, driver: Pick<ContainerDriver, 'seesOutput' | 'keepsStdout' | 'ownPaths'>): string | undefined {
  if (driver.seesOutput !== false) return undefined;
  if (needsPrivateView(task) && !driver.ownPaths) return 'volumes and paths of a container\'s own are not supported by this runtime\'s containers';
  if (task.result && !driver.keepsStdout) return `result: ${task.result} is not supported by this runtime's containers (their output does not pass through the quarterback): write result.json`;
  return undefined;
}

/**
 * Takes into `entry` what a driver gives of an exited container (a pod's slot): where its
 * paths of its own are, and its standard output kept in a file. A sentence when that output
 * cannot be read; undefined otherwise. Shared by a container that succeeded and one that failed.
 */
export function adoptExit(entry: Live, e: Pick<ContainerExit, 'view' | 'stdoutFile'>, mode?: 'stdout' | 'text'): string | undefined {
  if (e.view && !entry.view) entry.view = { args: [], hostPathOf: (p) => e.view!.hostPathOf(p) };
  if (!e.stdoutFile || !entry.stdout) return undefined;
  const kept = keptStdout(e.stdoutFile, mode);
  if (typeof kept === 'string') return kept;
  entry.stdout = kept;
  return undefined;
}

/** The standard output a driver kept in a file (removed once read: not an output of the step), or why there is none. */
export function keptStdout(file: string, mode: 'stdout' | 'text' = 'stdout'): StdoutCapture | string {
  try {
    const kept = readStdoutFile(file, mode);
    rmSync(file, { force: true });
    return kept ?? `the step's standard output was not kept (no ${file}): did the image's /bin/sh run the wrapper?`;
  } catch (e) {
    return (e as Error).message;
  }
}
