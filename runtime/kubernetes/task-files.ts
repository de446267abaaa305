/**
 * The worker's side of a task pod's files beyond result.json (docs/kubernetes.md, Private
 * paths and standard output): before the pod, the execution's privateDir on the shared
 * volume with the task's inputs at paths put in it (own-paths.ts); after it ended well,
 * its standard output as the result (kept by the wrapper, stdout-wrapper.ts), its artifacts
 * at paths collected into STRATA_OUTPUTS and its output parameters read (what a failed
 * program left, too: a failed step's outputs), with the same
 * functions and rules as the local runtime's private view (runtime/local/private-view.ts).
 */
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RunTask } from '../../src/engine/types.ts';
import { copyArtifactsOut, copyInputsIn, type PrivateView } from '../local/private-view.ts';
import { readParameters } from '../output-parameters.ts';
import { failedArtifactsOut, failedOutputs } from '../failed-outputs.ts';
import type { JsonValue } from '../../src/flow/types.ts';
import { appendAll } from '../../src/flow/append-all.ts';
import type { PodOutcome, PodReport, PodRequest } from '../pod-runtime.ts';
import { stdoutFromFile } from '../stdout-result.ts';
import { carriedDir, carriesFilesAtPaths, hostPathIn, ownDirs } from './own-paths.ts';
import { STDOUT_FILE } from './stdout-wrapper.ts';

/** Makes each privateDir unique in this process; the pid makes it unique on the shared volume and lets a later worker reap a dead one's (src/worker/step-files.ts). */
let seq = 0;

/**
 * Why a task cannot run on this cluster's configuration; undefined when it can. Its files
 * beyond its exit code are read by the worker from the shared volume, which without a
 * claim is an emptyDir of the pod's own.
 */
export function needsSharedVolume(task: RunTask, sharedClaim: string | undefined): string | undefined {
  if (sharedClaim) return undefined;
  if (task.result) return `result: ${task.result} on the Kubernetes runtime needs the shared volume (STRATA_SHARED_CLAIM): the standard output is kept in a file there for the worker to read`;
  if (carriesFilesAtPaths(task)) return 'inputs, artifacts and output parameters at a path of the container\'s own need the shared volume on the Kubernetes runtime (STRATA_SHARED_CLAIM): they travel through it';
  return undefined;
}

/** The request with its privateDir made and filled, when its task has files at paths of its own. */
export async function prepareTaskFiles(req: PodRequest): Promise<PodRequest> {
  if (req.kind !== 'task' || !req.task || !carriesFilesAtPaths(req.task)) return req;
  const privateDir = join(dirname(req.outputsDir), `own.${process.pid}.${(++seq).toString(36)}`);
  const carried = ownDirs(req.task).carried;
  const withDir = { ...req, privateDir };
  await Promise.all(carried.map((d) => mkdir(carriedDir(privateDir, d), { recursive: true })));
  await copyInputsIn(viewOf(privateDir, carried), req.task, req.inputsDir);
  return withDir;
}

/** Remove the request's privateDir, if it has one. */
export async function removeTaskFiles(req: PodRequest): Promise<void> {
  if (req.privateDir) await rm(req.privateDir, { recursive: true, force: true });
}

/**
 * A task pod's outcome with what its files say: the standard output as its result, its
 * artifacts at paths copied into STRATA_OUTPUTS, its output parameters. A file that cannot
 * be read fails the step with the sentence saying why, as on the local runtime.
 */
export async function collectTaskFiles(req: PodRequest, outcome: PodOutcome, onReport: (r: PodReport) => void): Promise<PodOutcome> {
  const task = req.task;
  if (req.kind !== 'task' || !task) return outcome;
  if (!outcome.ok) return typeof outcome.exitCode === 'number' ? collectFailed(req, task, outcome, onReport) : outcome;
  try {
    let result = outcome.result;
    if (task.result) {
      const file = join(req.outputsDir, STDOUT_FILE);
      const kept = stdoutFromFile(file, task.result);
      // Not an output of the step: gone before the worker keeps STRATA_OUTPUTS as its artifacts.
      await rm(file, { force: true });
      if (!kept) return { ok: false, error: `the step's standard output was not kept (no ${STDOUT_FILE} in STRATA_OUTPUTS): did the image's /bin/sh run the wrapper?`, exitCode: outcome.exitCode ?? 0 };
      if (kept.note) onReport({ type: 'log', step: req.step, stream: 'stderr', chunk: kept.note });
      result = kept.result;
    }
    const hostPathOf = req.privateDir ? hostPathIn(req.privateDir, ownDirs(task).carried) : undefined;
    if (req.privateDir && hostPathOf) await copyArtifactsOut(viewOf(req.privateDir, ownDirs(task).carried), task, req.outputsDir);
    const parameters = task.parameters ? readParameters(req.outputsDir, task.parameters, hostPathOf) : undefined;
    return { ...outcome, ...(result !== undefined ? { result } : {}), ...(parameters ? { parameters } : {}) };
  } catch (e) {
    return { ok: false, error: (e as Error).message, exitCode: outcome.exitCode ?? 0 };
  }
}

/**
 * A task pod whose program failed: what it left is its step's outputs still (its standard
 * output, artifacts at paths, output parameters: runtime/failed-outputs.ts), as on the local
 * runtime. Nothing read here fails it again; what cannot be read is said in its log.
 */
async function collectFailed(req: PodRequest, task: RunTask, outcome: PodOutcome, onReport: (r: PodReport) => void): Promise<PodOutcome> {
  const notes: string[] = [];
  let fromStdout: { result: JsonValue } | undefined;
  if (task.result) {
    const file = join(req.outputsDir, STDOUT_FILE);
    try {
      const kept = stdoutFromFile(file, task.result);
      if (kept) fromStdout = { result: kept.result };
    } catch (e) {
      notes.push(`standard output not kept: ${(e as Error).message}`);
    }
    // Not an output of the step: gone before the worker keeps STRATA_OUTPUTS as its artifacts.
    await rm(file, { force: true });
  }
  const hostPathOf = req.privateDir ? hostPathIn(req.privateDir, ownDirs(task).carried) : undefined;
  if (req.privateDir && hostPathOf) appendAll(notes, await failedArtifactsOut(viewOf(req.privateDir, ownDirs(task).carried), task, req.outputsDir));
  const left = failedOutputs(req.outputsDir, task, { ...(fromStdout ? { fromStdout } : {}), ...(hostPathOf ? { hostPathOf } : {}), ...(req.resultLimit !== undefined ? { resultLimit: req.resultLimit } : {}) });
  for (const note of [...notes, ...left.notes]) onReport({ type: 'log', step: req.step, stream: 'stderr', chunk: `strata: ${note}\n` });
  return { ...outcome, ...(left.result !== undefined ? { result: left.result } : {}), ...(left.parameters ? { parameters: left.parameters } : {}) };
}

function viewOf(privateDir: string, carried: string[]): PrivateView {
  return { args: [], hostPathOf: hostPathIn(privateDir, carried) };
}
