import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../src/flow/min-heap.ts';

describe('MinHeap', () => {
  it('pops what was pushed, smallest first, whatever the push order', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 1000 })), (xs) => {
        const h = new MinHeap();
        xs.forEach((x) => h.push(x));
        const out: number[] = [];
        for (let v = h.pop(); v !== undefined; v = h.pop()) out.push(v);
        expect(out).toEqual([...xs].sort((a, b) => a - b));
        expect(h.size).toBe(0);
      }),
    );
  });
});
