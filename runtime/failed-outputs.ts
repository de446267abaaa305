/**
 * What a program that failed left behind (docs/flow-language.md, Failure handling: a failed
 * step's outputs): its result (standard output when the task says so, else result.json when
 * it wrote one), each output parameter it wrote (else its default, else none), and its
 * artifacts at paths of its own copied into STRATA_OUTPUTS when they exist. As Argo's wait
 * container saves a failed main container's result, parameters and artifacts (argoexec
 * wait: CaptureScriptResult, SaveParameters, SaveArtifacts run whatever the exit code).
 * Nothing here fails the step again: it has failed; what cannot be read is left out, with
 * a note for its log, and a reader of what is missing is told which step failed without it.
 */
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { RunTask } from '../src/engine/types.ts';
import type { JsonValue } from '../src/flow/types.ts';
import { readParameters } from './output-parameters.ts';
import { readResult } from './step-files.ts';
import { copyArtifactsOut, type PrivateView } from './local/private-view.ts';

export interface FailedOutputs {
  result?: JsonValue;
  parameters?: Record<string, JsonValue>;
  /** lines for the step's log: outputs that were there and could not be read */
  notes: string[];
}

/** Copy a failed container's artifacts at paths into `outputsDir`, those that exist; a note for each that cannot be copied. */
export async function failedArtifactsOut(view: PrivateView, task: RunTask, outputsDir: string): Promise<string[]> {
  const notes: string[] = [];
  for (const a of task.artifactPaths ?? []) {
    try {
      await copyArtifactsOut(view, { ...task, artifactPaths: [a], optionalOutputs: [a.name] }, outputsDir);
    } catch (e) {
      notes.push(`output "${a.name}" not kept: ${(e as Error).message}`);
    }
  }
  return notes;
}

/**
 * The result and output parameters of a failed program, from `outputsDir` (its artifacts
 * at paths already copied there) and `fromStdout` (its standard output, when that is its
 * result). `hostPathOf` maps a path of the container's view to this machine.
 */
export function failedOutputs(outputsDir: string, task: RunTask | undefined, opts: { fromStdout?: { result: JsonValue }; hostPathOf?: (path: string) => string | undefined; resultLimit?: number } = {}): FailedOutputs {
  const notes: string[] = [];
  let result: JsonValue | undefined = opts.fromStdout?.result;
  if (!opts.fromStdout && written(join(outputsDir, 'result.json'))) {
    try {
      result = readResult(outputsDir, opts.resultLimit);
    } catch (e) {
      notes.push(`result.json not kept: ${(e as Error).message}`);
    }
  }
  let parameters: Record<string, JsonValue> | undefined;
  for (const [name, spec] of Object.entries(task?.parameters ?? {})) {
    try {
      // One at a time: a parameter not written (and without a default) leaves only itself out.
      const read = readParameters(outputsDir, { [name]: spec }, opts.hostPathOf);
      (parameters ??= {})[name] = read[name];
    } catch (e) {
      if (spec.default !== undefined) (parameters ??= {})[name] = spec.default;
      if (!/ was not written /.test((e as Error).message)) notes.push(`${(e as Error).message}`);
    }
  }
  return { ...(result !== undefined ? { result } : {}), ...(parameters ? { parameters } : {}), notes };
}

/** Whether `file` is there (any kind: what it is, readResult checks). */
function written(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}
