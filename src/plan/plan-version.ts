/**
 * The version of a stored plan's shapes, recorded in the stored plan as `v` (as the run
 * log's `begin` records LOG_VERSION). 2: a graph names, per child, the kinds of failure its
 * siblings' conditions handle (`handles`). 1 (a stored plan without `v`): a plan stored
 * before, whose graphs list handled children (`handled`), a failure of either kind handled.
 * A version-1 plan, and the units its run's log records (`expanded`), are read through
 * upgradePlan; nothing else reads `handled`. docs/runs.md says when that reader may go.
 */
import type { FailureKind } from '../flow/depends.ts';
import type { PlanNode } from './plan-node.ts';

export const PLAN_VERSION = 2;

/** A graph of a version-1 plan: `handled` where version 2 has `handles`. */
interface LegacyGraph {
  handled?: string[];
}

const BOTH: readonly FailureKind[] = ['failed', 'errored'];

/**
 * Only for a plan of version 1 (or a body one of its runs recorded): the same tree in
 * version 2's shapes, each graph's `handled` children read as handling both kinds of
 * failure, as version 1 did. Pure: returns new nodes where something changed, shares the
 * rest. Walks every node once (children, ring, body, onExit).
 */
export function upgradePlan(node: PlanNode): PlanNode {
  let out: PlanNode = node;
  const set = <K extends string>(key: K, value: unknown) => {
    if (out === node) out = { ...node } as PlanNode;
    (out as unknown as Record<string, unknown>)[key] = value;
  };
  const list = (nodes: PlanNode[]) => {
    const up = nodes.map(upgradePlan);
    return up.some((n, i) => n !== nodes[i]) ? up : nodes;
  };
  if ('children' in node) {
    const c = list(node.children);
    if (c !== node.children) set('children', c);
  }
  if (node.kind === 'cycle') {
    const r = list(node.ring);
    if (r !== node.ring) set('ring', r);
  }
  if ('body' in node) {
    const b = upgradePlan(node.body);
    if (b !== node.body) set('body', b);
  }
  if (node.onExit) {
    const x = upgradePlan(node.onExit);
    if (x !== node.onExit) set('onExit', x);
  }
  const handled = (node as LegacyGraph).handled;
  if (node.kind === 'graph' && handled) {
    if (out === node) out = { ...node };
    delete (out as LegacyGraph).handled;
    if (node.handles === undefined) (out as typeof node).handles = Object.fromEntries(handled.map((n) => [n, [...BOTH]]));
  }
  return out;
}

/** A stored plan's root in the current shapes: upgraded when the plan has no version (1). */
export function currentRoot(stored: { v?: number; root: PlanNode }): PlanNode {
  return stored.v === undefined ? upgradePlan(stored.root) : stored.root;
}
