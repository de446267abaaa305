/**
 * Where a container's paths are on this machine, for the stand-in kubelet's process
 * mode: a mounted volume is a directory under the pod's root (an emptyDir, a downward API
 * volume) or a claim's directory, with subPath; a file of the image maps through
 * `files`; anything else is the same path on the host. A stand-in for mount namespaces.
 */
import { join } from 'node:path';
import type { KObj } from './store.ts';

export interface PathMap {
  /** container path -> host path, longest prefix first */
  mounts: Array<[string, string]>;
  files: Record<string, string>;
}

export function volumeHostDir(pod: KObj, volumeName: string, podRoot: string, claims: Record<string, string>): string {
  const v = (pod.spec.volumes ?? []).find((x: KObj) => x.name === volumeName);
  if (v?.persistentVolumeClaim) {
    const host = claims[v.persistentVolumeClaim.claimName];
    if (!host) throw new Error(`no host directory for claim ${v.persistentVolumeClaim.claimName}`);
    return host;
  }
  return join(podRoot, volumeName);
}

export function pathMap(pod: KObj, container: KObj, podRoot: string, claims: Record<string, string>, files: Record<string, string>): PathMap {
  const mounts: Array<[string, string]> = (container.volumeMounts ?? []).map((m: KObj) => {
    const base = volumeHostDir(pod, m.name, podRoot, claims);
    return [m.mountPath, m.subPath ? join(base, m.subPath) : base];
  });
  mounts.sort((a, b) => b[0].length - a[0].length);
  return { mounts, files };
}

export function toHost(map: PathMap, p: string): string {
  if (map.files[p]) return map.files[p];
  for (const [from, to] of map.mounts) {
    if (p === from) return to;
    if (p.startsWith(`${from}/`)) return to + p.slice(from.length);
  }
  return p;
}

/** Every string in a JSON value that is a container path, as a host path. */
export function jsonToHost(map: PathMap, v: unknown): unknown {
  if (typeof v === 'string') return v.startsWith('/') ? toHost(map, v) : v;
  if (Array.isArray(v)) return v.map((x) => jsonToHost(map, x));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonToHost(map, x)]));
  return v;
}
