/**
 * Parts of a plan too large to draw whole (the run page draws at most DRAW_LIMIT plan
 * nodes at once): how many nodes a plan has, the parts beneath a node (its children, each
 * with the number of nodes it holds), and the graph of one part to draw. Pure.
 */
import type { PlanGraph, StepAttributes } from '../../../src/plan/plan-document.ts';

/** Plan nodes the page lays out at once at most; a larger plan is shown by parts. */
export const DRAW_LIMIT = 20_000;

export interface Part {
  id: string;
  kind: StepAttributes['kind'];
  label: string;
  /** plan nodes in it, itself included (nested plans of pods and units too) */
  size: number;
}

/** Every node of a plan, nested plans included. */
export function planSize(graph: PlanGraph): number {
  let n = 0;
  for (const node of graph.nodes) n += 1 + ((node.attributes as StepAttributes).plan ? planSize((node.attributes as StepAttributes).plan!) : 0);
  return n;
}

function childrenIndex(graph: PlanGraph): Map<string | null, PlanGraph['nodes']> {
  const out = new Map<string | null, PlanGraph['nodes']>();
  for (const node of graph.nodes) {
    const p = (node.attributes as StepAttributes).parent;
    const list = out.get(p);
    if (list) list.push(node);
    else out.set(p, [node]);
  }
  return out;
}

/** The parts directly beneath `under` (null: the run's top), largest first, each with its size. */
export function partsOf(graph: PlanGraph, under: string | null): Part[] {
  const kids = childrenIndex(graph);
  const size = (key: string, attrs: StepAttributes): number => 1 + (attrs.plan ? planSize(attrs.plan) : 0) + (kids.get(key) ?? []).reduce((s, c) => s + size(c.key, c.attributes as StepAttributes), 0);
  return (kids.get(under) ?? []).map((n) => {
    const a = n.attributes as StepAttributes;
    return { id: n.key, kind: a.kind, label: a.label, size: size(n.key, a) };
  });
}

/**
 * The graph of part `id`: the node and everything beneath it, or, when that is more than
 * DRAW_LIMIT nodes, the node and its children only, the first DRAW_LIMIT of them (each
 * child drawn as a box; its own parts are chosen next). Edges between nodes of the part
 * are kept.
 */
export function partGraph(graph: PlanGraph, id: string): PlanGraph {
  const kids = childrenIndex(graph);
  const top = graph.nodes.find((n) => n.key === id);
  if (!top) return { ...graph, nodes: [], edges: [] };
  const keep: PlanGraph['nodes'] = [{ ...top, attributes: { ...(top.attributes as StepAttributes), parent: null } }];
  const all: PlanGraph['nodes'] = [];
  const walk = (key: string) => {
    for (const c of kids.get(key) ?? []) {
      all.push(c);
      if (all.length > DRAW_LIMIT) return;
      walk(c.key);
    }
  };
  walk(id);
  if (all.length > DRAW_LIMIT) {
    // Children only (the first DRAW_LIMIT), without what is inside them (a pod's micro plan, a unit's plan) beyond their own box.
    for (const c of (kids.get(id) ?? []).slice(0, DRAW_LIMIT)) {
      const { plan: _inside, ...attrs } = c.attributes as StepAttributes;
      keep.push({ ...c, attributes: attrs });
    }
  } else keep.push(...all);
  const ids = new Set(keep.map((n) => n.key));
  return { ...graph, nodes: keep, edges: graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target)) };
}
