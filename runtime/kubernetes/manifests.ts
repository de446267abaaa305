/**
 * `strata manifests FILE`: the Pods a flow's macro steps would become (each micro pod after
 * the ConfigMap holding its plan, when asked: what the runtime creates). The flow is
 * walked by the pattern engine itself, every step succeeding at once (as in the dry run):
 * so fan-outs over literal lists or parameters give one pod per item, cycles one per
 * member and round, and each pod is exactly what the kubernetes runtime would create for
 * the first attempt. A generate step's nested unit is not known before it runs, so it
 * yields the generate step's own pod only. Pure.
 */
import { stringify } from 'yaml';
import { RunEngine } from '../../src/engine/engine.ts';
import type { Command, EngineEvent } from '../../src/engine/types.ts';
import type { JsonValue } from '../../src/flow/types.ts';
import type { PlanNode } from '../../src/plan/plan-node.ts';
import { buildPodObjects } from './pod-builder.ts';
import type { PodBuildOptions } from './pod-options.ts';
import { podRequestFor } from './start-request.ts';

export const DEFAULT_QUARTERBACK_IMAGE = 'strata/quarterback:0.1.0';
export const DEFAULT_SHARED_DIR = '/var/lib/strata';

export interface ManifestOptions extends Partial<PodBuildOptions> {
  params?: Record<string, JsonValue>;
  /** the run id the pods are named after (default `manifests`) */
  runId?: string;
  /** stop after this many pods (default 1000): a cycle bounded only by its data would go on */
  maxPods?: number;
  /** put each micro pod's ConfigMap (its plan and slot layout) before it (default false: the Pods only) */
  configMaps?: boolean;
}

/** The Pod manifests of a flow's macro steps, in the order they would start (with `configMaps`, each micro pod after its ConfigMap). */
export function manifestsForFlow(root: PlanNode, opts: ManifestOptions = {}): object[] {
  const runId = opts.runId ?? 'manifests';
  const sharedDir = opts.sharedDir ?? DEFAULT_SHARED_DIR;
  const build: PodBuildOptions = { ...opts, namespace: opts.namespace ?? 'strata', quarterbackImage: opts.quarterbackImage ?? DEFAULT_QUARTERBACK_IMAGE, sharedDir };
  const max = opts.maxPods ?? 1000;
  const engine = new RunEngine(root, { params: opts.params ?? {}, quietStatus: true });
  const out: object[] = [];
  let pods = 0;
  let commands: Command[] = engine.start();
  while (commands.length > 0 && pods < max) {
    const events: EngineEvent[] = [];
    for (const c of commands) {
      if (c.type === 'start') {
        if (pods < max) {
          const { pod, configMap } = buildPodObjects(podRequestFor(runId, c, sharedDir), build);
          if (configMap && opts.configMaps) out.push(configMap);
          out.push(pod);
          pods++;
        }
        events.push({ type: 'finished', step: c.step, attempt: c.attempt, ok: true, result: null });
      } else if (c.type === 'window') {
        events.push({ type: 'window', step: c.step, round: c.round, items: [null], drained: c.endsBySource });
      } else if (c.type === 'generate') {
        events.push({ type: 'expanded', step: c.step, body: { kind: 'sequence', seg: '', children: [] } });
      }
    }
    commands = engine.apply(events);
  }
  return out;
}

/** Manifests as one YAML stream (`---` between documents), long lines kept whole. */
export function manifestsYaml(objects: object[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}
