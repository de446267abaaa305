/**
 * The order in which the engine acts within one tick: composites pumped deepest first, and
 * the starts decided together sent in declared order.
 */
import type { Act } from './act.ts';
import type { Command, StartCommand } from './types.ts';

/**
 * Composites to pump, by level, deepest first: a composite that finishes in this tick tells
 * its parent before the parent decides what starts, so the parent chooses among everything
 * that became ready (in declared order), not among what it heard of first.
 */
export class DirtyQueue {
  private readonly byLevel: Array<Set<Act>> = [];
  private count = 0;

  /** Mark `act` to be pumped (once, however often it is marked before). */
  mark(act: Act): void {
    const set = (this.byLevel[act.level] ??= new Set());
    if (!set.has(act)) {
      set.add(act);
      this.count++;
    }
  }

  /** The next composite to pump, one of the deepest marked; undefined when none is. */
  next(): Act | undefined {
    if (this.count === 0) return undefined;
    let level = this.byLevel.length - 1;
    while (!this.byLevel[level]?.size) level--;
    const set = this.byLevel[level];
    const act = set.values().next().value as Act;
    set.delete(act);
    this.count--;
    return act;
  }

  clear(): void {
    this.byLevel.length = 0;
    this.count = 0;
  }
}

/**
 * The starts decided together go out in declared order (depth first, fan-out items by
 * index, rounds in order; `posOf` gives a step's declared position), whichever composite
 * decided first: the order DESIGN.md's dry run lists a tick in. Other commands keep their places.
 */
export function inDeclaredOrder(out: Command[], posOf: (step: string) => number[]): Command[] {
  // Each position looked up once; starts usually come in declared order already (a graph's
  // frontier takes the lowest index first), and a tick of 900,000 starts is then one pass
  // that makes nothing (no list of keyed starts to sort).
  let previous: number[] | undefined;
  let sorted = true;
  for (let i = 0; i < out.length && sorted; i++) {
    const c = out[i];
    if (c.type !== 'start') continue;
    const pos = posOf(c.step);
    sorted = previous === undefined || comparePos(previous, pos) <= 0;
    previous = pos;
  }
  if (sorted) return out;
  const slots: number[] = [];
  out.forEach((c, i) => c.type === 'start' && slots.push(i));
  const keyed = slots.map((i) => ({ c: out[i], pos: posOf((out[i] as StartCommand).step) }));
  keyed.sort((a, b) => comparePos(a.pos, b.pos));
  slots.forEach((slot, k) => (out[slot] = keyed[k].c));
  return out;
}

function comparePos(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
