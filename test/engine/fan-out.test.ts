import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src/flow/types.ts';
import { compile, order, task } from '../fixtures/build-flow.ts';
import { done, engine, failed, ok, startOf, started } from './drive.ts';

const fan = (fanOut: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ sequence: [{ id: 'fan', fanOut: { do: task(), ...fanOut }, ...extra }] });

describe('fanOut: dry-run order', () => {
  const cases: Array<{ name: string; root: unknown; params?: Record<string, JsonValue>; order: string[][] }> = [
    { name: 'a literal list: one step per item, all at once, named by index', root: fan({ over: ['eu', 'us', 'apac'] }), order: [['fan/0', 'fan/1', 'fan/2']] },
    { name: 'json-logic over the params', root: fan({ over: { var: 'params.regions' } }), params: { regions: ['eu', 'us'] }, order: [['fan/0', 'fan/1']] },
    {
      name: 'json-logic that computes the list',
      root: fan({ over: { filter: [{ var: 'params.sizes' }, { '>': [{ var: '' }, 10] }] } }),
      params: { sizes: [5, 20, 30, 1] },
      order: [['fan/0', 'fan/1']],
    },
    { name: 'concurrency caps the items running at once', root: fan({ over: [1, 2, 3, 4, 5], concurrency: 2 }), order: [['fan/0', 'fan/1'], ['fan/2', 'fan/3'], ['fan/4']] },
    {
      name: 'an item\'s do node is the item step; what it contains goes beneath it',
      root: fan({ over: [1, 2, 3], concurrency: 2, do: { sequence: [task('load'), task('save')] } }),
      order: [['fan/0/load', 'fan/1/load'], ['fan/0/save', 'fan/1/save'], ['fan/2/load'], ['fan/2/save']],
    },
    { name: 'an empty list starts nothing and the flow moves on', root: { sequence: [{ id: 'fan', fanOut: { over: [], do: task() } }, task('after')] }, order: [['after']] },
    {
      name: 'a when guard on do sees the item under its `as` name',
      root: fan({ over: [1, 5, 2, 8], as: 'n', do: task(undefined, { when: { '>': [{ var: 'n' }, 3] } }) }),
      order: [['fan/1', 'fan/3']],
    },
    {
      name: 'the flow root\'s fan-out adds no segment: items are named by index alone',
      root: { id: 'fan', fanOut: { over: [1, 2], do: task() } },
      order: [['0', '1']],
    },
  ];
  for (const { name, root, params, order: expected } of cases) it(name, () => {
    expect(order(root, params)).toEqual(expected);
  });
});

describe('fanOut: items, results and failure', () => {
  it('hands each item to its step (env.item) and joins the results in item order', () => {
    const e = engine(compile(fan({ over: [{ r: 'eu' }, { r: 'us' }] })).root);
    const cmds = e.start();
    expect(startOf(cmds, 'fan/0').env.item).toEqual({ r: 'eu' });
    expect(startOf(cmds, 'fan/1').env.item).toEqual({ r: 'us' });
    e.apply(ok('fan/1', 'US'));
    expect(done(e.apply(ok('fan/0', 'EU')))).toMatchObject({ status: 'succeeded', result: ['EU', 'US'] });
  });

  it('fails when over does not give a list, naming the value', () => {
    const e = engine(compile(fan({ over: { var: 'params.missing' } })).root);
    expect(done(e.start())).toMatchObject({ status: 'failed', error: expect.stringContaining('fanOut.over gave null, not a list') });
  });

  it('a failed item starts no more items; items already running finish before the fan-out fails', () => {
    const e = engine(compile(fan({ over: [1, 2, 3, 4], concurrency: 2 })).root);
    expect(started(e.start())).toEqual(['fan/0', 'fan/1']);
    const afterFail = e.apply(failed('fan/0'));
    expect(started(afterFail)).toEqual([]);
    expect(done(afterFail)).toBeUndefined();
    const end = e.apply(ok('fan/1'));
    expect(started(end)).toEqual([]);
    expect(done(end)).toMatchObject({ status: 'failed', error: 'step fan/0 failed: exit code 1' });
  });
});
