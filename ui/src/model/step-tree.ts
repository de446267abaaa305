/**
 * A run's picture as a tree of boxes: the plan's graph (with the nested plans of pods and
 * `use` units, and the units generate steps expanded into) laid over the steps the run has
 * made. Templates become real steps here: a fan-out's `F/*` becomes `F/0`, `F/1`, ... as
 * the run records them, a cycle's member `C/x` becomes `C/x#0`, `C/x#1`, ... grouped by
 * round. A fan-out (or a cycle) with more items (rounds) than `limit` is one summary box
 * unless it is in `expanded`. Pure: data in, data out.
 */
import type { PlanGraph, StepAttributes } from '../../../src/plan/plan-document.ts';

export type BoxKind = StepAttributes['kind'] | 'round' | 'summary';

/** One box of the picture: a step (`step` set) or a group of a cycle's round. */
export interface Box {
  /** unique in the picture: the step id, or the cycle's id and `#round<r>` for a round */
  id: string;
  /** the step id when the box is a step */
  step?: string;
  kind: BoxKind;
  label: string;
  /** image, traversal or flow reference */
  detail?: string;
  children: Box[];
  /** edges between boxes beneath this one */
  edges: BoxEdge[];
  /** collapsed fan-out or cycle: the step ids it stands for */
  summary?: { of: 'items' | 'rounds'; count: number; steps: string[] };
}

export interface BoxEdge {
  id: string;
  source: string;
  target: string;
  type: 'sequence' | 'dependsOn' | 'data' | 'ring' | 'round';
}

export interface TreeInput {
  graph: PlanGraph;
  expansions: Record<string, PlanGraph>;
  /** every step id the run has recorded; absent: a plan without a run (templates shown as they are) */
  steps?: Iterable<string>;
  /** fan-outs and cycles shown item by item even when large */
  expanded?: ReadonlySet<string>;
  /** more items (or rounds) than this and a fan-out (cycle) is one summary box */
  limit?: number;
}

interface Template {
  id: string;
  attrs: StepAttributes;
  children: Template[];
  /** edges whose lowest common template ancestor is this one */
  edges: Array<{ source: string; target: string; type: BoxEdge['type'] }>;
}

/** The boxes of a run (the root box stands for the run itself; it has no step). */
export function buildTree(input: TreeInput): Box {
  const limit = input.limit ?? 50;
  const planOnly = input.steps === undefined;
  const children = indexChildren(input.steps ?? []);
  const root = templates(input.graph, '');
  const expanded = input.expanded ?? new Set<string>();

  const instantiate = (t: Template, actual: string): Box => {
    const box: Box = { id: actual, step: actual, kind: t.attrs.kind, label: t.attrs.label, children: [], edges: [] };
    const detail = t.attrs.image ?? t.attrs.ref ?? t.attrs.traversal;
    if (detail) box.detail = detail;
    const from = (c: Template) => actual + c.id.slice(t.id.length);
    if (planOnly) {
      // A plan: a fan-out's `*` item and a cycle's members once each, as templates.
      box.children = t.children.map((c) => instantiate(c, c.id));
      box.edges = t.edges.map((e) => edge(e.source, e.target, e.type));
      return box;
    }
    if (t.attrs.kind === 'fanOut') {
      const body = t.children[0];
      const items = (children.get(actual) ?? []).filter((s) => /^\d+$/.test(s)).sort((a, b) => Number(a) - Number(b));
      if (items.length > limit && !expanded.has(actual)) box.summary = { of: 'items', count: items.length, steps: items.map((i) => `${actual}/${i}`) };
      else if (body) box.children = items.map((i) => instantiate(body, `${actual}/${i}`));
      return box;
    }
    if (t.attrs.kind === 'cycle') return cycle(t, actual, box);
    if (t.attrs.kind === 'generate') {
      const unit = input.expansions[actual];
      if (unit) {
        const u = templates(unit, actual);
        box.children = u.children.map((c) => instantiate(c, c.id));
        box.edges = u.edges.map((e) => edge(e.source, e.target, e.type));
      }
      return box;
    }
    box.children = t.children.map((c) => instantiate(c, from(c)));
    box.edges = t.edges.map((e) => edge(actual + e.source.slice(t.id.length), actual + e.target.slice(t.id.length), e.type));
    return box;
  };

  // Rounds: members `C/x#r` grouped by r; round r's last member feeds round r+1's first.
  const cycle = (t: Template, actual: string, box: Box): Box => {
    const segs = t.children.map((m) => m.id.slice(t.id.length + 1));
    const rounds = new Set<number>();
    for (const s of children.get(actual) ?? []) {
      const m = /^(.*)#(\d+)$/.exec(s);
      if (m && segs.includes(m[1])) rounds.add(Number(m[2]));
    }
    const order = [...rounds].sort((a, b) => a - b);
    if (order.length > limit && !expanded.has(actual)) {
      box.summary = { of: 'rounds', count: order.length, steps: order.flatMap((r) => segs.map((s) => `${actual}/${s}#${r}`)).filter((id) => known.has(id)) };
      return box;
    }
    let previous: string | undefined;
    for (const r of order) {
      const group: Box = { id: `${actual}#round${r}`, kind: 'round', label: `round ${r}`, children: [], edges: [] };
      const members = t.children.map((m, i) => instantiate(m, `${actual}/${segs[i]}#${r}`)).filter((m) => known.has(m.id));
      group.children = members;
      for (let i = 1; i < members.length; i++) group.edges.push(edge(members[i - 1].id, members[i].id, 'ring'));
      if (previous && members.length > 0) box.edges.push(edge(previous, members[0].id, 'round'));
      if (members.length > 0) previous = members[members.length - 1].id;
      box.children.push(group);
    }
    return box;
  };

  const known = new Set(input.steps ?? []);
  const top: Box = { id: '', kind: 'sequence', label: 'run', children: [], edges: [] };
  top.children = root.children.map((c) => instantiate(c, c.id));
  top.edges = root.edges.map((e) => edge(e.source, e.target, e.type));
  prune(top);
  return top;
}

function edge(source: string, target: string, type: BoxEdge['type']): BoxEdge {
  return { id: `${source}->${target}`, source, target, type };
}

/** Drop edges whose ends are not both in the picture (inside a summary, or not made yet). */
function prune(top: Box): void {
  const ids = new Set<string>();
  const walk = (b: Box, f: (b: Box) => void) => {
    f(b);
    for (const c of b.children) walk(c, f);
  };
  walk(top, (b) => ids.add(b.id));
  walk(top, (b) => {
    b.edges = b.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  });
}

/** Step ids by the id of the step they are directly beneath (the last segment's parent). */
function indexChildren(steps: Iterable<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of steps) {
    const cut = s.lastIndexOf('/');
    const parent = cut < 0 ? '' : s.slice(0, cut);
    const list = out.get(parent);
    if (list) list.push(s.slice(cut + 1));
    else out.set(parent, [s.slice(cut + 1)]);
  }
  return out;
}

/**
 * The templates of one unit's graph under `ownerId` (the step the unit runs beneath; ''
 * for the run): nodes by their `parent`, nested plans of pods and `use` units beneath
 * their node, each edge kept at the lowest template holding both ends.
 */
function templates(graph: PlanGraph, ownerId: string): Template {
  const owner: Template = { id: ownerId, attrs: { kind: 'sequence', label: '', parent: null }, children: [], edges: [] };
  const byId = new Map<string, Template>();
  const parentOf = new Map<string, Template>();
  const add = (g: PlanGraph, top: Template) => {
    for (const n of g.nodes) {
      const t: Template = { id: n.key, attrs: n.attributes as StepAttributes, children: [], edges: [] };
      byId.set(n.key, t);
    }
    for (const n of g.nodes) {
      const t = byId.get(n.key)!;
      const p = t.attrs.parent === null ? top : (byId.get(t.attrs.parent) ?? top);
      p.children.push(t);
      parentOf.set(t.id, p);
      if (t.attrs.plan) add(t.attrs.plan, t);
    }
    for (const e of g.edges) {
      const holder = commonAncestor(byId.get(e.source), byId.get(e.target), parentOf) ?? top;
      holder.edges.push({ source: e.source, target: e.target, type: (e.attributes?.type ?? 'dependsOn') as BoxEdge['type'] });
    }
  };
  add(graph, owner);
  return owner;
}

function commonAncestor(a: Template | undefined, b: Template | undefined, parentOf: Map<string, Template>): Template | undefined {
  if (!a || !b) return undefined;
  const seen = new Set<Template>();
  for (let x: Template | undefined = parentOf.get(a.id); x; x = parentOf.get(x.id)) seen.add(x);
  for (let y: Template | undefined = parentOf.get(b.id); y; y = parentOf.get(y.id)) if (seen.has(y)) return y;
  return undefined;
}

/** Every step id a box stands for: itself and everything beneath or summarised. */
export function stepsOf(box: Box, out: string[] = []): string[] {
  if (box.step) out.push(box.step);
  if (box.summary) out.push(...box.summary.steps);
  for (const c of box.children) stepsOf(c, out);
  return out;
}
