import { describe, expect, it } from 'vitest';
import { compile, order, task } from '../fixtures/build-flow.ts';
import { done, engine, failed, ok, started } from './drive.ts';

describe('sequence: dry-run order', () => {
  const cases: Array<{ name: string; root: unknown; order: string[][] }> = [
    { name: 'runs its children one a tick, in declared order', root: { sequence: [task('a'), task('b'), task('c')] }, order: [['a'], ['b'], ['c']] },
    { name: 'names a child without an id by its index', root: { sequence: [task(), task('x'), task()] }, order: [['0'], ['x'], ['2']] },
    { name: 'puts a nested sequence\'s children beneath its id', root: { sequence: [{ id: 's', sequence: [task('a'), task('b')] }, task('c')] }, order: [['s/a'], ['s/b'], ['c']] },
    { name: 'a composite takes no tick of its own', root: { sequence: [{ sequence: [{ sequence: [task('deep')] }] }, task('next')] }, order: [['0/0/deep'], ['next']] },
  ];
  for (const { name, root, order: expected } of cases) it(name, () => {
    expect(order(root)).toEqual(expected);
  });
});

describe('sequence: failure', () => {
  it('stops at a failed child: later children never start and the run fails naming it', () => {
    const e = engine(compile({ sequence: [task('a'), task('b')] }).root);
    expect(started(e.start())).toEqual(['a']);
    const out = e.apply(failed('a', 1, 'exit code 3'));
    expect(started(out)).toEqual([]);
    expect(done(out)).toMatchObject({ status: 'failed', error: 'step a failed: exit code 3' });
  });

  it('passes the last child\'s result up as its own', () => {
    const e = engine(compile({ sequence: [task('a'), task('b')] }).root);
    e.start();
    e.apply(ok('a', 1));
    expect(done(e.apply(ok('b', { n: 2 })))).toMatchObject({ status: 'succeeded', result: { n: 2 } });
  });
});
