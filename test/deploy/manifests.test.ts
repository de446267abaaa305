/**
 * Every manifest in deploy/ validated offline against the Kubernetes OpenAPI schemas
 * (kubernetes-models, and client-node's models for unknown fields), the kustomization
 * checked against the files it names, and the pieces that must agree across files
 * (CRD names and the operator, images and the runtime, paths and the Dockerfiles) held together.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_QUARTERBACK_IMAGE } from '../../runtime/kubernetes/manifests.ts';
import { GROUP, KINDS, VERSION } from '../../runtime/kubernetes/operator/crd-names.ts';
import { ENTRYPOINT } from '../../runtime/kubernetes/pod-layout.ts';
import { DEPLOY, deployDocuments, filesUnder, REPO, type Doc } from './support/deploy-files.ts';
import { schemaProblems } from './support/k8s-schema.ts';

// strata.dev resources (deploy/examples) are checked against their CRDs in examples.test.ts.
const docs = deployDocuments().filter((d) => !d.doc.apiVersion.startsWith('strata.dev/'));
const byKind = (kind: string) => docs.filter((d) => d.doc.kind === kind).map((d) => d.doc);
const named = (kind: string, name: string) => byKind(kind).find((d) => d.metadata.name === name);

describe('deploy/ manifests', () => {
  it('has the pieces of an installation', () => {
    const kinds = docs.map((d) => `${d.doc.kind}/${d.doc.metadata.name}`).sort();
    for (const k of ['Namespace/strata', 'Namespace/strata-steps', 'NetworkPolicy/strata-redis', 'StatefulSet/strata-redis', 'Deployment/strata-api', 'Service/strata-api', 'Deployment/strata-worker', 'Deployment/strata-operator', 'Role/strata-worker', 'Role/strata-operator', 'PersistentVolumeClaim/strata-shared']) {
      expect(kinds).toContain(k);
    }
    for (const k of Object.values(KINDS)) expect(kinds).toContain(`CustomResourceDefinition/${k.plural}.${GROUP}`);
  });

  it.each(docs.map((d) => [`${d.file}: ${d.doc.kind} ${d.doc.metadata?.name}`, d.doc] as [string, Doc]))('%s is valid by the Kubernetes schemas', (_name, doc) => {
    expect(schemaProblems(doc)).toEqual([]);
  });

  it('lists every manifest in the kustomization, and only files that exist', () => {
    const k = parse(readFileSync(join(DEPLOY, 'base/kustomization.yaml'), 'utf8'));
    const listed = [...k.resources].sort();
    const present = filesUnder(join(DEPLOY, 'base')).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort();
    expect(listed).toEqual(present);
    // Each resource names its own namespace (there are two), so none is set for all.
    expect(k.namespace).toBeUndefined();
    const namespaces = byKind('Namespace').map((n) => n.metadata.name);
    for (const d of docs.filter((x) => !['Namespace', 'CustomResourceDefinition'].includes(x.doc.kind))) {
      expect(namespaces, `${d.file}: ${d.doc.kind} ${d.doc.metadata.name}`).toContain(d.doc.metadata.namespace);
    }
  });

  it('declares the custom resources the operator watches, each with a status subresource', () => {
    for (const { plural, kind } of Object.values(KINDS)) {
      const crd = named('CustomResourceDefinition', `${plural}.${GROUP}`);
      expect(crd.spec).toMatchObject({ group: GROUP, scope: 'Namespaced', names: { plural, kind } });
      const [version] = crd.spec.versions;
      expect(version).toMatchObject({ name: VERSION, served: true, storage: true, subresources: { status: {} } });
      expect(structuralProblems(version.schema.openAPIV3Schema, kind)).toEqual([]);
    }
  });

  it('points the workers at the quarterback image the runtime defaults to, and mounts their shared volume at STRATA_HOME', () => {
    const config = named('ConfigMap', 'strata-worker-config').data;
    expect(config.STRATA_QUARTERBACK_IMAGE).toBe(DEFAULT_QUARTERBACK_IMAGE);
    const worker = named('Deployment', 'strata-worker').spec.template.spec;
    const claimVolume = worker.volumes.find((v: Doc) => v.persistentVolumeClaim?.claimName === config.STRATA_SHARED_CLAIM);
    const mount = worker.containers[0].volumeMounts.find((m: Doc) => m.name === claimVolume.name);
    expect(mount.mountPath).toBe(config.STRATA_HOME);
    expect(named('PersistentVolumeClaim', config.STRATA_SHARED_CLAIM)).toBeDefined();
    expect(config.STRATA_OWNER_DEPLOYMENT).toBe('strata-worker');
  });

  it('keeps Redis durable: append-only file, noeviction, on a claim', () => {
    const conf = named('ConfigMap', 'strata-redis').data['redis.conf'];
    expect(conf).toMatch(/^appendonly yes$/m);
    expect(conf).toMatch(/^maxmemory-policy noeviction$/m);
    const sts = named('StatefulSet', 'strata-redis');
    expect(sts.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
    expect(sts.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
  });

  it('runs strata\'s own containers as non-root, without privilege escalation', () => {
    for (const d of [...byKind('Deployment'), ...byKind('StatefulSet')]) {
      const spec = d.spec.template.spec;
      expect(spec.securityContext.runAsNonRoot, d.metadata.name).toBe(true);
      for (const c of spec.containers) expect(c.securityContext.allowPrivilegeEscalation, `${d.metadata.name}/${c.name}`).toBe(false);
    }
  });

  it('states which cluster versions it targets', () => {
    expect(readFileSync(join(DEPLOY, 'README.md'), 'utf8')).toMatch(/Kubernetes 1\.29/);
  });
});

describe('deploy/docker', () => {
  const dockerfiles = filesUnder(join(DEPLOY, 'docker')).filter((f) => f.endsWith('.Dockerfile'));

  it.each(dockerfiles)('%s copies only what the repository has, and has its own ignore file', (file) => {
    const text = readFileSync(join(DEPLOY, 'docker', file), 'utf8');
    for (const m of text.matchAll(/^COPY (?!--from)(.+) (\S+)$/gm)) {
      for (const src of m[1].split(/\s+/)) expect(existsSync(join(REPO, src)), `${file}: COPY ${src}`).toBe(true);
    }
    expect(existsSync(join(DEPLOY, 'docker', `${file}.dockerignore`))).toBe(true);
  });

  it('the strata image runs the build\'s output, not the TypeScript through tsx: a build stage compiles and bundles, the image keeps dist/', () => {
    const text = readFileSync(join(DEPLOY, 'docker', 'strata.Dockerfile'), 'utf8');
    const build = text.slice(text.indexOf(' AS build'), text.indexOf('FROM', text.indexOf(' AS build')));
    expect(build).toMatch(/^RUN node scripts\/build\.mjs( |$)/m);
    expect(text).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    // What bin/strata.js, the image's entrypoint, runs when dist/ is there.
    expect(readFileSync(join(REPO, 'bin', 'strata.js'), 'utf8')).toContain("new URL('../dist/bundle/strata.js', import.meta.url)");
  });

  it('puts the gate entrypoint where the pod\'s init container looks for it, and starts the Kubernetes quarterback', () => {
    const text = readFileSync(join(DEPLOY, 'docker', 'quarterback.Dockerfile'), 'utf8');
    expect(text).toContain(`COPY sidecar/entrypoint/entrypoint.sh ${ENTRYPOINT.inImage}`);
    const entry = JSON.parse(/^ENTRYPOINT (.+)$/m.exec(text)![1]) as string[];
    // The program is the build stage's bundle of the Kubernetes quarterback, copied alone
    // (the suite's build makes the same file, and the stand-in cluster runs it alone too).
    const copied = new RegExp(`^COPY --from=build /app/(\\S+) ${entry[1]}$`, 'm').exec(text);
    expect(copied?.[1]).toBe('dist/bundle/kube-quarterback.js');
    expect(text).toMatch(/^RUN node scripts\/build\.mjs$/m);
    expect(existsSync(join(REPO, copied![1]))).toBe(true);
  });
});

/** The rules of a structural schema that matter here: every node has a type, unless it keeps unknown fields or is int-or-string. */
function structuralProblems(s: Doc, path: string): string[] {
  const out: string[] = [];
  if (!s.type && !s['x-kubernetes-preserve-unknown-fields'] && !s['x-kubernetes-int-or-string']) out.push(`${path}: no type`);
  for (const [k, v] of Object.entries(s.properties ?? {})) out.push(...structuralProblems(v, `${path}.${k}`));
  if (s.items) out.push(...structuralProblems(s.items, `${path}[]`));
  return out;
}
