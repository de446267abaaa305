/**
 * fanOut: one child per item of `over`, up to `concurrency` at once; its result is the list
 * of item results (a text result holding a JSON object read as that object, recordOrText, as
 * Argo aggregates a loop's results), and each output parameter its items give is the list of their values
 * (as Argo aggregates a loop's output parameters: JSON records when every value is a text
 * holding a JSON object or list, recordsOrTexts). Each item is readable by the fan-out's `as` name, beside those of the
 * fan-outs around it. A list a dry run cannot know is one symbolic item, `fan/*`.
 */
import { DEFAULT_LIMITS, LIMIT_VARIABLES } from '../flow/limits.ts';
import type { JsonValue } from '../flow/types.ts';
import { placeOf, UNKNOWN } from '../logic/json-logic.ts';
import { listAsTextHint } from '../logic/param-value.ts';
import { recordOrText, recordsOrTexts } from '../logic/json-text.ts';
import { joinId, type FanOutNode } from '../plan/plan-node.ts';
import { indexInParent, outcomeForParent, type Act, type Driver, type Ops } from './act.ts';

/** Why a fan-out with `empty: skipped` over an empty list was skipped (its status's error, the reason of what it holds). */
export const EMPTY_LIST = 'not started: its list of items is empty';

export function fanOutDriver(act: Act, ops: Ops): Driver {
  const node = act.node as FanOutNode;
  let items: JsonValue[] | undefined;
  let error: string | undefined;
  let symbolic = false;
  try {
    const over = Array.isArray(node.over) ? { value: node.over, unknown: false } : ops.evaluateKnowing(node.over, act, 'over');
    if (over.unknown) {
      symbolic = true;
      items = [UNKNOWN];
    } else if (!Array.isArray(over.value)) error = `${placeOf(node.over) ?? 'fanOut.over'} gave ${JSON.stringify(over.value)?.slice(0, 80)}, not a list${listAsTextHint(over.value)}`;
    else if (over.value.length > (ops.maxFanOutItems ?? DEFAULT_LIMITS.maxFanOutItems)) {
      const max = ops.maxFanOutItems ?? DEFAULT_LIMITS.maxFanOutItems;
      // Said in the document's terms where the list has a place (an Argo withParam), else strata's.
      error = `${placeOf(node.over) ?? 'fanOut.over'} gave ${over.value.length.toLocaleString('en')} items, more than the limit of ${max.toLocaleString('en')} (${LIMIT_VARIABLES.maxFanOutItems})`;
    } else items = over.value;
  } catch (e) {
    error = (e as Error).message;
  }
  if (items && !symbolic) ops.itemsKnown(act, items.length);
  const results: JsonValue[] = [];
  const parameters: Array<Record<string, JsonValue> | undefined> = [];
  const notSucceeded = new Set<number>();
  const limit = node.concurrency ?? Infinity;
  let next = 0;
  let running = 0;
  /** an item's failure: with failFast (the default) no further item starts */
  let itemError: string | undefined;
  const failFast = node.failFast !== false;
  const counts = { succeeded: 0, failed: 0 };
  return {
    pump() {
      while (items && !error && !(itemError && failFast) && running < limit && next < items.length) {
        // The fold's slice is spent: the rest when the driver resumes (EngineOptions.sliceSteps).
        if (ops.pause(act)) return;
        const i = next++;
        running++;
        // Re-added last, so an `as` name an outer unit used too names this (innermost) item, in nesting order.
        const named = { ...act.scope.items };
        delete named[node.as];
        named[node.as] = items[i];
        const scope = { ...act.scope, item: items[i], items: named };
        const child = ops.spawn(node.body, act, joinId(act.id, symbolic ? '*' : String(i)), scope, i);
        ops.start(child);
        // Paused beneath: nothing more here until it has gone on (what follows may rest on how it ends).
        if (ops.pause(act)) return;
      }
      if (running > 0) return;
      act.items = counts;
      if (error || itemError) return ops.finish(act, 'failed', undefined, error ?? itemError);
      // As Argo makes a loop over nothing a Skipped node ("Skipped, empty params"; Argo tester 6, Q2).
      if (node.empty === 'skipped' && items?.length === 0) return ops.finish(act, 'skipped', undefined, EMPTY_LIST);
      // `results: succeeded` (Argo's aggregation): items that were skipped or failed are left out, not null.
      const kept = (i: number) => node.results !== 'succeeded' || !notSucceeded.has(i);
      const names = [...new Set(parameters.flatMap((p) => (p ? Object.keys(p) : [])))];
      if (names.length > 0) {
        const each = (items ?? []).map((_, i) => i).filter(kept);
        try {
          act.parameters = Object.fromEntries(names.map((n) => [n, recordsOrTexts(each.map((i) => (parameters[i] && Object.hasOwn(parameters[i]!, n) ? parameters[i]![n] : null)), (k) => `output parameter ${n} of ${joinId(act.id, String(each[k]))}`)]));
        } catch (e) {
          // A value giving a key twice (json-text.ts refuseDuplicateKeys): the loop fails, naming the item.
          return ops.finish(act, 'failed', undefined, (e as Error).message);
        }
      }
      ops.finish(act, 'succeeded', node.results === 'succeeded' ? results.filter((_, i) => kept(i)) : results);
    },
    childDone(c) {
      running--;
      const o = outcomeForParent(c);
      if (o.outcome === 'succeeded') counts.succeeded++;
      else if (o.outcome !== 'skipped') counts.failed++;
      if (o.error) itemError ??= o.error;
      const i = indexInParent(c);
      // An item's text result holding a JSON object is that object in the list, as Argo aggregates a loop's results.
      // One giving a key twice fails the loop, naming the item (json-text.ts refuseDuplicateKeys), as an item's failure does.
      if (!o.error) {
        try {
          results[i] = recordOrText(o.result ?? null);
        } catch (e) {
          itemError ??= `the result of ${c.id}: ${(e as Error).message}`;
        }
      }
      if (o.outcome === 'succeeded' && c.parameters) parameters[i] = c.parameters;
      if (o.outcome !== 'succeeded') notSucceeded.add(i);
      ops.dirty(act);
    },
  };
}
