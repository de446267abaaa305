/** `strata manifests FILE` as a real process: YAML Pods that validate against the Kubernetes schemas offline. */
import { runStrata } from '../support/processes.ts';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { schemaProblems } from '../deploy/support/k8s-schema.ts';

const strata = (...args: string[]) => runStrata(args);

describe('strata manifests', () => {
  it('prints the pods of a graph of pods, each valid, the micro pod with the quarterback as a native sidecar after the ConfigMap holding its plan', async () => {
    const out = await strata('manifests', 'examples/flows/hierarchy.yaml', '--namespace', 'team-a');
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const objects = parseAllDocuments(out.stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace: string; labels: Record<string, string> }; data?: Record<string, string>; spec: { initContainers?: Array<{ restartPolicy?: string }> } });
    const pods = objects.filter((o) => o.kind === 'Pod');
    expect(pods.length).toBeGreaterThan(1);
    expect(objects.filter((o) => o.kind !== 'Pod').map((o) => o.kind)).toEqual(objects.filter((o) => o.kind !== 'Pod').map(() => 'ConfigMap'));
    for (const p of objects) {
      expect(p.metadata.namespace).toBe('team-a');
      expect(schemaProblems(p as never)).toEqual([]);
    }
    const micro = pods.find((p) => p.metadata.labels['strata.dev/step'] === 'eu')!;
    expect(micro.spec.initContainers?.some((c) => c.restartPolicy === 'Always')).toBe(true);
    const before = objects[objects.indexOf(micro) - 1];
    expect(before).toMatchObject({ kind: 'ConfigMap', metadata: { name: micro.metadata.name } });
    expect(Object.keys(before.data!).sort()).toEqual(['plan.json', 'slots.json']);
  });

  it('exits non-zero on a bad document, naming the path', async () => {
    const out = await strata('manifests', 'test/fixtures/flows/bad/self-dependency.yaml');
    expect(out.code).not.toBe(0);
    expect(out.stderr).toMatch(/^strata: .*dependsOn/);
  });
});
