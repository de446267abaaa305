/**
 * A stand-in cluster for the runtime's and the operator's tests: the fake API server of
 * test/support/fake-kube-api (not Kubernetes: see its README), a temp directory as the
 * shared volume, and the strata Roles of deploy/ loaded as the worker's and operator's
 * permissions, enforced.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { PodOutcome, PodReport, PodRequest } from '../../../../runtime/pod-runtime.ts';
import { KubeRuntime, type KubeRuntimeOptions } from '../../../../runtime/kubernetes/kube-runtime.ts';
import { FakeKubeApi } from '../../../support/fake-kube-api/server.ts';
import type { PolicyRule } from '../../../support/fake-kube-api/rbac.ts';

export const NS = 'strata';
export const DEPLOY = fileURLToPath(new URL('../../../../deploy/', import.meta.url));

/** The rules of a Role in deploy/ (file relative to deploy/). */
export function roleRules(file: string): PolicyRule[] {
  const docs = parseAllDocuments(readFileSync(join(DEPLOY, file), 'utf8')).map((d) => d.toJS());
  const role = docs.find((d) => d?.kind === 'Role');
  if (!role) throw new Error(`no Role in deploy/${file}`);
  return role.rules;
}

export interface FakeCluster {
  api: FakeKubeApi;
  shared: string;
  runtime(opts?: Partial<KubeRuntimeOptions>): KubeRuntime;
  close(): Promise<void>;
}

/** Start the stand-in API server with the worker's (token `worker`) and operator's (token `operator`) Roles enforced. */
export async function fakeCluster(): Promise<FakeCluster> {
  const api = new FakeKubeApi({ enforceRbac: true });
  api.addUser('worker', roleRules('base/worker/rbac.yaml'));
  api.addUser('operator', roleRules('base/operator/rbac.yaml'));
  await api.start();
  const shared = await mkdtemp(join(tmpdir(), 'strata-k8s-'));
  const runtimes: KubeRuntime[] = [];
  return {
    api,
    shared,
    runtime(opts = {}) {
      const rt = new KubeRuntime({ kubeConfig: api.kubeConfig('worker', NS), namespace: NS, quarterbackImage: 'strata/quarterback:test', sharedDir: shared, drainMs: 5000, ...opts });
      runtimes.push(rt);
      return rt;
    },
    async close() {
      for (const rt of runtimes) rt.close();
      await api.stop();
      await rm(shared, { recursive: true, force: true });
    },
  };
}

export interface Ran {
  outcome: PodOutcome;
  reports: PodReport[];
  /** log text per step */
  logs: Record<string, string>;
  /** step reports as `step:status` */
  steps: string[];
}

/** Run one request to its end, recording every report. */
export async function runPod(rt: KubeRuntime, req: PodRequest, signal: AbortSignal = new AbortController().signal): Promise<Ran> {
  const reports: PodReport[] = [];
  const outcome = await rt.run(req, (r) => reports.push(r), signal);
  const logs: Record<string, string> = {};
  for (const r of reports) if (r.type === 'log') logs[r.step] = (logs[r.step] ?? '') + r.chunk;
  const steps = reports.filter((r) => r.type === 'step').map((r) => `${r.step}:${(r as { status: string }).status}`);
  return { outcome, reports, logs, steps };
}
