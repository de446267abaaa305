/**
 * A flow's run-level `spec.deadline` (Argo tester 7, R18: a Workflow's activeDeadlineSeconds
 * over a retried container entrypoint) on the kubernetes runtime, on a STAND-IN API server
 * (test/support/fake-kube-api: not Kubernetes) whose kubelet runs each container as a real
 * process: a retried leaf root needs three 2 s attempts (6 s) to succeed and the deadline is
 * 3 s, at the macro level (the run's root, a task pod per attempt) and inside a pod (a used
 * unit's deadline, kept by the quarterback). The fixtures are those of the local runtime's test.
 */
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { useKubeRunService } from './support/kube-run-service.ts';
import { argoFixtures } from '../../support/documents.ts';

const k = useKubeRunService();
const { read } = argoFixtures('run-deadline');


describe('spec.deadline on the kubernetes runtime (R18)', () => {
  it('macro: the run fails at its deadline, its retried leaf root stopped, no later attempt succeeding', async () => {
    const r = await k().svc.runToEnd({ flow: parseAllDocuments(read('native-retried.flow.yaml'))[0].toJS() }, { timeoutMs: 180_000 });
    expect(r.status, JSON.stringify(r.steps)).toBe('failed');
    expect(r.steps.work).toMatchObject({ status: 'failed', error: 'the run timed out after 3s' });
  }, 240_000);

  it("inside a pod: a used unit's deadline stops its retried leaf, and the pod fails", async () => {
    const [runner, unit] = parseAllDocuments(read('native-units.flow.yaml')).map((d) => d.toJS());
    const stored = await k().svc.call('POST', '/v1/flows', unit);
    expect(stored.status, JSON.stringify(stored.body)).toBeLessThan(300);
    const box = { ...runner, spec: { root: runner.spec.root.graph.nodes.box } };
    const r = await k().svc.runToEnd({ flow: box }, { timeoutMs: 180_000 });
    expect(r.status, JSON.stringify(r.steps)).toBe('failed');
    const inner = Object.entries(r.steps).find(([k]) => k.endsWith('/work'));
    expect(inner?.[1], JSON.stringify(r.steps)).toMatchObject({ status: 'failed', error: expect.stringMatching(/timed out after 3s$/) });
  }, 240_000);
});
