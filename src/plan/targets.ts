/**
 * DAG targets (docs/flow-language.md, DAG targets): run only some nodes and what they
 * depend on. In a graph, the nodes not needed are marked (`untargeted`) and end skipped
 * when the graph starts; in a sequence on the way to a target, the children after it are.
 * A graph's own `targets` are applied when it is compiled (graphTargets); the run option
 * (step ids at any depth) by selectTargets over the compiled plan. Pure.
 */
import { StrataError } from '../errors/strata-error.ts';
import { nearest } from '../flow/nearest.ts';
import { joinId, type GraphNode, type PlanNode, type SequenceNode } from './plan-node.ts';
import { appendAll } from '../flow/append-all.ts';

/** The children of `g` that `targets` (node keys) do not need: not among them, nor a dependency of one, transitively. */
export function untargeted(g: GraphNode, targets: Iterable<string>): string[] {
  const bySeg = new Map(g.children.map((c) => [c.seg, c]));
  const needed = new Set<string>();
  const stack = [...targets];
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (needed.has(s)) continue;
    needed.add(s);
    appendAll(stack, (bySeg.get(s)?.deps ?? []));
  }
  return g.children.filter((c) => !needed.has(c.seg)).map((c) => c.seg);
}

/**
 * The plan with only the steps `ids` need: each id (a step id of the plan, `*` for items
 * and rounds as `strata plan` lists them) runs, with its dependencies in every graph and its
 * earlier siblings in every sequence on its way from the root. Throws a StrataError
 * (invalid_request) naming an id the plan does not have, with the nearest one.
 */
export function selectTargets(root: PlanNode, ids: string[], known: string[]): PlanNode {
  const copy = structuredClone(root);
  const wanted = new Map<PlanNode, Set<string>>();
  for (const id of ids) {
    const path = pathTo(copy, id);
    if (!path) {
      const near = nearest(id, known);
      throw new StrataError('invalid_request', `target "${id}": no step "${id}" in the plan${near ? ` (did you mean "${near}"?)` : ''}`, { problems: [{ path: 'targets', message: `no step "${id}"` }] });
    }
    for (let k = 0; k < path.length - 1; k++) {
      const parent = path[k];
      if (parent.kind === 'graph' || parent.kind === 'sequence') (wanted.get(parent) ?? wanted.set(parent, new Set()).get(parent)!).add(path[k + 1].seg);
    }
  }
  for (const [node, segs] of wanted) {
    // The run's targets in a graph stand for the graph's own `targets`.
    if (node.kind === 'graph') node.untargeted = untargeted(node, segs);
    else cutSequence(node as SequenceNode, segs);
    (node as GraphNode | SequenceNode).targets = [...segs];
  }
  return copy;
}

/** In a sequence, the children after the last one on a target's way are not needed. */
function cutSequence(seq: SequenceNode, segs: Set<string>): void {
  let last = -1;
  seq.children.forEach((c, i) => segs.has(c.seg) && (last = i));
  seq.untargeted = seq.children.slice(last + 1).map((c) => c.seg);
}

/** The plan nodes from the root down to the step `id`, or undefined. */
function pathTo(root: PlanNode, id: string): PlanNode[] | undefined {
  const walk = (n: PlanNode, at: string, trail: PlanNode[]): PlanNode[] | undefined => {
    const here = [...trail, n];
    if (at === id && n.seg !== '') return here;
    if (at !== '' && !id.startsWith(`${at}/`) && at !== id) return undefined;
    for (const c of children(n)) {
      const cid = c.kind === 'fanOut-item' ? joinId(at, '*') : joinId(at, c.node.seg);
      const found = walk(c.node, c.kind === 'fanOut-item' ? joinId(cid, c.node.seg) : cid, here);
      if (found) return found;
    }
    return at === id ? here : undefined;
  };
  return walk(root, root.seg, []);
}

function children(n: PlanNode): Array<{ kind: 'child' | 'fanOut-item'; node: PlanNode }> {
  switch (n.kind) {
    case 'sequence':
    case 'graph':
      return n.children.map((node) => ({ kind: 'child' as const, node }));
    case 'cycle':
      return n.ring.map((node) => ({ kind: 'child' as const, node }));
    case 'fanOut':
      return [{ kind: 'fanOut-item', node: n.body }];
    case 'fanIn':
    case 'use':
    case 'pod':
      return [{ kind: 'child', node: n.body }];
    default:
      return [];
  }
}
