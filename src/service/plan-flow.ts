/** Compile a Flow against a registry: load its units, then compile (pure). */
import { madeFromWorkflowTemplate, relinkedUses, sameTemplate } from '../argo/relink.ts';
import { runVolumeProblems } from '../argo/run-volumes.ts';
import { invalid } from '../errors/strata-error.ts';
import { DEFAULT_LIMITS, type Limits } from '../flow/limits.ts';
import type { FlowDocument } from '../flow/types.ts';
import { inRequestWords } from '../flow/use-request.ts';
import { compileFlow, type CompiledFlow } from '../plan/compile.ts';
import { loadUnits, type FlowRegistry } from '../plan/flow-registry.ts';

/** A registry that also knows which version of a name was registered last (the definitions store). */
export type CurrentRegistry = FlowRegistry & { latestFlowVersion(name: string): Promise<string | undefined> };

const hasLatest = (r: FlowRegistry): r is CurrentRegistry => typeof (r as Partial<CurrentRegistry>).latestFlowVersion === 'function';

/**
 * Compile `flow` with the units it uses from `registry`. With a registry that knows each
 * name's latest version, a `use` of a flow a WorkflowTemplate registered runs that
 * WorkflowTemplate as applied last, wherever it is written (argo/relink.ts), except a
 * `use` of `o.pinned` in `flow` itself (the ref a `{ use }` run request names); the compiled
 * plan's `use` nodes name the versions that run. With `o.run` (a run starting), the volumes its
 * Argo templates mount from the Workflow are checked against the Workflow's (argo/run-volumes.ts).
 * With `o.request`, `flow` is a request by name's wrapper (flow-from-body.ts): no unit of its
 * own (compile.ts), and a `use` of its ref is the registered flow of that ref, not the wrapper.
 */
export async function planFlow(flow: FlowDocument, registry: FlowRegistry, limits: Limits = DEFAULT_LIMITS, o: { pinned?: string; run?: boolean; request?: boolean } = {}): Promise<CompiledFlow> {
  // A request by name is refused in its own words (with.n, not the wrapper's spec.root.with.n).
  return o.request ? planUnits(flow, registry, limits, o).catch((e: unknown) => Promise.reject(inRequestWords(e))) : planUnits(flow, registry, limits, o);
}

async function planUnits(flow: FlowDocument, registry: FlowRegistry, limits: Limits, o: { pinned?: string; run?: boolean; request?: boolean }): Promise<CompiledFlow> {
  const self = o.request ? undefined : `${flow.metadata.name}@${flow.metadata.version}`;
  const get = async (ref: string) => (ref === self ? flow : registry.get(ref));
  const request = o.request === true;
  if (!hasLatest(registry)) {
    const units = await loadUnits(flow, { get }, limits.maxUnitDepth);
    if (o.run) checkRunVolumes(flow, units);
    return compileFlow(flow, (ref) => units.get(ref), limits, { request });
  }
  const { units, current } = await loadCurrentUnits(flow, get, registry, o.pinned, limits.maxUnitDepth, self);
  const linked = relinkedUses(flow, units, current, o.pinned, request);
  if (o.run) checkRunVolumes(linked.root, linked.units);
  return compileFlow(linked.root, (ref) => linked.units.get(ref), limits, { request });
}

/** A run about to start (`o.run`) whose Argo templates mount a volume its Workflow lacks is refused naming each mount (argo/run-volumes.ts). */
function checkRunVolumes(root: FlowDocument, units: Map<string, FlowDocument>): void {
  const problems = runVolumeProblems(root, units);
  if (problems.length > 0) throw invalid(problems);
}

/**
 * Every flow `flow` reaches through `use`, as loadUnits loads them, except that a use of a
 * flow a WorkflowTemplate registered loads the version of that name registered last (when it
 * is still the same template's); `current` maps each such written ref to the one loaded. The
 * `pinned` ref written in `flow` itself, and `self` (`flow`'s own ref, recursion; none for a
 * request by name's wrapper), stay as written.
 */
async function loadCurrentUnits(flow: FlowDocument, get: (ref: string) => Promise<FlowDocument | undefined>, registry: CurrentRegistry, pinned: string | undefined, maxDepth: number, self: string | undefined): Promise<{ units: Map<string, FlowDocument>; current: Map<string, string> }> {
  const current = new Map<string, string>();
  const refOf = (doc: FlowDocument) => `${doc.metadata.name}@${doc.metadata.version}`;
  const units = await loadUnits(flow, { get }, maxDepth, async (ref, writer) => {
    const written = await get(ref);
    if (!written) return undefined;
    const keep = ref === self || (writer === flow && ref === pinned);
    if (!keep && madeFromWorkflowTemplate(written)) {
      const latest = await registry.latestFlowVersion(written.metadata.name);
      const candidate = latest !== undefined && latest !== written.metadata.version ? await get(`${written.metadata.name}@${latest}`) : undefined;
      if (candidate && sameTemplate(written, candidate)) {
        current.set(ref, refOf(candidate));
        return { ref: refOf(candidate), doc: candidate };
      }
    }
    return { ref: refOf(written), doc: written };
  });
  return { units, current };
}
