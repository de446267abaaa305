/**
 * Argo tester 8, S3 on the kubernetes runtime: a container's Kubernetes extended resource
 * (`nvidia.com/gpu` in its limits) reaches the pod the worker creates, on a STAND-IN API
 * server (test/support/fake-kube-api: not Kubernetes) whose kubelet runs the container as a
 * real process (the device itself is the cluster's device plugin's; none here). The Argo
 * document goes through POST /v1/runs of a whole strata whose worker uses the kubernetes
 * runtime; the pod is kept (retention keep) to be read back from the API.
 */
import { describe, expect, it } from 'vitest';
import { resourceType } from '../../support/fake-kube-api/store.ts';
import { argoFixtures } from '../../support/documents.ts';
import { NS } from './support/fake-cluster.ts';
import { useKubeRunService } from './support/kube-run-service.ts';

const k = useKubeRunService({ retention: 'keep' });
const { read } = argoFixtures('refusals');


describe('extended resources on the kubernetes runtime (S3)', () => {
  it('nvidia.com/gpu and example.com/dongle in an Argo container\'s limits are the pod container\'s limits; its cpu and memory requests stay requests', async () => {
    const r = await k().svc.runToEnd(read('extended-resources.yaml'), { timeoutMs: 90_000 });
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps.train.result).toBe('trained');
    const pods = k().cluster.api.store.list(resourceType('', 'pods')!, NS, () => true).items as Array<{ spec: { containers: Array<{ name: string; resources?: unknown }> } }>;
    expect(pods).toHaveLength(1);
    expect(pods[0].spec.containers.find((x) => x.name === 'main')?.resources).toEqual({
      requests: { cpu: '100m', memory: '64Mi' },
      limits: { cpu: '1', 'nvidia.com/gpu': '1', 'example.com/dongle': '2' },
    });
  }, 120_000);
});
