/**
 * Issue 13, fault 13: what deploy/ gives an attacker, read from the manifests as kubectl
 * would apply them (no cluster exists here). Redis asks for a password from a Secret and
 * only strata's components may reach it; no role that can create pods can reach the API's
 * token; step pods mount only their own part of the shared volume (pod-builder.test.ts);
 * the README says how to put TLS in front of the API.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPod } from '../../runtime/kubernetes/pod-builder.ts';
import { podRequest } from '../runtime/kubernetes/support/flows.ts';
import { parse } from 'yaml';
import { DEPLOY, deployDocuments, type Doc } from './support/deploy-files.ts';
import { schemaProblems } from './support/k8s-schema.ts';

const docs = deployDocuments().map((d) => d.doc).filter((d) => !d.apiVersion.startsWith('strata.dev/'));
const byKind = (kind: string) => docs.filter((d) => d.kind === kind);
const named = (kind: string, name: string) => byKind(kind).find((d) => d.metadata.name === name);
const workloads = () => [...byKind('Deployment'), ...byKind('StatefulSet')];
const env = (c: Doc, name: string) => (c.env ?? []).find((e: Doc) => e.name === name);
const namespaceLabels = (ns: string) => ({ 'kubernetes.io/metadata.name': ns, ...(named('Namespace', ns)?.metadata.labels ?? {}) });

/** Does a label selector (matchLabels, matchExpressions with In) select these labels? */
function selects(selector: Doc, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator !== 'In') throw new Error(`selector operator ${e.operator} not handled here`);
    if (!e.values.includes(labels[e.key])) return false;
  }
  return true;
}

/** May a pod with these labels in namespace `ns` reach pods of `policy` on `port`? */
function admitted(policy: Doc, ns: string, labels: Record<string, string>, port: number): boolean {
  return policy.spec.ingress.some((rule: Doc) =>
    (rule.ports ?? []).some((p: Doc) => p.port === port) &&
    rule.from.some((peer: Doc) => {
      const inNs = peer.namespaceSelector ? selects(peer.namespaceSelector, namespaceLabels(ns)) : ns === policy.metadata.namespace;
      return inNs && (!peer.podSelector || selects(peer.podSelector, labels));
    }));
}

describe('Redis', () => {
  const sts = named('StatefulSet', 'strata-redis');
  const redis = sts.spec.template.spec.containers[0];

  it('asks every client for the password held in the Secret strata-redis', () => {
    expect(redis.args).toEqual(expect.arrayContaining(['--requirepass', '$(REDIS_PASSWORD)']));
    expect(env(redis, 'REDIS_PASSWORD').valueFrom.secretKeyRef).toEqual({ name: 'strata-redis', key: 'password' });
    expect(named('ConfigMap', 'strata-redis').data['redis.conf']).not.toMatch(/protected-mode no/);
    expect(JSON.stringify(sts)).not.toMatch(/requirepass [^$]/);
  });

  it('is reached by every strata component with that password, never a password written in deploy/', () => {
    for (const d of byKind('Deployment')) {
      const c = d.spec.template.spec.containers[0];
      expect(env(c, 'REDIS_PASSWORD')?.valueFrom.secretKeyRef, d.metadata.name).toEqual({ name: 'strata-redis', key: 'password' });
      expect(env(c, 'REDIS_URL')?.value, d.metadata.name).toBe('redis://:$(REDIS_PASSWORD)@$(STRATA_REDIS_ADDRESS)');
      const config = named('ConfigMap', c.envFrom[0].configMapRef.name);
      expect(config.metadata.namespace, d.metadata.name).toBe(d.metadata.namespace);
      expect(config.data.STRATA_REDIS_ADDRESS).toBe('strata-redis-0.strata-redis.strata.svc:6379');
    }
    expect(byKind('Secret')).toEqual([]);
  });

  it('takes connections only from the API, the operator and the workers: not from step pods or anything else', () => {
    const policy = named('NetworkPolicy', 'strata-redis');
    expect(policy.metadata.namespace).toBe(sts.metadata.namespace);
    expect(selects(policy.spec.podSelector, sts.spec.template.metadata.labels)).toBe(true);
    expect(policy.spec.policyTypes).toContain('Ingress');
    for (const d of byKind('Deployment')) {
      expect(admitted(policy, d.metadata.namespace, d.spec.template.metadata.labels, 6379), d.metadata.name).toBe(true);
    }
    const worker = named('Deployment', 'strata-worker');
    const stepPod = buildPod(podRequest(undefined, { shared: '/var/lib/strata' }, { kind: 'task', step: 'a', task: { image: 'x' } }), { namespace: worker.metadata.namespace, quarterbackImage: 'q' });
    expect(admitted(policy, worker.metadata.namespace, stepPod.metadata!.labels!, 6379)).toBe(false);
    expect(admitted(policy, 'default', { app: 'anything' }, 6379)).toBe(false);
    expect(admitted(policy, 'strata', { 'app.kubernetes.io/name': 'other', 'app.kubernetes.io/component': 'api' }, 6379)).toBe(false);
  });
});

describe('the API token', () => {
  it('lives in a namespace where no role may create pods (a pod could mount any Secret there)', () => {
    const api = named('Deployment', 'strata-api');
    const tokens = env(api.spec.template.spec.containers[0], 'STRATA_API_TOKENS').valueFrom.secretKeyRef;
    expect(tokens.name).toBe('strata-api-tokens');
    const secretNs = api.metadata.namespace;
    const podMakers = [...byKind('Role'), ...byKind('ClusterRole')].filter((r) =>
      r.rules.some((rule: Doc) => (rule.apiGroups ?? []).includes('') && ['pods', '*'].some((x) => rule.resources.includes(x)) && ['create', '*'].some((v) => rule.verbs.includes(v))));
    expect(podMakers.map((r) => r.metadata.name)).toEqual(['strata-worker']);
    for (const r of podMakers) {
      expect(r.kind, r.metadata.name).toBe('Role');
      expect(r.metadata.namespace, r.metadata.name).not.toBe(secretNs);
    }
    // Nothing binds a role in the secrets' namespace to a ServiceAccount of another.
    for (const b of byKind('RoleBinding')) for (const s of b.subjects) expect(s.namespace, b.metadata.name).toBe(b.metadata.namespace);
  });

  it('runs the workers and their step pods beside the shared volume, in the other namespace', () => {
    const worker = named('Deployment', 'strata-worker');
    expect(worker.metadata.namespace).not.toBe(named('Deployment', 'strata-api').metadata.namespace);
    expect(named('PersistentVolumeClaim', 'strata-shared').metadata.namespace).toBe(worker.metadata.namespace);
    expect(named('Role', 'strata-worker').metadata.namespace).toBe(worker.metadata.namespace);
  });
});

describe('deploy/README.md', () => {
  const readme = readFileSync(join(DEPLOY, 'README.md'), 'utf8');

  it('has a TLS section: an Ingress or a proxy in front, the API itself speaking plain HTTP', () => {
    const section = /^## TLS\n([\s\S]*?)(?=^## |$(?![\s\S]))/m.exec(readme)?.[1] ?? '';
    expect(section).toMatch(/Ingress/);
    expect(section).toMatch(/plain HTTP/);
    expect(section).toMatch(/tls:/);
    const ingress = parse(/```yaml\n([\s\S]*?)```/.exec(section)![1]);
    expect(schemaProblems(ingress)).toEqual([]);
    expect(ingress.spec.rules[0].http.paths[0].backend.service.name).toBe(named('Service', 'strata-api').metadata.name);
    expect(ingress.metadata.namespace).toBe(named('Service', 'strata-api').metadata.namespace);
  });

  it('says how to make the Redis password and the API token Secrets', () => {
    expect(readme).toMatch(/create secret generic strata-redis/);
    expect(readme).toMatch(/create secret generic strata-api-tokens/);
  });
});
