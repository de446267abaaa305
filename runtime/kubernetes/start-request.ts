/**
 * A macro `start` command as the PodRequest a worker would make of it, for `strata
 * manifests` (no worker, no files). It mirrors src/worker/run-step.ts: the same STRATA_*
 * variables and the same pod fields; the directories are where a worker with its shared
 * volume at `sharedDir` would put them.
 */
import type { StartCommand } from '../../src/engine/types.ts';
import type { PodRequest } from '../pod-runtime.ts';

export function podRequestFor(runId: string, cmd: StartCommand, sharedDir: string): PodRequest {
  const env: Record<string, string> = { ...(cmd.task?.env ?? {}), STRATA_RUN: runId, STRATA_STEP: cmd.step, STRATA_PARAMS: JSON.stringify(cmd.env.params) };
  if (cmd.env.item !== undefined) env.STRATA_ITEM = JSON.stringify(cmd.env.item);
  if (cmd.env.round !== undefined) env.STRATA_ROUND = String(cmd.env.round);
  const work = `${sharedDir}/work/${runId}/${cmd.step.replace(/[/#]/g, '~')}.${cmd.attempt}`;
  const req: PodRequest = {
    runId, step: cmd.step, attempt: cmd.attempt, kind: cmd.kind === 'pod' ? 'pod' : 'task', env,
    inputsDir: `${work}/inputs`, outputsDir: `${work}/outputs`, artifactsDir: `${sharedDir}/artifacts`,
    ...(cmd.task ? { task: cmd.task } : {}),
    ...(cmd.timeout !== undefined ? { timeoutMs: cmd.timeout * 1000 } : {}),
  };
  if (cmd.pod) {
    req.pod = { ...cmd.pod, params: cmd.env.params, unit: cmd.env.unit, ...(cmd.env.item !== undefined ? { item: cmd.env.item } : {}), ...(cmd.env.round !== undefined ? { round: cmd.env.round } : {}) };
  }
  return req;
}
