/**
 * Array helpers for user-sized data. `target.push(...items)` and `Math.max(...values)` pass
 * every element as an argument of one call, and V8 overflows its stack at roughly 120,000
 * arguments: a withItems of 200,000 items did (issue 12, Argo tester fault 2). These loop
 * instead; test/no-argument-spread.test.ts keeps the spread forms out of the sources.
 */

/** Appends `items` to `target` one by one; returns `target`. */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const x of items) target.push(x);
  return target;
}

/** The largest of `values`, or `empty` when there are none. */
export function maxOf(values: Iterable<number>, empty = -Infinity): number {
  let m = empty;
  let any = false;
  for (const v of values) {
    m = any ? (v > m ? v : m) : v;
    any = true;
  }
  return m;
}

/** The smallest of `values`, or `empty` when there are none. */
export function minOf(values: Iterable<number>, empty = Infinity): number {
  let m = empty;
  let any = false;
  for (const v of values) {
    m = any ? (v < m ? v : m) : v;
    any = true;
  }
  return m;
}
