/**
 * A run's picture as a tree of boxes: the plan's graph (with the nested plans of pods and
 * `use` units, and the units generate steps expanded into) laid over the steps the run has
 * made. Templates become real steps here: a fan-out's `F/*` becomes `F/0`, `F/1`, ... as
 * the run records them, a cycle's member `C/x` becomes `C/x#0`, `C/x#1`, ... grouped by
 * round. A fan-out (or a cycle) with more items (rounds) than `limit` is one summary box
 * unless it is in `expanded`; `fitTree` then keeps the picture small enough to lay out.
 * Pure: data in, data out.
 */
import type { PlanGraph, StepAttributes } from '../../../src/plan/plan-document.ts';

export type BoxKind = StepAttributes['kind'] | 'round' | 'more';

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
  /** a box standing for more than itself: a collapsed fan-out, cycle or composite, or the rest of a long list */
  summary?: { of: 'items' | 'rounds' | 'steps'; count: number; steps: string[] };
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
  /** boxes opened by the user: fan-outs, cycles and composites shown inside even when large */
  expanded?: ReadonlyMap<string, number>;
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
  const expanded = input.expanded ?? new Map<string, number>();

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
    // members are templates `x#*`; the run makes `x#0`, `x#1`, ...
    const segs = t.children.map((m) => m.id.slice(t.id.length + 1).replace(/#\*$/, ''));
    const rounds = new Set<number>();
    for (const s of children.get(actual) ?? []) {
      const m = /^(.*)#(\d+)$/.exec(s);
      if (m && segs.includes(m[1])) rounds.add(Number(m[2]));
    }
    const order = [...rounds].sort((a, b) => a - b);
    if (order.length > limit && !expanded.has(actual)) {
      box.summary = { of: 'rounds', count: order.length, steps: order.flatMap((r) => segs.map((s) => `${join(actual, s)}#${r}`)).filter((id) => known.has(id)) };
      return box;
    }
    let previous: string | undefined;
    for (const r of order) {
      const group: Box = { id: `${actual}#round${r}`, kind: 'round', label: `round ${r}`, children: [], edges: [] };
      const members = t.children.map((m, i) => instantiate(m, `${join(actual, segs[i])}#${r}`)).filter((m) => known.has(m.id));
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

const join = (parent: string, seg: string) => (parent === '' ? seg : `${parent}/${seg}`);

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

export interface FitOptions {
  /** at most this many boxes in the picture (ELK's time grows fast past a few hundred) */
  budget?: number;
  /** children shown at first in one box; each "more" adds as many */
  page?: number;
  /** box id -> children to show (present: never collapsed) */
  expanded?: ReadonlyMap<string, number>;
}

/**
 * Keep a picture small enough to lay out: the run itself and every box the user opened
 * show `page` children (or as many as opened), the rest as one "more" box; then, while
 * the picture holds more than `budget` boxes, the largest composite the user has not
 * opened becomes a summary box (its counts by status). Every step stays reachable by
 * clicking. Changes `root` in place.
 */
export function fitTree(root: Box, o: FitOptions = {}): Box {
  const budget = o.budget ?? 200;
  const page = o.page ?? 100;
  const expanded = o.expanded ?? new Map<string, number>();
  const summarise = (b: Box) => {
    const steps: string[] = [];
    for (const c of b.children) stepsOf(c, steps);
    b.summary = { of: 'steps', count: steps.length, steps };
    b.children = [];
    b.edges = [];
  };
  const cap = (b: Box) => {
    const shown = Math.max(page, expanded.get(b.id) ?? page);
    // A box not opened keeps its children here; the budget below decides whether it is summed up.
    if ((b === root || expanded.has(b.id)) && b.children.length > shown) {
      const rest = b.children.slice(shown);
      const steps: string[] = [];
      for (const r of rest) stepsOf(r, steps);
      b.children = b.children.slice(0, shown);
      b.children.push({ id: `${b.id}#more`, kind: 'more', label: `${rest.length} more`, children: [], edges: [], summary: { of: 'steps', count: rest.length, steps } });
    }
    for (const c of b.children) cap(c);
  };
  cap(root);
  const sizes = new Map<Box, number>();
  const size = (b: Box): number => {
    let n = 1;
    for (const c of b.children) n += size(c);
    sizes.set(b, n);
    return n;
  };
  let total = size(root);
  const candidates: Box[] = [];
  const parent = new Map<Box, Box>();
  const gather = (b: Box, top: boolean) => {
    if (!top && b.children.length > 0 && b.step && !expanded.has(b.id)) candidates.push(b);
    for (const c of b.children) {
      parent.set(c, b);
      gather(c, false);
    }
  };
  gather(root, true);
  candidates.sort((a, b) => sizes.get(b)! - sizes.get(a)!);
  const collapsed = new Set<Box>();
  for (const b of candidates) {
    if (total <= budget) break;
    let up = parent.get(b);
    while (up && !collapsed.has(up)) up = parent.get(up);
    if (up) continue; // already inside a collapsed box
    total -= sizes.get(b)! - 1;
    summarise(b);
    collapsed.add(b);
  }
  prune(root);
  return root;
}

/**
 * The plan's attributes of the step a run's step was made from: the step itself, or its
 * template (a fan-out's item `F/3` comes from `F/*`, a cycle member `C/x#2` from `C/x#*`).
 * Nested plans (pods, `use` units) and generated units are searched too.
 */
export function planAttributes(graph: PlanGraph, expansions: Record<string, PlanGraph>, step: string): StepAttributes | undefined {
  const found = (g: PlanGraph, id: string): StepAttributes | undefined => {
    for (const n of g.nodes) {
      const a = n.attributes as StepAttributes;
      if (n.key === id) return a;
      if (a.plan && id.startsWith(`${n.key}/`)) {
        const inner = found(a.plan, id);
        if (inner) return inner;
      }
    }
    return undefined;
  };
  const template = step.split('/').map((seg) => (/^\d+$/.test(seg) ? '*' : seg.replace(/#\d+$/, '#*'))).join('/');
  for (const id of [step, template]) {
    const a = found(graph, id) ?? Object.entries(expansions).map(([at, g]) => (id.startsWith(`${at}/`) ? found(g, id) : undefined)).find(Boolean);
    if (a) return a;
  }
  return undefined;
}
