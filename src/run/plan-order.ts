/**
 * A run's step ids in plan order, as `strata runs get` lists them: a step before what is
 * beneath it; siblings as the compiled plan has them (declared order), those of a graph
 * after the siblings they depend on (a stable topological order, declared order between
 * independent ones); a fan-out's items by number; a cycle's members round by round, each
 * round in ring order. Steps of a pod's or a `use` unit's inside come from the node's
 * nested plan, a generate step's from the unit it expanded into. A step the plan does not
 * place (a plan read before its generate step expanded) goes after its placed siblings, by
 * id. Pure: the plan in (GET /v1/runs/:id/plan), the order out.
 */
import { MinHeap } from '../flow/min-heap.ts';
import type { PlanGraph } from '../plan/plan-document.ts';

/** Step ids by path, numbers in numeric order: the tie-break for steps the plan does not place. */
const BY_ID = new Intl.Collator('en', { numeric: true });

/** Where a template step stands among its siblings, by its id (`fan/*`, `ring/x#*` for the run's items and members). */
type Ranks = Map<string, number>;

/** A plan's templates (and its units') with each one's place among its siblings. */
export function planRanks(graph: PlanGraph, expansions: Record<string, PlanGraph> = {}): Ranks {
  const ranks: Ranks = new Map();
  const add = (g: PlanGraph, owner: string) => {
    const parentOf = new Map<string, string>();
    const kids = new Map<string, string[]>();
    for (const n of g.nodes) {
      const parent = n.attributes?.parent ?? owner;
      parentOf.set(n.key, parent);
      const list = kids.get(parent);
      if (list) list.push(n.key);
      else kids.set(parent, [n.key]);
    }
    // What each step waits for among its siblings: dependencies, a sequence's order, a fan-in's source (not a ring: it closes on itself).
    const before = new Map<string, string[]>();
    for (const e of g.edges) {
      if (e.attributes?.type === 'ring' || !parentOf.has(e.source) || parentOf.get(e.source) !== parentOf.get(e.target)) continue;
      const list = before.get(e.target);
      if (list) list.push(e.source);
      else before.set(e.target, [e.source]);
    }
    for (const list of kids.values()) topological(list, before).forEach((id, i) => ranks.set(id, i));
    for (const n of g.nodes) if (n.attributes?.plan) add(n.attributes.plan, n.key);
  };
  add(graph, '');
  for (const [step, unit] of Object.entries(expansions)) add(unit, step);
  return ranks;
}

/**
 * `ids` with each after those of `before` it depends on, declared order kept where nothing
 * says otherwise (of the steps ready, the first declared goes next: a heap of indexes, so a
 * generated graph of 100,000 nodes is not a quadratic walk); a loop (none compiles) is left
 * in declared order.
 */
function topological(ids: string[], before: Map<string, string[]>): string[] {
  const index = new Map(ids.map((id, i) => [id, i]));
  const waits = new Array<number>(ids.length).fill(0);
  const after = new Map<number, number[]>();
  for (const [i, id] of ids.entries()) {
    for (const b of before.get(id) ?? []) {
      const j = index.get(b);
      if (j === undefined) continue;
      waits[i]++;
      const list = after.get(j);
      if (list) list.push(i);
      else after.set(j, [i]);
    }
  }
  if (after.size === 0) return ids;
  const ready = new MinHeap();
  waits.forEach((w, i) => w === 0 && ready.push(i));
  const out: string[] = [];
  const placed = new Set<number>();
  for (let i = ready.pop(); i !== undefined; i = ready.pop()) {
    out.push(ids[i]);
    placed.add(i);
    for (const k of after.get(i) ?? []) if (--waits[k] === 0) ready.push(k);
  }
  for (const [i, id] of ids.entries()) if (!placed.has(i)) out.push(id);
  return out;
}

/** A segment's place among its siblings: numbers compared in turn, then (steps the plan does not place) its text. */
interface SegmentKey { at: number[]; seg: string }

/**
 * Each segment of `id` with the numbers that order it among its siblings: its rank; a
 * fan-out's item by number; a cycle's member by round, then rank. Infinity: not placed by
 * the plan.
 */
function orderKey(id: string, ranks: Ranks, expanded: (step: string) => boolean): SegmentKey[] {
  const key: SegmentKey[] = [];
  let template = '';
  let actual = '';
  for (const seg of id.split('/')) {
    // Beneath a generate step, its unit's templates are named from the step itself.
    const base = actual !== '' && expanded(actual) ? actual : template;
    const under = (s: string) => (base === '' ? s : `${base}/${s}`);
    const round = /^(.*)#(\d+)$/.exec(seg);
    if (ranks.has(under(seg))) {
      template = under(seg);
      key.push({ at: [ranks.get(template)!], seg });
    } else if (/^\d+$/.test(seg) && ranks.has(under('*'))) {
      template = under('*');
      key.push({ at: [Number(seg)], seg });
    } else if (round && ranks.has(under(`${round[1]}#*`))) {
      template = under(`${round[1]}#*`);
      key.push({ at: [Number(round[2]), ranks.get(template)!], seg });
    } else {
      template = under(seg);
      key.push({ at: [Infinity], seg });
    }
    actual = actual === '' ? seg : `${actual}/${seg}`;
  }
  return key;
}

/** Segment by segment: a step before what is beneath it. */
function compareKeys(a: SegmentKey[], b: SegmentKey[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i].at;
    const y = b[i].at;
    for (let j = 0; j < Math.min(x.length, y.length); j++) if (x[j] !== y[j]) return x[j] < y[j] ? -1 : 1;
    if (x.length !== y.length) return x.length - y.length;
    const bySeg = BY_ID.compare(a[i].seg, b[i].seg);
    if (bySeg !== 0) return bySeg;
  }
  return a.length - b.length;
}

/** `ids` in plan order (above), one key made per id. */
export function inPlanOrder(ids: Iterable<string>, graph: PlanGraph, expansions: Record<string, PlanGraph> = {}): string[] {
  const ranks = planRanks(graph, expansions);
  const expanded = (step: string) => Object.hasOwn(expansions, step);
  return [...ids]
    .map((id) => ({ id, key: orderKey(id, ranks, expanded) }))
    .sort((a, b) => compareKeys(a.key, b.key))
    .map((k) => k.id);
}
