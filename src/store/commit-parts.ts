/**
 * A commit cut into parts of at most `max` step states each, so that no run-commit call
 * holds Redis for long however many steps one log entry decides (a fan-out of 200,000
 * starting, a cancel of as many): run-commit-5.lua records an entry's parts each once and
 * counts the entry as applied, with its `run` state, at its last part.
 */

/** One log entry's decisions as run-commit takes them (steps already in their payload form). */
export interface EntryPayload {
  i: number;
  steps: unknown[];
  run?: unknown;
  /** index of the first step state among the entry's (a part after the first) */
  offset?: number;
  /** more parts of this entry follow */
  more?: true;
}

/** One run-commit call: its entries and the log range [from, to] it records in full. */
export interface CommitPart {
  entries: EntryPayload[];
  from: number;
  to: number;
  /** the last part: the only one that may say the run is settled */
  last: boolean;
}

/**
 * Cut `entries` (folded from the log range [from, to], in order) into calls of at most
 * `max` step states (an entry without steps counts one). The last entry may be a part of
 * its own already (`offset`, `more`: a slice of a fold, sync.ts); `to` then ends before it. Each part's range starts where the
 * previous one's ended; a part that ends inside an entry covers the log only up to the
 * entry before it. One part when everything fits. Every part of an entry carries its
 * `run` state: run-commit records a `running` one with the first part, any other with the last.
 */
export function commitParts(entries: EntryPayload[], from: number, to: number, max: number): CommitPart[] {
  const parts: CommitPart[] = [];
  let current: EntryPayload[] = [];
  let size = 0;
  let start = from;
  const close = (upTo: number) => {
    parts.push({ entries: current, from: start, to: upTo, last: false });
    start = upTo + 1;
    current = [];
    size = 0;
  };
  for (const e of entries) {
    if (e.steps.length <= max - size) {
      current.push(e);
      size += Math.max(1, e.steps.length);
      continue;
    }
    // Cut within the entry: fill this part, then whole parts of it, then its tail goes on
    // (an entry that is itself a part, a slice of a fold, starts at its own offset, and its
    // tail keeps its `more`).
    const base = e.offset ?? 0;
    let offset = 0;
    while (e.steps.length - offset > max - size) {
      const room = max - size;
      if (room > 0) {
        current.push({ ...e, steps: e.steps.slice(offset, offset + room), offset: base + offset, more: true });
        offset += room;
      }
      close(e.i - 1);
    }
    const tail: EntryPayload = { ...e, steps: e.steps.slice(offset) };
    if (base + offset > 0) tail.offset = base + offset;
    current.push(tail);
    size += Math.max(1, tail.steps.length);
  }
  parts.push({ entries: current, from: start, to, last: true });
  return parts;
}
