/**
 * The worker's files in a pod. A worker prepares a step's inputs dir, names its outputs
 * dir and keeps the artifact store, all on one shared volume (in a cluster a
 * PersistentVolumeClaim, ReadWriteMany across nodes) mounted at `sharedDir`. That volume
 * holds every run's files, so a pod mounts only its own part of it, by subPath, each at
 * the path it has on the volume (so every directory a PodRequest names means the same
 * inside the pod): its step's inputs and outputs dirs and its own run's artifacts
 * (`<artifactsDir>/<runId>`, which the quarterback reads and writes). A directory outside
 * the volume, or any directory when there is no claim, is an emptyDir: steps still run and
 * results still travel by report, but those files live only as long as the pod.
 */
import { join, relative } from 'node:path';
import type { V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { PodRequest } from '../pod-runtime.ts';
import { VOLUMES } from './pod-layout.ts';

export interface DataVolumes {
  volumes: V1Volume[];
  mounts: V1VolumeMount[];
}

/** Volumes and mounts for the step's own dirs and its run's artifacts, on the shared volume where they lie in it. */
export function dataVolumes(req: Pick<PodRequest, 'runId' | 'artifactsDir' | 'inputsDir' | 'outputsDir'>, claim: string | undefined, sharedDir: string | undefined, withInputs: boolean): DataVolumes {
  const root = sharedDir ?? req.artifactsDir;
  const volumes: V1Volume[] = [claim ? { name: VOLUMES.artifacts, persistentVolumeClaim: { claimName: claim } } : { name: VOLUMES.artifacts, emptyDir: {} }];
  const mounts: V1VolumeMount[] = [];
  const parts: Array<[string, string]> = [[VOLUMES.outputs, req.outputsDir], [VOLUMES.store, join(req.artifactsDir, req.runId)]];
  if (withInputs) parts.unshift([VOLUMES.inputs, req.inputsDir]);
  for (const [name, dir] of parts) {
    if (!dir) continue;
    if (within(root, dir) && dir !== root) {
      mounts.push({ name: VOLUMES.artifacts, mountPath: dir, subPath: relative(root, dir) });
    } else {
      volumes.push({ name, emptyDir: {} });
      mounts.push({ name, mountPath: dir });
    }
  }
  return { volumes, mounts };
}

/**
 * The subPath of `dir` on the shared volume (for a mount at another path than its own),
 * or undefined when it is not inside it.
 */
export function sharedSubPath(req: Pick<PodRequest, 'artifactsDir'>, sharedDir: string | undefined, dir: string): string | undefined {
  const root = sharedDir ?? req.artifactsDir;
  return within(root, dir) && dir !== root ? relative(root, dir) : undefined;
}

function within(root: string, dir: string): boolean {
  const r = root.endsWith('/') ? root : `${root}/`;
  return dir === root || dir.startsWith(r);
}
