/**
 * Least privilege, checked both ways: each component runs its code paths against a
 * STAND-IN API server (test/support/fake-kube-api: not Kubernetes) that enforces the Role
 * deploy/ gives it, so nothing it calls is refused; and every verb on every resource its
 * Role grants is one it was seen to call, so the Role grants nothing it does not use.
 * Components: the worker (kubernetes runtime), the operator, each micro pod's quarterback
 * (its per-pod Role, runtime/kubernetes/pod-access.ts), and the API (no Kubernetes calls
 * at all, so no Role and no token).
 */
import { CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOperator } from '../../runtime/kubernetes/operator/controller.ts';
import { buildPod } from '../../runtime/kubernetes/pod-builder.ts';
import { AnnotationReporter } from '../../sidecar/entrypoint/annotation-reporter.ts';
import { kubeOwnPod } from '../../sidecar/entrypoint/own-pod.ts';
import type { PolicyRule } from '../support/fake-kube-api/rbac.ts';
import type { RecordedRequest } from '../support/fake-kube-api/server.ts';
import { resourceType } from '../support/fake-kube-api/store.ts';
import { MemoryStrataPort } from '../runtime/kubernetes/operator/memory-port.ts';
import { fakeCluster, NS, roleRules, runPod, type FakeCluster } from '../runtime/kubernetes/support/fake-cluster.ts';
import { podOf, podRequest, sh } from '../runtime/kubernetes/support/flows.ts';
import { waitFor } from '../runtime/kubernetes/support/wait.ts';
import { deployDocuments } from './support/deploy-files.ts';

let c: FakeCluster;
let quarterbackUser = '';
let quarterbackRules: PolicyRule[] = [];

/** Every (group, resource, verb) a Role grants, with its resourceNames. */
function grants(rules: PolicyRule[]): Array<{ group: string; resource: string; verb: string; names?: string[] }> {
  return rules.flatMap((r) => r.apiGroups!.flatMap((group) => r.resources!.flatMap((resource) => r.verbs.map((verb) => ({ group, resource, verb, ...(r.resourceNames ? { names: r.resourceNames } : {}) })))));
}

function calls(user: string): RecordedRequest[] {
  return c.api.requests.filter((r) => r.user === user);
}

function unused(user: string, rules: PolicyRule[]): string[] {
  return grants(rules)
    .filter((g) => !calls(user).some((r) => r.group === g.group && r.resource === g.resource && r.verb === g.verb && (!g.names || g.names.includes(r.name ?? ''))))
    .map((g) => `${g.group || 'core'}/${g.resource} ${g.verb}${g.names ? ` (${g.names.join(',')})` : ''}`);
}

beforeAll(async () => {
  c = await fakeCluster();
  const admin = c.api.kubeConfig('admin', NS);
  // The worker Deployment the runtime looks up as the owner of its pods.
  c.api.store.create(resourceType('apps', 'deployments')!, NS, { metadata: { name: 'strata-worker' }, spec: {} });
  const rt = c.runtime({ owner: { deployment: 'strata-worker' } });

  // Worker: a task pod with a log; a pod whose image cannot be pulled, kept and stopped; an attempt run twice.
  c.api.kubelet.onImage('ok', { kind: 'exit', log: 'hi\n' });
  c.api.kubelet.onImage('missing', { kind: 'pullBackOff' });
  await runPod(rt, podRequest(undefined, { shared: c.shared }, { kind: 'task', step: 'a', task: { image: 'ok', command: ['x'] } }));
  await runPod(rt, podRequest(undefined, { shared: c.shared }, { kind: 'task', step: 'b', task: { image: 'missing', command: ['x'] } }));
  c.api.kubelet.onImage('slow', { kind: 'hang' });
  const twice = podRequest(undefined, { shared: c.shared }, { kind: 'task', step: 'c', task: { image: 'slow', command: ['x'] } });
  const first = runPod(rt, twice);
  await waitFor('the pod to run', () => c.api.store.list(resourceType('', 'pods')!, NS, (p) => p.metadata.annotations['strata.dev/step-id'] === 'c').items[0]?.status?.phase === 'Running');
  const second = runPod(rt, twice);
  // Its creation refused (409), the second reads the pod to adopt it (the first's log follower reads it too, before).
  await waitFor('the second to adopt it', () => calls('worker').some((r, i, all) => r.verb === 'get' && r.resource === 'pods' && all.slice(0, i).some((x) => x.verb === 'create' && x.resource === 'pods' && x.status === 409)));
  c.api.kubelet.exit(NS, buildPod(twice, { namespace: NS, quarterbackImage: 'x' }).metadata!.name!, 'main', 0);
  await Promise.all([first, second]);

  // Worker and quarterback: a micro pod, its quarterback played through its own ServiceAccount.
  c.api.kubelet.onImage('img/a', { kind: 'hang' });
  c.api.kubelet.onContainer('quarterback', { kind: 'hang' });
  const micro = podRequest(podOf({ sequence: [{ id: 'a', task: sh('true', 'img/a') }] }), { shared: c.shared });
  const name = buildPod(micro, { namespace: NS, quarterbackImage: 'x' }).metadata!.name!;
  const running = runPod(rt, micro);
  await waitFor('the micro pod to run with its access bound', () => c.api.store.find(resourceType('', 'pods')!, NS, name)?.status?.phase === 'Running' && c.api.store.find(resourceType('rbac.authorization.k8s.io', 'rolebindings')!, NS, name));
  quarterbackUser = `system:serviceaccount:${NS}:${name}`;
  quarterbackRules = c.api.store.get(resourceType('rbac.authorization.k8s.io', 'roles')!, NS, name).rules;
  const own = kubeOwnPod(c.api.kubeConfig(quarterbackUser, NS), NS, name);
  await own.get();
  const reporter = new AnnotationReporter(own);
  reporter.push({ type: 'done', ok: true, status: 'succeeded', result: null });
  await reporter.settled();
  c.api.kubelet.exit(NS, name, 'a', 0);
  await running;
  // Worker: a micro pod that cannot be made; its quarterback's ServiceAccount, made first, is deleted.
  c.api.failNext('create', 'pods', { code: 422, reason: 'Invalid', message: 'refused by a policy' });
  await runPod(rt, podRequest(podOf({ sequence: [{ id: 'a', task: sh('true', 'img/a') }] }), { shared: c.shared }, { step: 'refused' }));

  // Operator: a Rule applied and deleted, a Flow applied, a Dataset applied and deleted.
  const port = new MemoryStrataPort();
  const op = startOperator({ kubeConfig: c.api.kubeConfig('operator', NS), namespace: NS, port, pollMs: 20, retryMs: 20 });
  await op.ready;
  const kubectl = admin.makeApiClient(CustomObjectsApi);
  const base = { group: 'strata.dev', version: 'v1', namespace: NS };
  const cr = (plural: string, kind: string, spec: unknown) => kubectl.createNamespacedCustomObject({ ...base, plural, body: { apiVersion: 'strata.dev/v1', kind, metadata: { name: 'x' }, spec } });
  const statusOf = (plural: string) => c.api.store.find(resourceType('strata.dev', plural)!, NS, 'x')?.status;
  await cr('rules', 'Rule', { priority: 1, when: true, emit: { generator: 'hierarchy' } });
  await cr('flows', 'Flow', { version: '1', root: { task: { image: 'busybox' } } });
  await waitFor('rule and flow', () => statusOf('rules')?.phase === 'Registered' && statusOf('flows')?.phase === 'Registered');
  await cr('datasets', 'Dataset', { shape: 'tree' });
  await waitFor('the dataset run', () => statusOf('datasets')?.runId);
  await kubectl.deleteNamespacedCustomObject({ ...base, plural: 'datasets', name: 'x' });
  await kubectl.deleteNamespacedCustomObject({ ...base, plural: 'rules', name: 'x' });
  await waitFor('both gone', () => !statusOf('datasets') && !statusOf('rules'));
  op.stop();
});

afterAll(async () => {
  await c.close();
});

describe('RBAC: each component\'s Role is exactly what its code calls', () => {
  it.each([
    ['worker', 'base/worker/rbac.yaml'],
    ['operator', 'base/operator/rbac.yaml'],
  ])('%s: nothing refused, nothing granted unused', (user, file) => {
    expect(calls(user).length).toBeGreaterThan(0);
    expect(calls(user).filter((r) => r.status === 403)).toEqual([]);
    expect(unused(user, roleRules(file))).toEqual([]);
  });

  it('quarterback: gets and patches its own pod, and has no other right', () => {
    expect(calls(quarterbackUser).filter((r) => r.status === 403)).toEqual([]);
    expect(new Set(calls(quarterbackUser).map((r) => `${r.resource} ${r.verb} ${r.name}`))).toEqual(new Set([`pods get ${quarterbackUser.split(':').pop()}`, `pods patch ${quarterbackUser.split(':').pop()}`]));
    expect(unused(quarterbackUser, quarterbackRules)).toEqual([]);
  });

  it('api: calls no Kubernetes API, so it has no Role, no binding and no token', () => {
    const docs = deployDocuments().map((d) => d.doc);
    expect(docs.filter((d) => d.kind === 'RoleBinding' && d.subjects.some((s: { name: string }) => s.name === 'strata-api'))).toEqual([]);
    expect(docs.find((d) => d.kind === 'ServiceAccount' && d.metadata.name === 'strata-api').automountServiceAccountToken).toBe(false);
    expect(docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'strata-api').spec.template.spec.automountServiceAccountToken).toBe(false);
  });

  it('binds each Role to its own component\'s ServiceAccount, which its Deployment runs as', () => {
    const docs = deployDocuments().map((d) => d.doc);
    for (const component of ['worker', 'operator']) {
      const binding = docs.find((d) => d.kind === 'RoleBinding' && d.metadata.name === `strata-${component}`);
      expect(binding.roleRef.name).toBe(`strata-${component}`);
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: `strata-${component}`, namespace: binding.metadata.namespace }]);
      expect(docs.find((d) => d.kind === 'Deployment' && d.metadata.name === `strata-${component}`).spec.template.spec.serviceAccountName).toBe(`strata-${component}`);
    }
  });
});
