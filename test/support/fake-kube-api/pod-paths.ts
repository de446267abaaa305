/**
 * Where a container's volumes are on this machine: a mounted volume is a directory under
 * the pod's root (an emptyDir, a downward API volume) or a claim's directory, with
 * subPath. The stand-in kubelet binds each at its mountPath in the container's mount
 * namespace (kubelet-process.ts), so container paths are real and nothing is mapped.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KObj } from './store.ts';

function volumeHostDir(pod: KObj, volumeName: string, podRoot: string, claims: Record<string, string>): string {
  const v = (pod.spec.volumes ?? []).find((x: KObj) => x.name === volumeName);
  if (v?.persistentVolumeClaim) {
    const host = claims[v.persistentVolumeClaim.claimName];
    if (!host) throw new Error(`no host directory for claim ${v.persistentVolumeClaim.claimName}`);
    return host;
  }
  return join(podRoot, volumeName);
}

/**
 * A container's mounts as [mountPath, host directory] pairs, a parent before its children
 * whatever their order in the pod (as containerd's WithMounts sorts them by their number of
 * path parts, pkg/cri/opts/spec_linux.go); a subPath missing from its volume is made, as the kubelet does.
 */
export function volumeMounts(pod: KObj, container: KObj, podRoot: string, claims: Record<string, string>): Array<[string, string]> {
  const parts = (p: string) => p.split('/').filter(Boolean).length;
  return (container.volumeMounts ?? []).map((m: KObj): [string, string] => {
    const base = volumeHostDir(pod, m.name, podRoot, claims);
    if (m.subPath) mkdirSync(join(base, m.subPath), { recursive: true, mode: 0o777 });
    return [m.mountPath, m.subPath ? join(base, m.subPath) : base];
  }).sort(([a]: [string, string], [b]: [string, string]) => parts(a) - parts(b));
}
