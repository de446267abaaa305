/**
 * Issue 12 on the kubernetes runtime, on a STAND-IN API server (test/support/fake-kube-api:
 * not Kubernetes) whose kubelet runs each container as a process: a `container` or `script`
 * template's emptyDir volumeMounts reach the pod as an `emptyDir` volume mounted at the
 * mount path, as Argo's pod has (one volume at two paths: one emptyDir mounted twice), empty
 * at start (the stand-in's emptyDirs are empty, as a kubelet's); one holding a declared
 * output is a directory of the execution's own on the shared volume, also empty at start.
 * Pods are kept (retention keep) to be read back from the API.
 */
import { describe, expect, it } from 'vitest';
import { resourceType } from '../../support/fake-kube-api/store.ts';
import { argoFixtures } from '../../support/documents.ts';
import { NS } from './support/fake-cluster.ts';
import { useKubeRunService } from './support/kube-run-service.ts';

const k = useKubeRunService({ retention: 'keep' });
const { read } = argoFixtures('container-volumes');

interface Pod {
  metadata: { name: string };
  spec: { volumes?: Array<{ name: string; emptyDir?: unknown }>; containers: Array<{ name: string; volumeMounts?: Array<{ name: string; mountPath: string; subPath?: string }> }> };
}

const MOUNTED = ['/workspace', '/var/cache/strata-argo-app', '/in', '/out'];

/** Each kept pod's mounts of container main at the documents' mount paths, as `path kind volume` (emptyDir, or the shared claim holding a directory of its execution's own), a pod's sorted, the pods sorted. */
function podMounts(): string[][] {
  const pods = k().cluster.api.store.list(resourceType('', 'pods')!, NS, () => true).items as Pod[];
  return pods.map((p) => {
    const mounts = (p.spec.containers.find((c) => c.name === 'main')?.volumeMounts ?? []).filter((m) => MOUNTED.includes(m.mountPath));
    return mounts.map((m) => {
      const v = (p.spec.volumes ?? []).find((x) => x.name === m.name);
      return v?.emptyDir !== undefined ? `${m.mountPath} emptyDir ${m.name}` : `${m.mountPath} shared ${m.subPath?.replace(/\.[0-9.]+\//, '.N/')}`;
    }).sort();
  }).sort((a, b) => a.join().localeCompare(b.join()));
}

describe('a container or script template\'s emptyDir volumeMounts on the kubernetes runtime (issue 12)', () => {
  it('each pod finds its volumes empty; the pod spec carries an emptyDir at each mount path; one volume at two paths is one emptyDir', async () => {
    const r = await k().svc.runToEnd(read('workspace.yaml'), { timeoutMs: 120_000 });
    expect(r.status, r.error ?? JSON.stringify(r.steps).slice(0, 3000)).toBe('succeeded');
    expect([r.steps['fill/0'].result, r.steps['fill/1'].result]).toEqual(['a', 'b']);
    expect([r.steps['fill/0'].parameters, r.steps['fill/1'].parameters]).toEqual([{ count: '0' }, { count: '0' }]);
    expect(r.steps.tally.result).toBe('workspace=0 pwd=/var/cache/strata-argo-app note=kept');
    const two = await k().svc.runToEnd(read('two-paths.yaml'), { timeoutMs: 120_000 });
    expect(two.status, two.error ?? JSON.stringify(two.steps).slice(0, 3000)).toBe('succeeded');
    expect(Object.values(two.steps).map((s) => s.result)).toEqual(['handed-over']);
    // tally's two volumes are emptyDirs; two-paths' one volume is one emptyDir at both paths; a fill pod's
    // /workspace holds its output parameter, so it is a directory of its execution's own on the shared
    // volume (docs/kubernetes.md, Private paths), which the worker reads once the pod ended.
    expect(podMounts()).toEqual([
      ['/in emptyDir strata-scratch', '/out emptyDir strata-scratch'],
      ['/var/cache/strata-argo-app emptyDir strata-own-1', '/workspace emptyDir strata-own-0'],
      ['/workspace shared work/own.N/paths/workspace'],
      ['/workspace shared work/own.N/paths/workspace'],
    ]);
  }, 300_000);

  it('mounts one inside another are each a directory, in either order (a tester\'s pass: test/argo/argo-volume-edges.int.test.ts on the local runtime)', async () => {
    const r = await k().svc.runToEnd(argoFixtures('volume-edges').read('nested.yaml'), { timeoutMs: 120_000 });
    expect(r.status, r.error ?? JSON.stringify(r.steps).slice(0, 3000)).toBe('succeeded');
    expect([r.steps['outer-first'].result, r.steps['inner-first'].result, r.steps['set/main'].result]).toEqual(['a b ', 'c d ', 'e f ']);
  }, 300_000);
});
