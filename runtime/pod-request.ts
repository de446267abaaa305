/**
 * A macro `start` command as the PodRequest a runtime runs: the STRATA_* variables every
 * step gets from the worker and the pod's fields. Used by the worker (src/worker/run-step.ts)
 * and by `strata manifests` (runtime/kubernetes/start-request.ts), so both agree.
 */
import type { StartCommand } from '../src/engine/types.ts';
import type { PodRequest } from './pod-runtime.ts';
import { placeInputs } from '../src/engine/input-placeholder.ts';
import { podName } from './kubernetes/names.ts';
import { DEFAULT_LIMITS, type RunLimits } from '../src/flow/limits.ts';

export interface RequestDirs {
  inputsDir: string;
  outputsDir: string;
  artifactsDir: string;
}

/** `limits`: the run's (the worker's configuration); a pod's quarterback applies them to its containers too. */
export function podRequest(runId: string, cmd: StartCommand, dirs: RequestDirs, limits: RunLimits = DEFAULT_LIMITS): PodRequest {
  // `{{ inputs.NAME }}` is the path of the input in the step's inputs dir.
  // `{{ run.pod }}`: the pod's name as the Kubernetes runtime names it, on every runtime.
  const task = cmd.task && placeInputs(cmd.task, (name) => `${dirs.inputsDir}/${name}`, { id: runId, step: cmd.step, pod: podName(runId, cmd.step, cmd.attempt) });
  const env: Record<string, string> = { ...(task?.env ?? {}), STRATA_RUN: runId, STRATA_STEP: cmd.step, STRATA_ATTEMPT: String(cmd.attempt), STRATA_PARAMS: JSON.stringify(cmd.env.params) };
  if (cmd.env.item !== undefined) env.STRATA_ITEM = JSON.stringify(cmd.env.item);
  if (cmd.env.items !== undefined) env.STRATA_ITEMS = JSON.stringify(cmd.env.items);
  if (cmd.env.round !== undefined) env.STRATA_ROUND = String(cmd.env.round);
  if (cmd.env.exit !== undefined) env.STRATA_EXIT = JSON.stringify(cmd.env.exit);
  const req: PodRequest = {
    runId, step: cmd.step, attempt: cmd.attempt, kind: cmd.kind === 'pod' ? 'pod' : 'task', env, ...dirs,
    ...(task ? { task } : {}),
    ...(cmd.timeout !== undefined ? { timeoutMs: cmd.timeout * 1000 } : {}),
    // A generate step's result is a Dataset, a document: it may be larger than a result.
    resultLimit: cmd.kind === 'generate' ? limits.maxDatasetResultBytes : limits.maxResultBytes,
    // The run's fold limits (its start command's) over the worker's own: its quarterback's engine decides as the run's does.
    ...(cmd.kind === 'pod' ? { limits: { ...limits, ...cmd.pod?.limits } } : {}),
  };
  if (cmd.pod) {
    // The pod inherits its place's scope: its containers see the same items, round and params.
    const { limits: _runs, ...pod } = cmd.pod;
    req.pod = { ...pod, ...cmd.env };
  }
  return req;
}
