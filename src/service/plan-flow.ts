/** Compile a Flow against a registry: load its units, then compile (pure). */
import { DEFAULT_LIMITS, type Limits } from '../flow/limits.ts';
import type { FlowDocument } from '../flow/types.ts';
import { compileFlow, type CompiledFlow } from '../plan/compile.ts';
import { loadUnits, type FlowRegistry } from '../plan/flow-registry.ts';

export async function planFlow(flow: FlowDocument, registry: FlowRegistry, limits: Limits = DEFAULT_LIMITS): Promise<CompiledFlow> {
  const self = `${flow.metadata.name}@${flow.metadata.version}`;
  const units = await loadUnits(flow.spec.root, { get: async (ref) => (ref === self ? flow : registry.get(ref)) }, limits.maxUnitDepth);
  return compileFlow(flow, (ref) => units.get(ref), limits);
}
