/**
 * U2 on the kubernetes runtime, on a STAND-IN API server (test/support/fake-kube-api: not
 * Kubernetes; its kubelet runs each container as a process): STRATA_MAX_RUN_STEPS holds for
 * the run across pods, not per pod. A fan-out inside a pod over a list known only when it runs
 * (a parameter) is counted once by the plan and by the pod's start; the pod's quarterback counts
 * on from the run's steps (its micro plan's stepsBefore), and the micro steps it made are
 * charged to the run when it ends (its report's done.steps). Pods running at once ask the run
 * for their micro steps past their start's count (log version 8, R3): the ask in the pod's
 * report annotation, the run's answer patched on the pod (`strata.dev/grant`), which its
 * quarterback reads. The local runtime's twin:
 * test/engine/run-steps-at-limit.int.test.ts. Real HTTP, Redis, a worker on the kubernetes runtime.
 */
import { describe, expect, it } from 'vitest';
import { flowDoc } from '../../support/documents.ts';
import { useKubeRunService } from './support/kube-run-service.ts';

const k = useKubeRunService({ env: { STRATA_MAX_RUN_STEPS: '6' } });

/** A pod's flow: a fan-out over the items of parameter `ns`, each a container. */
const podFan = { id: 'g', fanOut: { over: { var: 'params.ns' }, as: 'n', do: { id: 't', task: { image: 'alpine', command: ['sh', '-c', 'true'] } } } };

/** Run `root` with parameter `ns`: its status and error, and its steps by status (the steps the limit refused aside). */
async function run(name: string, root: unknown, ns: number[]): Promise<{ status: string; error?: string; steps: Record<string, string> }> {
  const r = await k().svc.call('POST', '/v1/runs', { flow: { ...flowDoc(root, name), spec: { params: { ns }, root } } });
  expect(r.status, r.text).toBe(202);
  const done = await k().svc.waitRun(r.body.runId, 90_000);
  const steps: Record<string, string> = {};
  for (const [id, s] of Object.entries(done.steps as Record<string, { status: string; error?: string | null }>)) {
    if (!s.error?.includes('(STRATA_MAX_RUN_STEPS)')) steps[id] = s.status;
  }
  return { status: done.status, error: done.error ?? undefined, steps };
}

describe('STRATA_MAX_RUN_STEPS across pods on the kubernetes runtime (U2)', () => {
  it('a task, then a pod fanning out over the 5 items a parameter lists (7 steps, the plan counting 3): failed at the limit inside the pod, 4 of its containers made', async () => {
    const r = await run('kube-task-then-pod-fan', { sequence: [{ id: 'a', task: { image: 'alpine', command: ['sh', '-c', 'true'] } }, { id: 'p', pod: { flow: podFan } }] }, [1, 2, 3, 4, 5]);
    expect(r).toEqual({ status: 'failed', error: expect.stringContaining('the run would make more than 6 steps, the limit (STRATA_MAX_RUN_STEPS)'), steps: { a: 'succeeded', 'p/0': 'succeeded', 'p/1': 'succeeded', 'p/2': 'succeeded', 'p/3': 'succeeded' } });
  }, 120_000);

  it('a fan-out of 2 pods, one at a time, each fanning out over the 3 items a parameter lists (8 steps, the plan counting 4): the second pod counts on from the first\'s containers, and fails at the limit after 1', async () => {
    const r = await run('kube-pods-fan', { id: 'f', fanOut: { over: [1, 2], concurrency: 1, do: { id: 'p', pod: { flow: podFan } } } }, [1, 2, 3]);
    expect(r).toEqual({ status: 'failed', error: expect.stringContaining('the run would make more than 6 steps, the limit (STRATA_MAX_RUN_STEPS)'), steps: { 0: 'succeeded', '0/0': 'succeeded', '0/1': 'succeeded', '0/2': 'succeeded', '1/0': 'succeeded' } });
  }, 120_000);

  // Before (log version 7), each counted on from the run's steps when it started: 6 containers ran.
  it('a fan-out of 2 pods running at once, each fanning out over the 3 items a parameter lists (8 steps): failed at the limit, 4 containers at most between them (the 2 pods are steps too)', async () => {
    const r = await run('kube-pods-fan-at-once', { id: 'f', fanOut: { over: [1, 2], do: { id: 'p', pod: { flow: podFan } } } }, [1, 2, 3]);
    expect([r.status, r.error]).toEqual(['failed', expect.stringContaining('the run would make more than 6 steps, the limit (STRATA_MAX_RUN_STEPS)')]);
    expect(Object.keys(r.steps).filter((id) => id.includes('/')).length).toBeLessThanOrEqual(4);
  }, 120_000);

  // Tester 16: the answer's patch refused (a 503 of the API server) was not sent again, and the
  // quarterback's steps waited for it for ever. The local runtime's twin (the ask's append refused):
  // test/worker/ask-lost.int.test.ts.
  it('a pod fanning out over 3 items whose answer to its ask is refused by the API server once (503): patched again, succeeded, every container run', async () => {
    const before = k().cluster.api.requests.length;
    k().cluster.api.failNext('patch', 'pods', { code: 503, reason: 'ServiceUnavailable', message: 'the server is currently unable to handle the request' }, 1, 'worker');
    const r = await run('kube-pod-grant-refused', { id: 'p', pod: { flow: podFan } }, [1, 2, 3]);
    expect(r).toEqual({ status: 'succeeded', error: undefined, steps: { p: 'succeeded', 'p/0': 'succeeded', 'p/1': 'succeeded', 'p/2': 'succeeded' } });
    expect(k().cluster.api.requests.slice(before).filter((q) => q.verb === 'patch' && q.resource === 'pods' && q.user === 'worker').map((q) => q.status)).toEqual([503, 200]);
  }, 120_000);

  it('a fan-out of 2 pods running at once, each fanning out over 2 items, right at the limit (2 pods, 4 containers): succeeded, every container run', async () => {
    const r = await run('kube-pods-fan-at-limit', { id: 'f', fanOut: { over: [1, 2], do: { id: 'p', pod: { flow: podFan } } } }, [1, 2]);
    expect(r).toEqual({ status: 'succeeded', error: undefined, steps: { 0: 'succeeded', 1: 'succeeded', '0/0': 'succeeded', '0/1': 'succeeded', '1/0': 'succeeded', '1/1': 'succeeded' } });
  }, 120_000);
});
