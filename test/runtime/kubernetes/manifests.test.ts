/**
 * `strata manifests`: the Pods every example flow's macro steps would become (the
 * retail plan generated from its Dataset included), each validated offline against the
 * Kubernetes OpenAPI schemas (kubernetes-models, and client-node's models for unknown
 * fields). No cluster, no API server.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { dryRun } from '../../../src/engine/dry-run.ts';
import { BUILTIN_IMAGES } from '../../../runtime/image-map.ts';
import { manifestsForFlow, manifestsYaml } from '../../../runtime/kubernetes/manifests.ts';
import { schemaProblems } from '../../deploy/support/k8s-schema.ts';
import { examplePlans, retailPlan } from './support/example-plans.ts';

const IMAGE_MAP = { ...BUILTIN_IMAGES, ...JSON.parse(readFileSync('examples/retail/images.json', 'utf8')) };
const plans = examplePlans();

describe('manifests of the examples', () => {
  it.each(plans.map((p) => [p.name, p] as const))('%s: one valid Pod per macro step, in start order', (_name, plan) => {
    const pods = manifestsForFlow(plan.root, { params: plan.params, imageMap: IMAGE_MAP }) as Array<{ metadata: { annotations: Record<string, string> } }>;
    const started = dryRun(plan.root, plan.params).order.flat();
    expect(pods.map((p) => p.metadata.annotations['strata.dev/step-id'])).toEqual(started);
    for (const pod of pods) expect(schemaProblems(pod)).toEqual([]);
  });

  it('makes the retail example\'s subtree a pod with the quarterback as a native sidecar and a slot per store', () => {
    const plan = retailPlan();
    const pods = manifestsForFlow(plan.root, { params: plan.params, imageMap: IMAGE_MAP }) as Array<{ metadata: { annotations: Record<string, string>; labels: Record<string, string> }; spec: { initContainers?: Array<{ name: string; restartPolicy?: string }>; containers: Array<{ name: string }> } }>;
    const westPod = pods.find((p) => p.metadata.annotations['strata.dev/step-id'] === 'tree/us-west')!;
    expect(westPod.metadata.labels['strata.dev/kind']).toBe('pod');
    expect(westPod.spec.initContainers!.map((c) => [c.name, c.restartPolicy])).toEqual([['strata-init', undefined], ['quarterback', 'Always']]);
    expect(westPod.spec.containers.map((c) => c.name).sort()).toEqual(['la', 'sea', 'sf', 'us-west'].sort());
  });

  it('prints them as one YAML stream that reads back the same', () => {
    const plan = retailPlan();
    const pods = manifestsForFlow(plan.root, { params: plan.params, imageMap: IMAGE_MAP });
    const back = parseAllDocuments(manifestsYaml(pods)).map((d) => d.toJS());
    expect(back).toEqual(JSON.parse(JSON.stringify(pods)));
  });

  it('stops at maxPods', () => {
    const plan = retailPlan();
    expect(manifestsForFlow(plan.root, { params: plan.params, imageMap: IMAGE_MAP, maxPods: 3 })).toHaveLength(3);
  });
});
