/**
 * Issue 12, the hostname, on the kubernetes runtime on a STAND-IN API server
 * (test/support/fake-kube-api: not Kubernetes) whose kubelet gives each pod's containers a
 * UTS namespace named after the pod, as a kubelet does: the `hostname` program and $HOSTNAME
 * agree in each pod, a loop's items (pods) differ, a containerSet's containers (slots of one
 * pod, driven by the quarterback) share their pod's. (A containerSet's outputs and volumes:
 * kube-container-set.int.test.ts.)
 */
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { argoFixtures } from '../../support/documents.ts';
import { useKubeRunService } from './support/kube-run-service.ts';

const k = useKubeRunService();

describe('each pod\'s host name is its name on the kubernetes runtime (issue 12)', () => {
  it('an Argo loop and containerSet: `hostname` says $HOSTNAME, one per pod', async () => {
    const r = await k().svc.call('POST', '/v1/runs', argoFixtures('environment').read('hostname.yaml'));
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const run = await k().svc.waitRun(r.body.runId, 120_000);
    expect(run.status, JSON.stringify(run.steps).slice(0, 2000)).toBe('succeeded');
    const seen = ['loop/0', 'loop/1', 'set/first', 'set/main'].map((id) => String(run.steps[id]?.result).split(' '));
    for (const [uname, env] of seen) {
      expect(uname).toBe(env);
      expect(uname).not.toBe(hostname());
    }
    expect(new Set(seen.slice(0, 3).map(([u]) => u)).size).toBe(3);
    expect(seen[3][0]).toBe(seen[2][0]);
  }, 150_000);
});
