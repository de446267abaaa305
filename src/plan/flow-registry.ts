/** The FlowRegistry port: registered flows by `name@version`, immutable per version. */
import type { FlowDocument, FlowNode } from '../flow/types.ts';
import { DEFAULT_LIMITS } from '../flow/limits.ts';
import { appendAll } from '../flow/append-all.ts';

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

/** Every flow a node reaches through `use`, transitively, loaded so the compiler can resolve synchronously. */
export async function loadUnits(root: FlowNode, registry: FlowRegistry, maxDepth = DEFAULT_LIMITS.maxUnitDepth): Promise<Map<string, FlowDocument>> {
  const found = new Map<string, FlowDocument>();
  let frontier = usesOf(root);
  for (let depth = 0; frontier.length > 0 && depth <= maxDepth + 1; depth++) {
    const next: string[] = [];
    const refs = [...new Set(frontier)].filter((r) => !found.has(r));
    const docs = await Promise.all(refs.map((r) => registry.get(r)));
    refs.forEach((r, i) => {
      const d = docs[i];
      if (!d) return;
      found.set(r, d);
      appendAll(next, usesOf(d.spec.root));
    });
    frontier = next;
  }
  return found;
}

/** The `use` references in a node tree (iterative walk). */
export function usesOf(root: unknown): string[] {
  const out: string[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) appendAll(stack, v);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.use === 'string') out.push(o.use);
      for (const [k, c] of Object.entries(o)) if (k !== 'task' && k !== 'generate' && c && typeof c === 'object') stack.push(c);
    }
  }
  return out;
}
