/** The FlowRegistry port: registered flows by `name@version`, immutable per version. */
import type { FlowDocument } from '../flow/types.ts';
import { DEFAULT_LIMITS } from '../flow/limits.ts';
import { appendAll } from '../flow/append-all.ts';
import { usesOf } from '../flow/uses.ts';

export interface FlowRegistry {
  get(ref: string): Promise<FlowDocument | undefined>;
}

/** A registry over a map, for the CLI and for tests of the pure core. */
export class MemoryFlowRegistry implements FlowRegistry {
  private readonly flows = new Map<string, FlowDocument>();

  constructor(flows: FlowDocument[] = []) {
    for (const f of flows) this.flows.set(`${f.metadata.name}@${f.metadata.version}`, f);
  }

  async get(ref: string): Promise<FlowDocument | undefined> {
    return this.flows.get(ref);
  }
}

/**
 * What a `use` of `ref` written in `writer` (the flow the walk starts from, or a unit found
 * on the way) loads: the document and the ref it is kept under; undefined when there is
 * none. loadUnits' default: the registry's document of `ref`, kept under `ref`.
 */
export type UnitResolver = (ref: string, writer: FlowDocument) => Promise<{ ref: string; doc: FlowDocument } | undefined>;

/**
 * Every flow `flow` reaches through `use`, transitively: in its root and its exit handler
 * (`spec.onExit`), and in each unit's; loaded so the compiler can resolve synchronously, a
 * level of the walk at a time, the loads of a level together. `maxDepth`: levels past the
 * deepest the compiler accepts are not loaded (it names the chain that is too deep).
 * `resolve` (default: the registry's document of each ref) may load another document than
 * the one a ref names (plan-flow.ts: a WorkflowTemplate's latest version); a ref is then
 * resolved once as written in `flow` and once as written in units, since it may resolve
 * differently (a ref pinned in `flow` only).
 */
export async function loadUnits(flow: FlowDocument, registry: FlowRegistry, maxDepth = DEFAULT_LIMITS.maxUnitDepth, resolve?: UnitResolver): Promise<Map<string, FlowDocument>> {
  const load: UnitResolver = resolve ?? (async (ref) => {
    const doc = await registry.get(ref);
    return doc ? { ref, doc } : undefined;
  });
  const seenKey = (ref: string, writer: FlowDocument) => (resolve ? `${writer === flow ? 'r' : 'u'}|${ref}` : ref);
  const found = new Map<string, FlowDocument>();
  const seen = new Set<string>();
  const usesIn = (writer: FlowDocument) => flowUses(writer).map((ref) => ({ ref, writer }));
  let frontier = usesIn(flow);
  for (let depth = 0; frontier.length > 0 && depth <= maxDepth + 1; depth++) {
    const level = frontier.filter(({ ref, writer }) => {
      const key = seenKey(ref, writer);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const loaded = await Promise.all(level.map(({ ref, writer }) => load(ref, writer)));
    const next: Array<{ ref: string; writer: FlowDocument }> = [];
    for (const unit of loaded) {
      if (!unit || found.has(unit.ref)) continue;
      found.set(unit.ref, unit.doc);
      appendAll(next, usesIn(unit.doc));
    }
    frontier = next;
  }
  return found;
}

/** The `use` references of a flow: in its root and in its exit handler (`spec.onExit`). */
export function flowUses(flow: { spec: { root: unknown; onExit?: unknown } }): string[] {
  return usesOf([flow.spec.root, flow.spec.onExit ?? null]);
}
