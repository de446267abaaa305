/** fanOut: one child per item of `over`, up to `concurrency` at once; its result is the list of item results. */
import type { JsonValue } from '../flow/types.ts';
import { joinId, type FanOutNode } from '../plan/plan-node.ts';
import { childFailed, failureOf, type Act, type Driver, type Ops } from './act.ts';

export function fanOutDriver(act: Act, ops: Ops): Driver {
  const node = act.node as FanOutNode;
  let items: JsonValue[] | undefined;
  let error: string | undefined;
  try {
    const over = Array.isArray(node.over) ? node.over : ops.evaluate(node.over, act);
    if (!Array.isArray(over)) error = `fanOut.over gave ${JSON.stringify(over)?.slice(0, 80)}, not a list`;
    else items = over;
  } catch (e) {
    error = (e as Error).message;
  }
  const results: JsonValue[] = [];
  const indexOf = new Map<Act, number>();
  const limit = node.concurrency ?? Infinity;
  let next = 0;
  let running = 0;
  return {
    pump() {
      while (items && !error && running < limit && next < items.length) {
        const i = next++;
        running++;
        const scope = { ...act.scope, item: items[i], itemName: node.as };
        const child = ops.spawn(node.body, act, joinId(act.id, String(i)), scope);
        indexOf.set(child, i);
        ops.start(child);
      }
      if (running > 0) return;
      if (error) return ops.finish(act, 'failed', undefined, error);
      ops.finish(act, 'succeeded', results);
    },
    childDone(c) {
      running--;
      if (childFailed(c)) error ??= failureOf(c);
      else results[indexOf.get(c)!] = c.result ?? null;
      indexOf.delete(c);
      ops.dirty(act);
    },
  };
}
