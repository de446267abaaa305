/**
 * Issue 12, the hostname, on the kubernetes runtime on a STAND-IN API server
 * (test/support/fake-kube-api: not Kubernetes) whose kubelet gives each pod's containers a
 * UTS namespace named after the pod, as a kubelet does: the `hostname` program and $HOSTNAME
 * agree in each pod, a loop's items (pods) differ, a containerSet's containers (slots of one
 * pod, driven by the quarterback) share their pod's. And a containerSet's outputs (its main
 * container's, given as the pod's own output parameters by the quarterback's report) reach
 * the steps after it as on the local runtime; its emptyDir volumeMounts are the pod's scratch.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useKubeRunService } from './support/kube-run-service.ts';

const k = useKubeRunService();

describe('each pod\'s host name is its name on the kubernetes runtime (issue 12)', () => {
  it('an Argo loop and containerSet: `hostname` says $HOSTNAME, one per pod', async () => {
    const r = await k().svc.call('POST', '/v1/runs', readFileSync(join('test', 'fixtures', 'argo', 'environment', 'hostname.yaml'), 'utf8'));
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

  it('a containerSet\'s outputs: the parameter (the pod\'s own, from the quarterback\'s report), its default, the artifact and the result', async () => {
    const r = await k().svc.call('POST', '/v1/runs', readFileSync(join('test', 'fixtures', 'argo', 'container-set-outputs', 'outputs.yaml'), 'utf8'));
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const run = await k().svc.waitRun(r.body.runId, 120_000);
    expect(run.status, JSON.stringify(run.steps).slice(0, 3000)).toBe('succeeded');
    expect(run.steps.set.parameters).toEqual({ count: '3', missing: 'fallback' });
    expect(run.steps.show.result).toBe('count=3 missing=fallback result=main-done seeded report-body ');
  }, 150_000);

  it('a containerSet\'s emptyDir volumeMounts: the pod\'s scratch at /workspace, which a and b append to and main reads (issue 12)', async () => {
    const r = await k().svc.call('POST', '/v1/runs', readFileSync(join('test', 'fixtures', 'argo', 'container-set-volumes', 'workspace.yaml'), 'utf8'));
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const run = await k().svc.waitRun(r.body.runId, 120_000);
    expect(run.status, JSON.stringify(run.steps).slice(0, 3000)).toBe('succeeded');
    expect(String(run.steps['work/main'].result).split('\n').sort()).toEqual(['note from a', 'note from b']);
  }, 150_000);
});
