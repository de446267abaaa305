/**
 * A micro pod end to end on a STAND-IN API server (test/support/fake-kube-api: not
 * Kubernetes) whose kubelet runs real processes: the worker's KubeRuntime creates the
 * pod through client-node; the real quarterback (sidecar/entrypoint/kube-bin.js) runs in
 * it with its own ServiceAccount, bound by the runtime to get and patch that pod only
 * (RBAC enforced); the real gate entrypoint runs every step; slot images are switched
 * in place; reports travel by the pod annotation. The same pod then runs on the local
 * runtime, and both must end with the same step states.
 */
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KUBE_NO_PATHS, KUBE_NO_STDOUT } from '../../../runtime/kubernetes/kube-runtime.ts';
import { LocalRuntime } from '../../../runtime/local/local-runtime.ts';
import type { PodReport, StepReport } from '../../../runtime/pod-runtime.ts';
import { resourceType } from '../../support/fake-kube-api/store.ts';
import { NS, runPod, type FakeCluster } from './support/fake-cluster.ts';
import { podOf, podRequest, sh } from './support/flows.ts';
import { processCluster, QUARTERBACK_IMAGE, SHARED_CLAIM } from './support/process-cluster.ts';

let c: FakeCluster;
beforeEach(async () => {
  c = await processCluster();
});
afterEach(async () => {
  await c.close();
});

const FLOW = {
  sequence: [
    { id: 'prep', task: sh('echo "hello from prep"; echo 40 > "$STRATA_SCRATCH/n"', 'alpine:3.20') },
    { id: 'fan', fanOut: { over: [1, 2, 3], concurrency: 2, do: { task: sh('echo $(( $(cat "$STRATA_SCRATCH/n") + $STRATA_ITEM )) > "$STRATA_OUTPUTS/result.json"', 'alpine:3.20') } } },
    {
      id: 'ring',
      cycle: {
        rounds: 2,
        ring: [
          { id: 'a', task: sh('printf \'"%s"\' "$STRATA_STEP" > "$STRATA_OUTPUTS/result.json"', 'img/one') },
          { id: 'b', task: sh('printf \'"%s"\' "$STRATA_STEP" > "$STRATA_OUTPUTS/result.json"', 'img/two') },
        ],
      },
    },
  ],
};

/** The last state each step reported. */
function finalStates(reports: PodReport[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of reports) if (r.type === 'step') out[r.step] = (r as StepReport).status;
  return out;
}

describe('a micro pod on the stand-in cluster, real processes inside', () => {
  it('runs sequence, fan-out and an image-switching cycle, and ends like the local runtime', async () => {
    const req = podRequest(podOf(FLOW), { shared: c.shared });
    const ran = await runPod(c.runtime({ quarterbackImage: QUARTERBACK_IMAGE, sharedClaim: SHARED_CLAIM, retention: 'keep' }), req);
    expect(ran.outcome).toMatchObject({ ok: true, result: 'p/ring/b#1' });
    const states = finalStates(ran.reports);
    for (const step of ['p/prep', 'p/fan/0', 'p/fan/1', 'p/fan/2', 'p/ring/a#0', 'p/ring/b#0', 'p/ring/a#1', 'p/ring/b#1']) expect(states[step]).toBe('succeeded');
    const fan = ran.reports.filter((r): r is StepReport => r.type === 'step' && r.step === 'p/fan' && r.status === 'succeeded');
    expect(fan[0]?.result).toEqual([41, 42, 43]);
    expect(ran.logs['p/prep']).toContain('hello from prep');

    // The ring's one slot went img/one -> img/two -> img/one -> img/two: three in-place updates, made by the quarterback.
    const [pod] = c.api.store.list(resourceType('', 'pods')!, NS, () => true).items;
    const ringSlot = pod.status.containerStatuses.find((s: { name: string }) => s.name === 'ring-ring');
    expect(ringSlot).toMatchObject({ restartCount: 3, image: 'img/two' });
    const patches = c.api.requests.filter((r) => r.user === `system:serviceaccount:${NS}:${pod.metadata.name}` && r.verb === 'patch');
    expect(patches.every((r) => r.status === 200 && r.name === pod.metadata.name)).toBe(true);
    expect(pod.status.phase).toBe('Succeeded');

    const local = new LocalRuntime();
    const localReports: PodReport[] = [];
    const localOutcome = await local.run(podRequest(podOf(FLOW), { shared: c.shared }, { runId: 'r1-local' } as never), (r) => localReports.push(r), new AbortController().signal);
    expect(localOutcome).toMatchObject({ ok: true, result: 'p/ring/b#1' });
    expect(finalStates(ran.reports)).toEqual(finalStates(localReports));
  });

  it('fails the pod when a step fails, leaving what follows unstarted, and the failing container exits with its code', async () => {
    const req = podRequest(podOf({ sequence: [{ id: 'a', task: sh('echo "cannot go on" >&2; exit 4') }, { id: 'b', task: sh('true') }] }), { shared: c.shared });
    const ran = await runPod(c.runtime({ quarterbackImage: QUARTERBACK_IMAGE, sharedClaim: SHARED_CLAIM }), req);
    expect(ran.outcome.ok).toBe(false);
    expect(ran.outcome.error).toContain('step p/a failed: exited with code 4');
    expect(finalStates(ran.reports)).toEqual({ 'p/a': 'failed', 'p/b': 'skipped' });
    expect(ran.logs['p/a']).toContain('cannot go on');
    const [pod] = c.api.store.list(resourceType('', 'pods')!, NS, () => true).items;
    expect(pod.status.phase).toBe('Failed');
    expect(pod.status.containerStatuses.map((s: { name: string; state: { terminated: { exitCode: number } } }) => [s.name, s.state.terminated.exitCode])).toEqual([['a', 4], ['b', 0]]);
  });
});

describe('a task\'s paths of its own on the stand-in cluster (the one allowed stand-in: not Kubernetes)', () => {
  const task = (t: Record<string, unknown>) => podRequest(undefined, { shared: c.shared }, { kind: 'task', task: { image: 'alpine:3.20', ...t } as never });
  const runtime = () => c.runtime({ quarterbackImage: QUARTERBACK_IMAGE, sharedClaim: SHARED_CLAIM, retention: 'keep' });

  it('volumes are emptyDirs at their paths: the container writes and reads its own, nothing on the host', async () => {
    const hostHad = existsSync('/strata-own-test');
    const ran = await runPod(runtime(), task({ command: ['sh', '-c', 'echo mine > "$1/x" && cat "$1/x"', 'sh', '/strata-own-test/dir'], volumes: [{ path: '/strata-own-test/dir' }] }));
    expect(ran.outcome).toMatchObject({ ok: true });
    expect(ran.logs.p).toBe('mine\n');
    expect(existsSync('/strata-own-test')).toBe(hostHad);
    const [pod] = c.api.store.list(resourceType('', 'pods')!, NS, () => true).items;
    expect(pod.spec.volumes).toContainEqual({ name: 'strata-own-0', emptyDir: {} });
    expect(pod.spec.containers[0].volumeMounts).toContainEqual({ name: 'strata-own-0', mountPath: '/strata-own-test/dir' });
  });

  it('files at a path of its own and standard output as the result are refused, saying why, before any pod is made', async () => {
    for (const [t, error] of [
      [{ command: ['true'], artifactPaths: [{ name: 'o', path: '/workspace/o' }] }, KUBE_NO_PATHS],
      [{ command: ['true'], inputPaths: [{ name: 'i', path: '/workspace/i' }] }, KUBE_NO_PATHS],
      [{ command: ['true'], parameters: { n: { path: '/tmp/n' } } }, KUBE_NO_PATHS],
      [{ command: ['echo', '1'], result: 'stdout' }, KUBE_NO_STDOUT],
    ] as Array<[Record<string, unknown>, string]>) {
      const ran = await runPod(runtime(), task(t));
      expect(ran.outcome).toEqual({ ok: false, error });
    }
    expect(c.api.store.list(resourceType('', 'pods')!, NS, () => true).items).toEqual([]);
  });

  it('inside a pod, a container with paths of its own is refused with a sentence', async () => {
    const req = podRequest(podOf({ sequence: [{ id: 'a', task: { ...sh('true'), volumes: ['/workspace'] } }] }), { shared: c.shared });
    const ran = await runPod(runtime(), req);
    expect(ran.outcome.ok).toBe(false);
    expect(ran.outcome.error).toContain('volumes and paths of a container\'s own are not supported by this runtime yet');
  });
});
