/**
 * The workflow volumes a run's templates mount, checked when the run starts (pure). Argo
 * looks a mounted volume up in the template's own `volumes`, then in the volumes of the
 * Workflow that runs it (workflow/controller/workflowpod.go addVolumeReferences, woc.volumes:
 * the Workflow's spec.volumes, joined with its WorkflowTemplate's under workflowTemplateRef,
 * operator.go setExecWorkflow); a WorkflowTemplate's own spec.volumes do not count for a
 * template reached by templateRef. Argo creates a WorkflowTemplate whose mount names a
 * volume it lacks and fails the pod when it runs ("volume 'x' not found in workflow spec");
 * strata refuses the run before it starts, naming every such mount.
 *
 * The importer writes on each flow it makes the volumes its templates mount from the workflow
 * (MOUNTS, volumes.ts workflowMounts), and on each flow a run may start from (a Workflow's,
 * a WorkflowTemplate's entry flow) the volumes that run has (VOLUMES, `[]` for none).
 */
import type { Problem } from '../errors/strata-error.ts';
import { ARGO_VOLUME_MOUNTS, ARGO_VOLUMES } from '../flow/task-schema.ts';

/** Annotation: JSON list of `{ volume, at }`, the workflow volumes a flow's templates mount. */
export const MOUNTS = ARGO_VOLUME_MOUNTS;
/** Annotation: JSON list of the volume names a run of the flow has (its spec.volumes). */
export const VOLUMES = ARGO_VOLUMES;

type Annotated = { metadata: { name: string; version?: string | number; annotations?: Record<string, string> } };

/** The version the importer gives every flow it makes (import-argo.ts versionOf). */
const ARGO_VERSION = /^argo-[0-9a-f]{12}$/;

/** JSON of an annotation, or undefined when absent or unreadable (a flow made by a strata before these: not checked). */
function read<T>(f: Annotated, key: string): T | undefined {
  const text = f.metadata.annotations?.[key];
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/**
 * Each mount of a volume the run of `root` lacks, in `root` and the flows it uses (`units`, by
 * ref), once each. The run's volumes are `root`'s, or, for a run of a `use` (`{ use: w@v }`,
 * `strata runs submit --use/--from`), those of the flow it uses; a strata flow has none. An
 * Argo Workflow's or WorkflowTemplate's flow records its volumes (`[]` for none); one made by
 * a strata before volumes were recorded (5d7d37f) records nothing, though its document may
 * have had volumes: its run is not checked, and runs as it did then (argo-volume-upgrade test).
 */
export function runVolumeProblems(root: Annotated & { spec: { root: object } }, units: Map<string, Annotated>): Problem[] {
  const used = (root.spec.root as { use?: unknown }).use;
  const recorded = (f: Annotated) => f.metadata.annotations?.[VOLUMES] !== undefined;
  const runs = !recorded(root) && typeof used === 'string' ? units.get(used) ?? root : root;
  if (!recorded(runs) && ARGO_VERSION.test(String(runs.metadata.version ?? ''))) return [];
  const named = read<unknown>(runs, VOLUMES);
  const have = Array.isArray(named) ? named.filter((n): n is string => typeof n === 'string') : [];
  const problems = new Map<string, Problem>();
  for (const f of [root, ...units.values()]) {
    for (const m of read<Array<{ volume: string; at: string }>>(f, MOUNTS) ?? []) {
      if (have.includes(m.volume) || problems.has(m.at)) continue;
      problems.set(m.at, {
        path: m.at,
        message: `volume "${m.volume}" is not in the running Workflow's spec.volumes (${have.length ? `it has ${have.join(', ')}` : 'it has none'}), nor in the template's volumes (Argo: volume '${m.volume}' not found in workflow spec): a template reached by templateRef finds its volumes in the Workflow that runs it, not in its WorkflowTemplate's spec.volumes; add the volume to the Workflow's spec.volumes`,
      });
    }
  }
  return [...problems.values()];
}
