/**
 * Steps that will never start (DESIGN.md section 3, Traversal semantics): when a composite
 * ends without starting all of its children (a failure, a deadline, a cancel, a false
 * `when`), each child it did not start, and every step known beneath it, ends `skipped`
 * (or `cancelled` after a cancel) with the reason, so none stays `pending` in a finished
 * run. Fan-out items and cycle rounds that never started were never listed, and are not.
 */
import { joinId, type PlanNode } from '../plan/plan-node.ts';
import type { StatusCommand } from './types.ts';

/** The children of a node whose step ids are known before running (not fan-out items or rounds), its exit handler last. */
export function staticChildren(node: PlanNode): PlanNode[] {
  const kids = bodyChildren(node);
  return node.onExit ? [...kids, node.onExit] : kids;
}

function bodyChildren(node: PlanNode): PlanNode[] {
  switch (node.kind) {
    case 'sequence':
    case 'graph':
      return node.children;
    case 'use':
    case 'fanIn':
    case 'pod':
      return [node.body];
    default:
      return [];
  }
}

/** Marks for `node` at step id `id` and everything known beneath it (the node itself unless `withSelf` is false). */
export function marksFor(node: PlanNode, id: string, status: 'skipped' | 'cancelled', error: string, withSelf = true): StatusCommand[] {
  const out: StatusCommand[] = [];
  const stack: Array<[PlanNode, string, boolean]> = [[node, id, withSelf]];
  while (stack.length > 0) {
    const [n, nid, self] = stack.pop()!;
    if (self && nid !== '') out.push({ type: 'status', step: nid, status, error, ifPending: true });
    const kids = staticChildren(n);
    for (let i = kids.length - 1; i >= 0; i--) {
      const k = kids[i];
      // A body that shares its parent's id (seg '') is not a step of its own.
      stack.push([k, joinId(nid, k.seg), k.seg !== '']);
    }
  }
  return out;
}

/** "not started: step E failed" from a composite's error ("step E failed: exit code 1"). */
export function notStartedReason(error: string | undefined, fallback: string): string {
  const m = error ? /^step (\S+) (failed|timed out[^:]*)/.exec(error) : null;
  return `not started: ${m ? `step ${m[1]} ${m[2]}` : (error ?? fallback)}`;
}
