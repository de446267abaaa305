/**
 * The worker's files in a pod. A worker prepares a step's inputs dir, names its outputs
 * dir and keeps the artifact store, all on one shared volume (in a cluster a
 * PersistentVolumeClaim, ReadWriteMany across nodes) mounted at `sharedDir`. The pod
 * mounts the same claim at the same path, so every directory a PodRequest names means
 * the same inside the pod. A directory outside it, or any directory when there is no
 * claim, is an emptyDir: steps still run and results still travel by report, but those
 * files live only as long as the pod.
 */
import type { V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { PodRequest } from '../pod-runtime.ts';
import { VOLUMES } from './pod-layout.ts';

export interface DataVolumes {
  volumes: V1Volume[];
  mounts: V1VolumeMount[];
}

/** Volumes and mounts for the shared volume and, where they lie outside it, the step's own dirs. */
export function dataVolumes(req: Pick<PodRequest, 'artifactsDir' | 'inputsDir' | 'outputsDir'>, claim: string | undefined, sharedDir: string | undefined, withInputs: boolean): DataVolumes {
  const root = sharedDir ?? req.artifactsDir;
  const volumes: V1Volume[] = [claim ? { name: VOLUMES.artifacts, persistentVolumeClaim: { claimName: claim } } : { name: VOLUMES.artifacts, emptyDir: {} }];
  const mounts: V1VolumeMount[] = [{ name: VOLUMES.artifacts, mountPath: root }];
  const extra: Array<[string, string]> = [[VOLUMES.outputs, req.outputsDir]];
  if (withInputs) extra.unshift([VOLUMES.inputs, req.inputsDir]);
  if (!within(root, req.artifactsDir)) extra.unshift([VOLUMES.store, req.artifactsDir]);
  for (const [name, dir] of extra) {
    if (!dir || within(root, dir)) continue;
    volumes.push({ name, emptyDir: {} });
    mounts.push({ name, mountPath: dir });
  }
  return { volumes, mounts };
}

function within(root: string, dir: string): boolean {
  const r = root.endsWith('/') ? root : `${root}/`;
  return dir === root || dir.startsWith(r);
}
