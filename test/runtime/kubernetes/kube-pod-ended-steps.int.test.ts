/**
 * Tester 16 on the kubernetes runtime, on a STAND-IN API server (test/support/fake-kube-api:
 * not Kubernetes; its kubelet runs each container as a process): a micro pod deleted mid-run
 * (by someone else, an eviction) failed, and so did its run, but the micro steps it had
 * reported running stayed `running` in the run's record for ever. Now they end with the pod,
 * failed, saying so. The local runtime's twin (the quarterback SIGKILLed):
 * test/worker/pod-ended-steps.int.test.ts. Real HTTP, Redis, a worker on the kubernetes runtime.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { flowDoc } from '../../support/documents.ts';
import { until } from '../../support/processes.ts';
import { NS } from './support/fake-cluster.ts';
import { useKubeRunService } from './support/kube-run-service.ts';

const k = useKubeRunService();

describe('the micro steps of a pod deleted mid-run', () => {
  it('end with the pod: failed, naming why, none left running under the failed run', async () => {
    const root = { id: 'p', pod: { flow: { sequence: [{ id: 'a', task: { image: 'alpine', command: ['sh', '-c', 'true'] } }, { id: 'b', fanOut: { over: [1], do: { id: 'h', task: { image: 'alpine', command: ['sh', '-c', 'sleep 300'] } } } }] } } };
    const r = await k().svc.call('POST', '/v1/runs', { flow: flowDoc(root, 'kube-pod-ended') });
    expect(r.status, r.text).toBe(202);
    const runId = r.body.runId as string;
    await until('the container to run', async () => (await k().svc.call('GET', `/v1/runs/${runId}`)).body.steps?.['p/b/0']?.status === 'running', 60_000, 200);
    const core = k().cluster.api.kubeConfig('admin', NS).makeApiClient(CoreV1Api);
    const pods = (await core.listNamespacedPod({ namespace: NS })).items.filter((p) => p.status?.phase === 'Running');
    expect(pods.length).toBe(1);
    const name = pods[0].metadata!.name!;
    await core.deleteNamespacedPod({ name, namespace: NS });
    const run = await k().svc.waitRun(runId, 90_000);
    // The stand-in's kubelet stops the containers first (SIGTERM): the runtime may see one end before the pod is gone.
    const why = `(pod ${name} was deleted before it finished|container \\S+ ended with code 143: .* before the quarterback was done)`;
    expect([run.status, run.error]).toEqual(['failed', expect.stringMatching(new RegExp(`^${why}`))]);
    const steps = run.steps as Record<string, { status: string; error: string | null }>;
    expect(Object.fromEntries(Object.entries(steps).map(([id, s]) => [id, s.status]))).toEqual({ p: 'failed', 'p/a': 'succeeded', 'p/b': 'failed', 'p/b/0': 'failed' });
    // Its container, sent SIGTERM by the kubelet as the quarterback was, may be seen to end (143) before the quarterback's stop.
    for (const id of ['p/b', 'p/b/0']) expect(steps[id].error, id).toMatch(new RegExp(`^(its pod ended before it did: ${why}|.*code 143)`));
  }, 180_000);

  // Its sibling: on kubernetes the run's cancel deletes the pod too, and the quarterback, stopped
  // the same way, cannot tell the two apart (StepReport.stopped): the worker records them cancelled.
  it('a run cancelled: they end cancelled with the pod', async () => {
    const root = { id: 'p', pod: { flow: { sequence: [{ id: 'a', task: { image: 'alpine', command: ['sh', '-c', 'true'] } }, { id: 'b', fanOut: { over: [1], do: { id: 'h', task: { image: 'alpine', command: ['sh', '-c', 'sleep 300'] } } } }, { id: 'c', task: { image: 'alpine', command: ['sh', '-c', 'true'] } }] } } };
    const r = await k().svc.call('POST', '/v1/runs', { flow: flowDoc(root, 'kube-pod-cancelled') });
    expect(r.status, r.text).toBe(202);
    const runId = r.body.runId as string;
    await until('the container to run', async () => (await k().svc.call('GET', `/v1/runs/${runId}`)).body.steps?.['p/b/0']?.status === 'running', 60_000, 200);
    expect((await k().svc.call('POST', `/v1/runs/${runId}/cancel`)).status).toBe(200);
    const ended = async () => {
      const run = (await k().svc.call('GET', `/v1/runs/${runId}`)).body as { status: string; steps: Record<string, { status: string }> };
      return run.status !== 'running' && !Object.values(run.steps).some((s) => s.status === 'running') && run;
    };
    const run = await until('the run and its micro steps to end', ended, 90_000, 200);
    expect(run.status).toBe('cancelled');
    expect(Object.fromEntries(Object.entries(run.steps).map(([id, s]) => [id, s.status]))).toMatchObject({ p: 'cancelled', 'p/a': 'succeeded', 'p/b': 'cancelled', 'p/b/0': 'cancelled' });
    // c never started: cancelled with the rest, as the quarterback said, or never reported (the pod gone first).
    expect(['cancelled', undefined]).toContain(run.steps['p/c']?.status);
  }, 180_000);
});
