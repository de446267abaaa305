/**
 * The retail example (examples/retail) run by a whole strata (API, coordinator, worker on
 * the test Redis) whose worker uses the kubernetes runtime against a STAND-IN API server
 * (test/support/fake-kube-api: not Kubernetes) with a process kubelet: every macro step a
 * Pod created through client-node, us-west a micro pod with the real quarterback and gate
 * entrypoints. The same example then runs on the local runtime: both runs must end with
 * the same state and result for every step.
 */
import { readFileSync } from 'node:fs';
import { readMapFile } from '../../../runtime/image-map.ts';
import { rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KubeRuntime } from '../../../runtime/kubernetes/kube-runtime.ts';
import { startRunService, type RunTestService } from '../../support/run-service.ts';
import { testHome } from '../../support/test-service.ts';
import type { FakeCluster } from './support/fake-cluster.ts';
import { NS } from './support/fake-cluster.ts';
import { processCluster, QUARTERBACK_IMAGE, SHARED_CLAIM } from './support/process-cluster.ts';

const read = (p: string) => parse(readFileSync(p, 'utf8'));
// Read as a worker reads STRATA_IMAGE_MAP: its relative paths from the map's directory.
const IMAGES = readMapFile('examples/retail/images.json', true);

let cluster: FakeCluster | undefined;
const services: RunTestService[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
  await cluster?.close();
  await Promise.all(homes.splice(0).map((h) => rm(h, { recursive: true, force: true })));
});
const homes: string[] = [];

async function runRetail(svc: RunTestService) {
  expect((await svc.call('POST', '/v1/flows', read('examples/retail/report-flow.yaml'))).status).toBe(201);
  expect((await svc.call('POST', '/v1/rules', read('examples/retail/rules.yaml'))).status).toBe(201);
  const posted = await svc.call('POST', '/v1/datasets?run=true', read('examples/retail/dataset.yaml'));
  expect(posted.status).toBe(202);
  return svc.waitRun(posted.body.runId, 120_000);
}

/** Every step's state and result. */
const outcome = (run: { steps: Record<string, { status: string; result?: unknown }> }) =>
  Object.fromEntries(Object.entries(run.steps).map(([id, s]) => [id, { status: s.status, result: s.result ?? null }]));

describe('the retail example on the kubernetes runtime (stand-in API server)', () => {
  it('ends with the same step states and results as on the local runtime', async () => {
    cluster = await processCluster();
    const prefix = `t-${randomUUID().slice(0, 8)}`;
    const home = testHome(prefix);
    homes.push(home);
    // The worker's STRATA_HOME is the shared volume's claim, mounted at the same path in every pod.
    cluster.api.kubelet.processOptions!.claims[SHARED_CLAIM] = home;
    // Images without a command run their entrypoint: the example's programs.
    Object.assign(cluster.api.kubelet.processOptions!.images, IMAGES);
    const runtime = new KubeRuntime({
      kubeConfig: cluster.api.kubeConfig('worker', NS), namespace: NS, quarterbackImage: QUARTERBACK_IMAGE,
      sharedClaim: SHARED_CLAIM, sharedDir: home, imageMap: IMAGES, retention: 'delete', drainMs: 5000,
    });
    const onK8s = await startRunService({}, { runtime }, prefix);
    services.push(onK8s);
    const k8sRun = await runRetail(onK8s);
    runtime.close();
    expect(k8sRun.status, JSON.stringify(k8sRun.steps).slice(0, 2000)).toBe('succeeded');
    // us-west ran as a micro pod; the rest as one-container pods, each created through the API.
    expect(k8sRun.steps['tree/us-west/sf'].status).toBe('succeeded');
    const created = cluster.api.requests.filter((r) => r.verb === 'create' && r.resource === 'pods' && r.status === 201);
    expect(created.length).toBeGreaterThan(10);

    const local = await startRunService({ STRATA_IMAGE_MAP: 'examples/retail/images.json' });
    services.push(local);
    homes.push(local.home);
    const localRun = await runRetail(local);
    expect(localRun.status).toBe('succeeded');
    expect(outcome(k8sRun)).toEqual(outcome(localRun));
  }, 120_000);
});
