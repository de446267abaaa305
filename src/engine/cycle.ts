/**
 * cycle: a circular queue. Round r passes one window of data through the ring members in
 * order (member `x` of round r is the step `x#r`); the output of the last member feeds
 * the next round. It ends after `rounds`, when `until` holds over the last round's
 * outputs, or when the source is drained. Reading the window is I/O: the engine asks
 * for it with a `window` command and waits for the `window` event.
 */
import type { JsonValue } from '../flow/types.ts';
import { joinId, type CycleNode } from '../plan/plan-node.ts';
import { truthy } from '../logic/json-logic.ts';
import { outcomeForParent, type Act, type Driver, type Ops } from './act.ts';

export interface CycleDriver extends Driver {
  /** the window of round `round` arrived */
  windowArrived(round: number, items: JsonValue[], drained: boolean, error?: string): void;
}

export function cycleDriver(act: Act, ops: Ops): CycleDriver {
  const node = act.node as CycleNode;
  let round = 0;
  let member = 0;
  let waitingWindow = false;
  let window: JsonValue[] | undefined;
  let running: Act | undefined;
  let previous: JsonValue = null;
  let outputs: JsonValue[] = [];
  let error: string | undefined;
  let ended = false;
  let sourceDone = false;
  const memberName = (i: number) => node.ring[i].seg.slice(0, -2); // seg is "x#*"

  function endOfRound(): boolean {
    if (sourceDone) return true;
    if (node.rounds !== undefined && round + 1 >= node.rounds) return true;
    if (node.until !== undefined) {
      // Over results a dry run does not know: with rounds, they bound it (all are simulated);
      // without, it ends after this round. Either way with a note.
      const v = ops.evaluateKnowing(node.until, act, node.rounds === undefined ? 'until' : 'untilRounds', { outputs, last: previous, round });
      if (v.unknown) return node.rounds === undefined;
      if (truthy(v.value)) return true;
    }
    return false;
  }

  return {
    pump() {
      if (running || waitingWindow) return;
      if (error) return ops.finish(act, 'failed', undefined, error);
      if (ended) return ops.finish(act, 'succeeded', previous);
      if (member === 0 && node.source && window === undefined) {
        waitingWindow = true;
        return ops.window(act, round);
      }
      const m = node.ring[member];
      const scope = { ...act.scope, round, data: { ...act.scope.data, previous, ...(window ? { window } : {}) } };
      running = ops.spawn(m, act, joinId(act.id, `${memberName(member)}#${round}`), scope, round * node.ring.length + member);
      ops.start(running);
    },
    childDone(c) {
      running = undefined;
      const o = outcomeForParent(c);
      if (o.error) {
        error = o.error;
      } else {
        previous = o.result !== undefined ? o.result : previous;
        outputs.push(o.result ?? null);
        member++;
        if (member >= node.ring.length) {
          try {
            ended = endOfRound();
          } catch (e) {
            error = (e as Error).message;
          }
          member = 0;
          round++;
          outputs = [];
          window = undefined;
        }
      }
      ops.dirty(act);
    },
    windowArrived(r, items, drained, readError) {
      if (!waitingWindow || r !== round) return;
      waitingWindow = false;
      if (readError) {
        error = `reading the window of round ${r} from ${node.source}: ${readError}`;
        return ops.dirty(act);
      }
      if (items.length === 0) ended = true;
      else window = items;
      if (drained) sourceDone = true;
      ops.dirty(act);
    },
  };
}
