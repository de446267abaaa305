import { describe, expect, it } from 'vitest';
import { compile, order, task } from '../fixtures/build-flow.ts';
import { done, engine, failed, ok, startOf, started } from './drive.ts';

const ring = (cycle: Record<string, unknown>) => ({ sequence: [{ id: 'ring', cycle }] });

describe('cycle: dry-run order', () => {
  const cases: Array<{ name: string; root: unknown; order: string[][] }> = [
    {
      name: 'rounds: each round passes through the ring members in order; member x of round r is x#r',
      root: ring({ ring: [task('read'), task('score')], rounds: 2 }),
      order: [['ring/read#0'], ['ring/score#0'], ['ring/read#1'], ['ring/score#1']],
    },
    {
      name: 'unnamed members are named by index (ring/0#2)',
      root: ring({ ring: [task(), task()], rounds: 3 }),
      order: [['ring/0#0'], ['ring/1#0'], ['ring/0#1'], ['ring/1#1'], ['ring/0#2'], ['ring/1#2']],
    },
    {
      name: 'until is checked after each round; round is the round just finished',
      root: ring({ ring: [task('p')], until: { '>=': [{ var: 'round' }, 2] } }),
      order: [['ring/p#0'], ['ring/p#1'], ['ring/p#2']],
    },
    {
      name: 'rounds and until together: whichever comes first',
      root: ring({ ring: [task('p')], rounds: 5, until: { '>=': [{ var: 'round' }, 1] } }),
      order: [['ring/p#0'], ['ring/p#1']],
    },
    {
      name: 'a dry run gives a source one window per round and ends after rounds',
      root: ring({ ring: [task('p')], rounds: 2, source: 'redis-stream://events' }),
      order: [['ring/p#0'], ['ring/p#1']],
    },
    {
      name: 'a dry run of a cycle bounded only by its source runs one round',
      root: ring({ ring: [task('p'), task('q')], source: 'file://data/events.jsonl' }),
      order: [['ring/p#0'], ['ring/q#0']],
    },
    {
      name: 'a composite member runs all of its inside within its round',
      root: ring({ ring: [{ id: 'm', sequence: [task('a'), task('b')] }], rounds: 2 }),
      order: [['ring/m#0/a'], ['ring/m#0/b'], ['ring/m#1/a'], ['ring/m#1/b']],
    },
  ];
  for (const { name, root, order: expected } of cases) it(name, () => {
    expect(order(root)).toEqual(expected);
  });
});

describe('cycle: driven by events', () => {
  it('until sees the last round\'s outputs (outputs, last) and stops when it holds', () => {
    const until = { or: [{ '==': [{ var: 'last' }, 'stop'] }, { in: ['halt', { var: 'outputs' }] }] };
    const e = engine(compile(ring({ ring: [task('a'), task('b')], until })).root);
    expect(started(e.start())).toEqual(['ring/a#0']);
    expect(started(e.apply(ok('ring/a#0', 'halt')))).toEqual(['ring/b#0']);
    // round 0's outputs were ['halt', 'go']: `in` holds, the cycle ends.
    expect(done(e.apply(ok('ring/b#0', 'go')))).toMatchObject({ status: 'succeeded', result: 'go' });

    const e2 = engine(compile(ring({ ring: [task('a'), task('b')], until })).root);
    e2.start();
    e2.apply(ok('ring/a#0', 'x'));
    expect(started(e2.apply(ok('ring/b#0', 'y')))).toEqual(['ring/a#1']);
    e2.apply(ok('ring/a#1', 'x'));
    expect(done(e2.apply(ok('ring/b#1', 'stop')))).toMatchObject({ status: 'succeeded' });
  });

  it('a skipped member gives null in outputs and leaves last (the value carried on) unchanged', () => {
    const until = { and: [{ '==': [{ var: 'outputs.length' }, 2] }, { '==': [{ var: 'outputs.0' }, 'x'] }, { '===': [{ var: 'outputs.1' }, null] }, { '==': [{ var: 'last' }, 'x'] }] };
    const e = engine(compile(ring({ ring: [task('a'), task('b', { when: false })], until, rounds: 3 })).root);
    e.start();
    expect(done(e.apply(ok('ring/a#0', 'x')))).toMatchObject({ status: 'succeeded', result: 'x' });
  });

  it('feeds each member the previous output and its round', () => {
    const e = engine(compile(ring({ ring: [task('a'), task('b')], rounds: 2 })).root);
    expect(startOf(e.start(), 'ring/a#0')).toMatchObject({ env: { round: 0 }, data: { previous: null } });
    expect(startOf(e.apply(ok('ring/a#0', 1)), 'ring/b#0')).toMatchObject({ env: { round: 0 }, data: { previous: 1 } });
    expect(startOf(e.apply(ok('ring/b#0', 2)), 'ring/a#1')).toMatchObject({ env: { round: 1 }, data: { previous: 2 } });
  });

  it('asks for a window before each round and hands it to the members; an empty window ends it', () => {
    const e = engine(compile(ring({ ring: [task('p')], source: 'redis-stream://events', window: { size: 10 } })).root);
    const first = e.start();
    expect(started(first)).toEqual([]);
    expect(first.filter((c) => c.type === 'window')).toEqual([{ type: 'window', step: 'ring', round: 0, source: 'redis-stream://events', size: 10, endsBySource: true }]);
    const r0 = e.apply({ type: 'window', step: 'ring', round: 0, items: [{ id: 1 }, { id: 2 }], drained: false });
    expect(startOf(r0, 'ring/p#0').data.window).toEqual([{ id: 1 }, { id: 2 }]);
    expect(e.apply(ok('ring/p#0')).filter((c) => c.type === 'window')).toEqual([expect.objectContaining({ round: 1 })]);
    expect(done(e.apply({ type: 'window', step: 'ring', round: 1, items: [], drained: false }))).toMatchObject({ status: 'succeeded' });
  });

  it('a drained source ends the cycle after the round of its last window', () => {
    const e = engine(compile(ring({ ring: [task('p')], source: 'file://events.jsonl' })).root);
    e.start();
    expect(started(e.apply({ type: 'window', step: 'ring', round: 0, items: [1], drained: true }))).toEqual(['ring/p#0']);
    expect(done(e.apply(ok('ring/p#0')))).toMatchObject({ status: 'succeeded' });
  });

  it('a failed member fails the cycle: no later member or round starts', () => {
    const e = engine(compile(ring({ ring: [task('a'), task('b')], rounds: 3 })).root);
    e.start();
    const out = e.apply(failed('ring/a#0'));
    expect(started(out)).toEqual([]);
    expect(done(out)).toMatchObject({ status: 'failed', error: 'step ring/a#0 failed: exit code 1' });
  });
});
