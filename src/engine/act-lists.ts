/**
 * The engine's two lists of acts: the acts running now (the core's `running`) and the running
 * children of each composite (`kidsOf`), each in the order added. They are linked through
 * fields of the acts themselves, so adding, removing and asking take no hashing: as sets of
 * acts they cost a hash-table operation at each step's start and end on tables of up to a
 * million entries, a tenth of a million-step dry run. A list is not changed while it is
 * iterated (the engine copies it first where it must).
 */
import type { Act } from './act.ts';

/** The acts running now, in the order they were added. */
export class RunningActs implements Iterable<Act> {
  private head: Act | undefined;
  private tail: Act | undefined;
  size = 0;

  add(a: Act): void {
    if (a.inRunning) return;
    a.inRunning = true;
    a.runPrev = this.tail;
    a.runNext = undefined;
    if (this.tail) this.tail.runNext = a;
    else this.head = a;
    this.tail = a;
    this.size++;
  }

  has(a: Act): boolean {
    return a.inRunning === true;
  }

  /** The act that started first among those running (undefined when none runs). */
  first(): Act | undefined {
    return this.head;
  }

  delete(a: Act): void {
    if (!a.inRunning) return;
    if (a.runPrev) a.runPrev.runNext = a.runNext;
    else this.head = a.runNext;
    if (a.runNext) a.runNext.runPrev = a.runPrev;
    else this.tail = a.runPrev;
    a.inRunning = false;
    a.runPrev = undefined;
    a.runNext = undefined;
    this.size--;
  }

  clear(): void {
    for (let a = this.head; a; ) {
      const next = a.runNext;
      a.inRunning = false;
      a.runPrev = undefined;
      a.runNext = undefined;
      a = next;
    }
    this.head = undefined;
    this.tail = undefined;
    this.size = 0;
  }

  *[Symbol.iterator](): Iterator<Act> {
    for (let a = this.head; a; a = a.runNext) yield a;
  }
}

/** Add `kid` to its parent's running children (last). */
export function addKid(parent: Act, kid: Act): void {
  if (kid.kidOf) return;
  kid.kidOf = parent;
  kid.kidPrev = parent.lastKid;
  kid.kidNext = undefined;
  if (parent.lastKid) parent.lastKid.kidNext = kid;
  else parent.firstKid = kid;
  parent.lastKid = kid;
}

/** Take `kid` out of its parent's running children (nothing when it is not among them). */
export function removeKid(kid: Act): void {
  const parent = kid.kidOf;
  if (!parent) return;
  if (kid.kidPrev) kid.kidPrev.kidNext = kid.kidNext;
  else parent.firstKid = kid.kidNext;
  if (kid.kidNext) kid.kidNext.kidPrev = kid.kidPrev;
  else parent.lastKid = kid.kidPrev;
  kid.kidOf = undefined;
  kid.kidPrev = undefined;
  kid.kidNext = undefined;
}

/** The running children of `parent`, in the order added. */
export function* kidsOf(parent: Act): Generator<Act> {
  for (let a = parent.firstKid; a; a = a.kidNext) yield a;
}

/** `parent` has no running children any more. */
export function clearKids(parent: Act): void {
  for (let a = parent.firstKid; a; ) {
    const next = a.kidNext;
    a.kidOf = undefined;
    a.kidPrev = undefined;
    a.kidNext = undefined;
    a = next;
  }
  parent.firstKid = undefined;
  parent.lastKid = undefined;
}
