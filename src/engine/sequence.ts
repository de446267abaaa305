/** sequence: children one after another; a failed child fails the sequence. */
import type { JsonValue } from '../flow/types.ts';
import { joinId, type SequenceNode } from '../plan/plan-node.ts';
import { outcomeForParent, type Act, type Driver, type Ops } from './act.ts';

export function sequenceDriver(act: Act, ops: Ops): Driver {
  const node = act.node as SequenceNode;
  let next = 0;
  let running: Act | undefined;
  let error: string | undefined;
  let last: JsonValue | undefined;
  const untargeted = node.untargeted ? new Set(node.untargeted) : undefined;
  return {
    pump() {
      if (running) return;
      if (error) return ops.finish(act, 'failed', undefined, error);
      const child = node.children[next];
      if (child && untargeted?.has(child.seg)) {
        // Run targets: the children after the last one on a target's way are not needed.
        for (const c of node.children.slice(next)) ops.omit(c, act, joinId(act.id, c.seg), `not started: not needed by the targets ${(node.targets ?? []).join(', ')}`);
        next = node.children.length;
      }
      if (next >= node.children.length) return ops.finish(act, 'succeeded', last ?? null);
      const i = next++;
      running = ops.spawn(node.children[i], act, joinId(act.id, node.children[i].seg), act.scope, i);
      ops.start(running);
    },
    childDone(c) {
      running = undefined;
      const o = outcomeForParent(c);
      if (o.error) error = o.error;
      else if (o.result !== undefined) last = o.result;
      ops.dirty(act);
    },
  };
}
