/**
 * The item steps of a loop in a run's view: `name/0`, `name/1`, ... in item order (not in
 * the order the view lists them, where `name/10` comes before `name/2`).
 */
import type { RunView } from '../../src/run/run-view.ts';

/** The ids of loop `name`'s items, in item order. */
export function loopItemIds(r: RunView, name: string): string[] {
  return Object.keys(r.steps)
    .filter((k) => k.startsWith(`${name}/`) && /^[0-9]+$/.test(k.slice(name.length + 1)))
    .sort((a, b) => Number(a.slice(name.length + 1)) - Number(b.slice(name.length + 1)));
}
