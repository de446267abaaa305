import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addKid, clearKids, kidsOf, removeKid, RunningActs } from '../../src/engine/act-lists.ts';
import type { Act } from '../../src/engine/act.ts';

const act = (id: string): Act => ({ id } as Act);

/** Operations on a list of acts: add (0) or delete (1) act k, or clear (2). */
const ops = fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 7 })), { maxLength: 60 });

describe('RunningActs: a set of acts in the order added, linked through the acts', () => {
  it('holds, orders and counts what a Set does after any adds, deletes and clears', () => {
    fc.assert(fc.property(ops, (steps) => {
      const acts = Array.from({ length: 8 }, (_, i) => act(`a${i}`));
      const list = new RunningActs();
      const set = new Set<Act>();
      for (const [op, k] of steps) {
        if (op === 0) (list.add(acts[k]), set.add(acts[k]));
        else if (op === 1) (list.delete(acts[k]), set.delete(acts[k]));
        else (list.clear(), set.clear());
        expect([...list].map((a) => a.id)).toEqual([...set].map((a) => a.id));
        expect(list.size).toBe(set.size);
        for (const a of acts) expect(list.has(a)).toBe(set.has(a));
      }
    }));
  });
});

describe("a composite's running children", () => {
  it('hold, order and forget children as a Set would, each parent its own', () => {
    fc.assert(fc.property(ops, (steps) => {
      const parents = [act('p'), act('q')];
      const kids = Array.from({ length: 8 }, (_, i) => act(`k${i}`));
      const sets = [new Set<Act>(), new Set<Act>()];
      for (const [op, k] of steps) {
        // Kids 0-3 belong to p, 4-7 to q; a clear clears p.
        const parent = k < 4 ? 0 : 1;
        if (op === 0) (addKid(parents[parent], kids[k]), sets[parent].add(kids[k]));
        else if (op === 1) (removeKid(kids[k]), sets[parent].delete(kids[k]));
        else (clearKids(parents[0]), sets[0].clear());
        for (const i of [0, 1]) expect([...kidsOf(parents[i])].map((a) => a.id)).toEqual([...sets[i]].map((a) => a.id));
      }
    }));
  });
});
