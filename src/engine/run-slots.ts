/**
 * A flow's `spec.parallelism` (docs/flow-language.md, Parallelism): at most N steps of the
 * run (or of a unit, for a flow used as one) run at once, counted across every nesting,
 * fan-out and unit beneath it, as Argo's workflow `parallelism` counts a workflow's pods.
 * The steps counted are those that run a program at the macro level: tasks, pods (one each,
 * whatever they hold) and generate steps (until their program ends). Each limit is a pool
 * of slots in the scope of everything beneath the node that declares it; a step takes a
 * slot of every pool around it, innermost first, and waits in the first one that is full.
 * It holds its slots until its program has ended (through retries and their back-offs);
 * waiting steps take freed slots in declared order. Pure: no I/O, no clock.
 */
import type { Act } from './act.ts';
import { MinHeap } from '../flow/min-heap.ts';

/** One limit: slots held now, and the steps waiting for one, first declared first. */
export class SlotPool {
  held = 0;
  readonly waiting = new MinHeap<Act>((a, b) => comparePos(a.pos, b.pos));
  constructor(readonly limit: number) {}
}

/** Which pools have freed slots since the last fill, and the acquiring and releasing of them. */
export class RunSlots {
  private readonly freed = new Set<SlotPool>();

  /**
   * Take the slots `act` needs (its scope's pools, innermost first), from where it left off.
   * True when it holds them all and may start; false when it waits in a full pool.
   */
  take(act: Act): boolean {
    const pools = act.scope.pools ?? [];
    while ((act.slots ?? 0) < pools.length) {
      const pool = pools[pools.length - 1 - (act.slots ?? 0)];
      if (pool.held >= pool.limit) {
        act.queued = true;
        pool.waiting.push(act);
        return false;
      }
      pool.held++;
      act.slots = (act.slots ?? 0) + 1;
    }
    act.queued = false;
    return true;
  }

  /** `act`'s program has ended (or it was stopped): its slots are free for the steps waiting. */
  release(act: Act): void {
    const pools = act.scope.pools ?? [];
    for (let i = 0; i < (act.slots ?? 0); i++) {
      const pool = pools[pools.length - 1 - i];
      pool.held--;
      if (pool.waiting.size > 0) this.freed.add(pool);
    }
    act.slots = 0;
    act.queued = false;
  }

  /** Whether some pool has a freed slot and steps waiting for it. */
  get pending(): boolean {
    return this.freed.size > 0;
  }

  /** The waiting steps that now hold every slot they need, in declared order; `alive`: still waiting (not stopped meanwhile). */
  fill(alive: (a: Act) => boolean): Act[] {
    const ready: Act[] = [];
    for (const pool of this.freed) {
      this.freed.delete(pool);
      while (pool.held < pool.limit && pool.waiting.size > 0) {
        const act = pool.waiting.pop()!;
        if (alive(act) && this.take(act)) ready.push(act);
      }
    }
    return ready.sort((a, b) => comparePos(a.pos, b.pos));
  }
}

/** Declared order: the lexicographic order of positions from the root. */
function comparePos(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
