import { describe, expect, it } from 'vitest';
import { commitParts, type EntryPayload } from '../../src/store/commit-parts.ts';

const entry = (i: number, n: number, run?: unknown): EntryPayload => ({ i, steps: Array.from({ length: n }, (_, k) => `${i}.${k}`), ...(run ? { run } : {}) });

describe('commitParts', () => {
  it('keeps a commit that fits in one part, with its whole range', () => {
    expect(commitParts([entry(3, 2), entry(5, 1)], 3, 6, 10)).toEqual([{ entries: [entry(3, 2), entry(5, 1)], from: 3, to: 6, last: true }]);
  });

  it('cuts a big entry into parts that each carry at most max steps, the range advancing only past whole entries', () => {
    const parts = commitParts([entry(0, 1, { status: 'running' }), entry(1, 25, { status: 'cancelled' })], 0, 2, 10);
    expect(parts.map((p) => p.entries.reduce((n, e) => n + e.steps.length, 0))).toEqual([10, 10, 6]);
    expect(parts.map((p) => [p.from, p.to, p.last])).toEqual([[0, 0, false], [1, 0, false], [1, 2, true]]);
    // Every step state once, in order, and the entry's run state on each of its parts (recorded with the last).
    const steps = parts.flatMap((p) => p.entries.filter((e) => e.i === 1).flatMap((e) => e.steps));
    expect(steps).toEqual(entry(1, 25).steps);
    const ofOne = parts.flatMap((p) => p.entries.filter((e) => e.i === 1));
    expect(ofOne.map((e) => [e.offset ?? 0, e.more ?? false])).toEqual([[0, true], [9, true], [19, false]]);
    expect(ofOne.every((e) => (e.run as { status: string }).status === 'cancelled')).toBe(true);
  });

  it('starts a new part at an entry that does not fit beside the ones before it', () => {
    const parts = commitParts([entry(0, 6), entry(4, 6)], 0, 4, 10);
    expect(parts.map((p) => [p.entries.map((e) => [e.i, e.steps.length, e.offset ?? 0]), p.from, p.to])).toEqual([
      [[[0, 6, 0], [4, 4, 0]], 0, 3],
      [[[4, 2, 4]], 4, 4],
    ]);
  });

  it('an entry that is a slice of a fold already (offset, more): its cuts count from its offset, and its last cut still says more follow', () => {
    const slice: EntryPayload = { ...entry(4, 25), offset: 30, more: true };
    const parts = commitParts([entry(2, 3), slice], 2, 3, 10);
    expect(parts.map((p) => [p.entries.map((e) => [e.i, e.steps.length, e.offset ?? 0, e.more ?? false]), p.from, p.to, p.last])).toEqual([
      [[[2, 3, 0, false], [4, 7, 30, true]], 2, 3, false],
      [[[4, 10, 37, true]], 4, 3, false],
      [[[4, 8, 47, true]], 4, 3, true],
    ]);
    expect(parts.flatMap((p) => p.entries.filter((e) => e.i === 4).flatMap((e) => e.steps))).toEqual(slice.steps);
  });
});
