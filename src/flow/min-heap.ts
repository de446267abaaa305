/** A binary min-heap: of numbers (declared indexes) by default, or of anything in the order `compare` gives. */
export class MinHeap<T = number> {
  private a: T[] = [];

  /** `compare(x, y)` < 0 when x comes first (numbers: ascending). */
  constructor(private readonly compare: (x: T, y: T) => number = (x, y) => (x as number) - (y as number)) {}

  get size(): number {
    return this.a.length;
  }

  push(v: T): void {
    const a = this.a;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.compare(a[p], v) <= 0) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = v;
  }

  pop(): T | undefined {
    const a = this.a;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && this.compare(a[r], a[l]) < 0 ? r : l;
        if (this.compare(a[c], last) >= 0) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}
