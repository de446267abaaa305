/**
 * A macro `start` command as the PodRequest a worker would make of it, for `strata
 * manifests` (no worker, no files): the directories are where a worker with its shared
 * volume at `sharedDir` would put them.
 */
import type { StartCommand } from '../../src/engine/types.ts';
import { podRequest } from '../pod-request.ts';
import { stepFileName } from '../step-file-name.ts';
import type { PodRequest } from '../pod-runtime.ts';

export function podRequestFor(runId: string, cmd: StartCommand, sharedDir: string): PodRequest {
  const work = `${sharedDir}/work/${runId}/${stepFileName(cmd.step)}.${cmd.attempt}`;
  const req = podRequest(runId, cmd, { inputsDir: `${work}/inputs`, outputsDir: `${work}/outputs`, artifactsDir: `${sharedDir}/artifacts` });
  // Where a worker would keep the container's files at paths of its own (a worker's name for it holds its pid).
  return req.kind === 'task' ? { ...req, privateDir: `${work}/own` } : req;
}
