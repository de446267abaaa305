import { describe, expect, it } from 'vitest';
import { pidWindow } from '../../../runtime/local/pid-window.ts';

describe('pidWindow', () => {
  const cases: Array<{ what: string; from: number; to: number; inside: number[]; outside: number[] }> = [
    { what: 'pids allocated in order', from: 1000, to: 1003, inside: [1001, 1002, 1003], outside: [1000, 999, 1004, 300] },
    { what: 'nothing allocated since', from: 1000, to: 1000, inside: [], outside: [1000, 1001, 999] },
    { what: 'the counter wrapped past pid_max to 300', from: 32765, to: 301, inside: [32766, 32767, 300, 301], outside: [32765, 302, 1000, 299, 32768] },
  ];
  for (const c of cases) {
    it(c.what, () => {
      const w = pidWindow(c.from, c.to, 32768);
      expect(c.inside.filter(w.has)).toEqual(c.inside);
      expect(c.outside.filter(w.has)).toEqual([]);
      // The list is exactly the pids the test admits, as many as the size says.
      expect(w.list()).toEqual(c.inside);
      expect(w.size).toBe(c.inside.length);
    });
  }
});
