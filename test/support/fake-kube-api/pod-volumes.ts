/**
 * The stand-in kubelet's volumes in process mode: each emptyDir an empty directory under the
 * pod's root, the downward API's files written from the pod's annotations and a ConfigMap
 * volume's from its ConfigMap (as they are: each container sees its volumes at their mount
 * paths), and the ServiceAccount a
 * container's projected token would name.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KObj } from './store.ts';

/** Each volume of the pod as a directory under `root`: emptyDirs made, the downward API's and ConfigMaps' items written (`configMap` finds one by name). */
export async function prepareVolumes(pod: KObj, root: string, configMap: (name: string) => KObj | undefined): Promise<void> {
  for (const v of pod.spec.volumes ?? []) {
    if (v.persistentVolumeClaim) continue;
    const dir = join(root, v.name);
    // An emptyDir starts empty, as a kubelet makes it (a container reading it finds nothing); a mount's subPath is made when mounted (pod-paths.ts).
    await mkdir(dir, { recursive: true, mode: 0o777 });
    for (const item of v.downwardAPI?.items ?? []) {
      const m = /^metadata\.annotations\['(.+)'\]$/.exec(item.fieldRef?.fieldPath ?? '');
      await writeFile(join(dir, item.path), m ? (pod.metadata.annotations?.[m[1]] ?? '') : '');
    }
    if (v.configMap) {
      const data: Record<string, string> = configMap(v.configMap.name)?.data ?? {};
      const items: Array<{ key: string; path: string }> = v.configMap.items ?? Object.keys(data).map((key) => ({ key, path: key }));
      for (const item of items) await writeFile(join(dir, item.path), data[item.key] ?? '');
    }
  }
}

/** The pod's ServiceAccount token, for a container that mounts a projected token (the API server takes it as the SA). */
export function serviceAccountToken(pod: KObj, spec: KObj): string | undefined {
  const projected = (pod.spec.volumes ?? []).filter((v: KObj) => v.projected?.sources?.some((s: KObj) => s.serviceAccountToken)).map((v: KObj) => v.name);
  if (!(spec.volumeMounts ?? []).some((m: KObj) => projected.includes(m.name))) return undefined;
  return `system:serviceaccount:${pod.metadata.namespace}:${pod.spec.serviceAccountName ?? 'default'}`;
}

/** A scripted container's result.json, in its STRATA_OUTPUTS. */
export async function writeResult(spec: KObj, result: unknown): Promise<void> {
  const dir = (spec.env ?? []).find((e: KObj) => e.name === 'STRATA_OUTPUTS')?.value;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'result.json'), JSON.stringify(result));
}
