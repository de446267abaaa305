/**
 * A run service (coordinator and worker over the test Redis, as `strata up` runs them) whose
 * worker runs pods through the kubernetes runtime on the stand-in API server (no cluster
 * exists where strata is built; its kubelet runs each container as a process in a mount
 * namespace of its own). The shared claim is the service's home, so outputs written in a
 * pod are read by the next step as on a cluster with a ReadWriteMany volume.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { rm } from 'node:fs/promises';
import { KubeRuntime } from '../../../../runtime/kubernetes/kube-runtime.ts';
import { startRunService, type RunTestService } from '../../../support/run-service.ts';
import { testHome } from '../../../support/test-service.ts';
import { NS, type FakeCluster } from './fake-cluster.ts';
import { processCluster, QUARTERBACK_IMAGE, SHARED_CLAIM } from './process-cluster.ts';

export interface KubeRunService {
  svc: RunTestService;
  cluster: FakeCluster;
  /** Stop the service, the runtime and the stand-in cluster; remove the home. */
  close(): Promise<void>;
}

/** Start a stand-in cluster and a run service on it (about 10-60 s; give beforeAll 120 s); `retention: 'keep'` keeps each pod to be read back; `env`: the service's environment (its limits). */
export async function startKubeRunService(o: { retention?: 'keep' | 'delete'; env?: Record<string, string> } = {}): Promise<KubeRunService> {
  const prefix = `t-${randomUUID().slice(0, 8)}`;
  const home = testHome(prefix);
  const cluster = await processCluster();
  cluster.api.kubelet.processOptions!.claims[SHARED_CLAIM] = home;
  const runtime = new KubeRuntime({
    kubeConfig: cluster.api.kubeConfig('worker', NS), namespace: NS, quarterbackImage: QUARTERBACK_IMAGE,
    sharedClaim: SHARED_CLAIM, sharedDir: home, retention: o.retention ?? 'delete', drainMs: 5000,
  });
  let svc: RunTestService;
  try {
    svc = await startRunService(o.env ?? {}, { runtime }, prefix);
  } catch (e) {
    runtime.close();
    await cluster.close();
    throw e;
  }
  return {
    svc, cluster,
    close: async () => {
      runtime.close();
      await svc.close();
      await cluster.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/**
 * A stand-in cluster and run service for a file of tests (beforeAll 120 s, closed afterAll),
 * in place of the pair each file wrote: `const k = useKubeRunService()`; `k()` is the started
 * KubeRunService inside tests (throws when asked for before the file's beforeAll).
 */
export function useKubeRunService(o: { retention?: 'keep' | 'delete'; env?: Record<string, string> } = {}): () => KubeRunService {
  let started: KubeRunService | undefined;
  beforeAll(async () => {
    started = await startKubeRunService(o);
  }, 120_000);
  afterAll(async () => started?.close());
  return () => {
    if (!started) throw new Error('useKubeRunService: the stand-in cluster is not started (asked for before the file\'s beforeAll)');
    return started;
  };
}
