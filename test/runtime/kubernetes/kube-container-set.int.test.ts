/**
 * Issue 12, an Argo containerSet on the kubernetes runtime on a STAND-IN API server
 * (test/support/fake-kube-api: not Kubernetes): its outputs (its main container's, given as
 * the pod's own output parameters by the quarterback's report) reach the steps after it as
 * on the local runtime; its emptyDir volumeMounts are the pod's scratch.
 */
import { describe, expect, it } from 'vitest';
import { argoFixtures } from '../../support/documents.ts';
import { useKubeRunService } from './support/kube-run-service.ts';

const k = useKubeRunService();

describe('an Argo containerSet on the kubernetes runtime (issue 12)', () => {
  it('a containerSet\'s outputs: the parameter (the pod\'s own, from the quarterback\'s report), its default, the artifact and the result', async () => {
    const r = await k().svc.call('POST', '/v1/runs', argoFixtures('container-set-outputs').read('outputs.yaml'));
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const run = await k().svc.waitRun(r.body.runId, 120_000);
    expect(run.status, JSON.stringify(run.steps).slice(0, 3000)).toBe('succeeded');
    expect(run.steps.set.parameters).toEqual({ count: '3', missing: 'fallback' });
    expect(run.steps.show.result).toBe('count=3 missing=fallback result=main-done seeded report-body ');
  }, 150_000);

  it('a containerSet\'s emptyDir volumeMounts: the pod\'s scratch at /workspace, which a and b append to and main reads (issue 12)', async () => {
    const r = await k().svc.call('POST', '/v1/runs', argoFixtures('container-set-volumes').read('workspace.yaml'));
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const run = await k().svc.waitRun(r.body.runId, 120_000);
    expect(run.status, JSON.stringify(run.steps).slice(0, 3000)).toBe('succeeded');
    expect(String(run.steps['work/main'].result).split('\n').sort()).toEqual(['note from a', 'note from b']);
  }, 150_000);
});
