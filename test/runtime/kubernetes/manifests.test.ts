/**
 * `strata manifests`: the Pods every example flow's macro steps would become (the
 * retail plan generated from its Dataset included), each validated offline against the
 * Kubernetes OpenAPI schemas (kubernetes-models, and client-node's models for unknown
 * fields). No cluster, no API server.
 */
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { RunEngine } from '../../../src/engine/engine.ts';
import type { Command, EngineEvent } from '../../../src/engine/types.ts';
import type { JsonValue } from '../../../src/flow/types.ts';
import type { PlanNode } from '../../../src/plan/plan-node.ts';
import { BUILTIN_IMAGES, readMapFile } from '../../../runtime/image-map.ts';
import { manifestsForFlow, manifestsYaml } from '../../../runtime/kubernetes/manifests.ts';
import { schemaProblems } from '../../deploy/support/k8s-schema.ts';
import { examplePlans, retailPlan } from './support/example-plans.ts';

const IMAGE_MAP = { ...BUILTIN_IMAGES, ...readMapFile('examples/retail/images.json', true) };
const plans = examplePlans();

/** Macro step ids in start order, every step succeeding at once and every window one item. */
function macroOrder(root: PlanNode, params: Record<string, JsonValue>): string[] {
  const e = new RunEngine(root, { params, quietStatus: true });
  const out: string[] = [];
  let cmds: Command[] = e.start();
  while (cmds.length > 0) {
    const events: EngineEvent[] = [];
    for (const c of cmds) {
      if (c.type === 'start') out.push(c.step), events.push({ type: 'finished', step: c.step, attempt: c.attempt, ok: true, result: null });
      else if (c.type === 'window') events.push({ type: 'window', step: c.step, round: c.round, items: [null], drained: c.endsBySource });
    }
    cmds = e.apply(events);
  }
  return out;
}

describe('manifests of the examples', () => {
  it.each(plans.map((p) => [p.name, p] as const))('%s: one valid Pod per macro step, in start order', (_name, plan) => {
    const pods = manifestsForFlow(plan.root, { params: plan.params, imageMap: IMAGE_MAP }) as Array<{ metadata: { annotations: Record<string, string> } }>;
    // The macro steps in start order: the engine as the coordinator drives it (a pod is one step).
    const started = macroOrder(plan.root, plan.params);
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

  it('with configMaps, puts each micro pod after the ConfigMap its quarterback reads its plan from (a valid ConfigMap named as the pod)', () => {
    const plan = retailPlan();
    const objects = manifestsForFlow(plan.root, { params: plan.params, imageMap: IMAGE_MAP, configMaps: true }) as Array<{ kind: string; metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> }; data?: Record<string, string>; spec?: { volumes?: Array<{ name: string; configMap?: { name: string } }> } }>;
    const micro = objects.filter((o) => o.kind === 'Pod' && o.metadata.labels['strata.dev/kind'] === 'pod');
    expect(micro.length).toBeGreaterThan(0);
    for (const pod of micro) {
      const i = objects.indexOf(pod);
      const cm = objects[i - 1];
      expect(cm).toMatchObject({ kind: 'ConfigMap', metadata: { name: pod.metadata.name } });
      expect(pod.spec!.volumes!.find((v) => v.name === 'strata-podinfo')?.configMap?.name).toBe(pod.metadata.name);
      expect(Object.keys(cm.data!).sort()).toEqual(['plan.json', 'slots.json']);
      expect(JSON.parse(cm.data!['plan.json']).step).toBe(pod.metadata.annotations['strata.dev/step-id']);
      expect(schemaProblems(cm)).toEqual([]);
    }
    expect(objects.filter((o) => o.kind === 'Pod')).toHaveLength(manifestsForFlow(plan.root, { params: plan.params, imageMap: IMAGE_MAP }).length);
  });

  it('stops at maxPods', () => {
    const plan = retailPlan();
    expect(manifestsForFlow(plan.root, { params: plan.params, imageMap: IMAGE_MAP, maxPods: 3 })).toHaveLength(3);
  });
});
