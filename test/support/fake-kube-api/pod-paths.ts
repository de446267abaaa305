/**
 * Where a container's paths are on this machine, for the stand-in kubelet's process
 * mode: a mounted volume is a directory under the pod's root (an emptyDir, a downward API
 * volume) or a claim's directory, with subPath; a file of the image maps through
 * `files`; anything else is the same path on the host. A stand-in for mount namespaces.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
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

/** `views`: imitate the mount points above subPath mounts (not needed where mounts are real, in a namespace). */
export function pathMap(pod: KObj, container: KObj, podRoot: string, claims: Record<string, string>, files: Record<string, string>, views = true): PathMap {
  const mounts: Array<[string, string]> = (container.volumeMounts ?? []).map((m: KObj) => {
    const base = volumeHostDir(pod, m.name, podRoot, claims);
    // As the kubelet does: a subPath missing from its volume is made.
    if (m.subPath) mkdirSync(join(base, m.subPath), { recursive: true });
    return [m.mountPath, m.subPath ? join(base, m.subPath) : base];
  });
  if (views) mounts.push(...mountPointViews(container, mounts, join(podRoot, 'views', container.name)));
  mounts.sort((a, b) => b[0].length - a[0].length);
  return { mounts, files };
}

/**
 * In a container, the directories above a volume mounted by subPath (up to where the
 * volume's root would be) hold nothing but mount points: `/data/artifacts` shows the run
 * `r1` mounted at `/data/artifacts/r1` and no other. A process that joins a name to
 * `/data/artifacts` must land in the mount. Here each such directory is a view directory
 * under the pod's root with a link per mount point in it.
 */
function mountPointViews(container: KObj, mounts: Array<[string, string]>, viewsRoot: string): Array<[string, string]> {
  const views = new Map<string, string>();
  const mounted = new Set(mounts.map(([from]) => from));
  for (const m of container.volumeMounts ?? []) {
    if (!m.subPath || !m.mountPath.endsWith(`/${m.subPath}`)) continue;
    const volumeRoot = m.mountPath.slice(0, -m.subPath.length - 1) || '/';
    let child: string = m.mountPath;
    let target = mounts.find(([from]) => from === m.mountPath)![1];
    while (child !== volumeRoot && child !== '/') {
      const parent = dirname(child);
      if (mounted.has(parent)) break;
      const view = views.get(parent) ?? join(viewsRoot, parent);
      views.set(parent, view);
      mkdirSync(view, { recursive: true });
      const link = join(view, basename(child));
      try {
        symlinkSync(target, link);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // made when the map was made before
      }
      target = view;
      child = parent;
    }
  }
  return [...views];
}

/**
 * The checkout the tests run from stands for the images' files (the image map's programs
 * and their data): its paths are never a pod's, even where the checkout is under /tmp (a
 * CI clone) and a pod mounts a volume at /tmp.
 */
const CHECKOUT = resolve(import.meta.dirname, '..', '..', '..');

export function toHost(map: PathMap, p: string): string {
  if (map.files[p]) return map.files[p];
  if (p === CHECKOUT || p.startsWith(`${CHECKOUT}/`)) return p;
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
