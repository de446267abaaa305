/** What a step may read of its place: every enclosing fan-out item by its own name (issue 8 item 1). */
import { describe, expect, it } from 'vitest';
import { compile, flow, order, registry, task } from '../fixtures/build-flow.ts';
import { engine, startOf } from './drive.ts';

const nested = (guard: unknown) => ({
  fanOut: { over: ['eu', 'us'], as: 'region', do: { fanOut: { over: [1, 2], as: 'shard', do: task('w', { when: guard }) } } },
});

describe('nested fan-outs: each enclosing item by its own name', () => {
  it('a guard inside the inner fan-out reads the outer item by its name (it once read null, skipping everything)', () => {
    expect(order(nested({ '==': [{ var: 'region' }, 'us'] }))).toEqual([['1/0', '1/1']]);
  });

  it('and the inner one by its name, both in one guard', () => {
    expect(order(nested({ and: [{ '==': [{ var: 'region' }, 'eu'] }, { '==': [{ var: 'shard' }, 2] }] }))).toEqual([['0/1']]);
  });

  it('`item` is the innermost item when no fan-out is named item; the default name is item', () => {
    expect(order({ fanOut: { over: ['a', 'b'], as: 'outer', do: { fanOut: { over: [1, 2], do: task('w', { when: { '==': [{ var: 'item' }, 2] } }) } } } })).toEqual([['0/1', '1/1']]);
    expect(order({ fanOut: { over: ['a', 'b'], do: { fanOut: { over: [1, 2], as: 'n', do: task('w', { when: { '==': [{ var: 'item' }, 'b'] } }) } } } })).toEqual([['1/0', '1/1']]);
  });

  it('the start command carries the innermost item and every item by name, outermost first (STRATA_ITEM, STRATA_ITEMS)', () => {
    const cmds = engine(compile(nested(true)).root).start();
    expect(startOf(cmds, '1/0').env).toMatchObject({ item: 1, items: { region: 'us', shard: 1 } });
    expect(Object.keys(startOf(cmds, '1/0').env.items!)).toEqual(['region', 'shard']);
  });

  it('a pod inside a fan-out hands its items to its containers (the quarterback scope)', () => {
    const cmds = engine(compile({ fanOut: { over: ['eu'], as: 'region', do: { pod: { flow: task('c') } } } }).root).start();
    expect(startOf(cmds, '0').env).toMatchObject({ item: 'eu', items: { region: 'eu' } });
  });

  it('a used flow sees the caller\'s items; its own fan-out of the same name hides the caller\'s inside it', () => {
    const lib = flow({ fanOut: { over: [7], as: 'region', do: task('x', { when: { '==': [{ var: 'region' }, 7] } }) } }, { name: 'lib' });
    const cmds = engine(compile({ fanOut: { over: ['eu'], as: 'region', do: { use: 'lib@1' } } }, undefined, registry(lib)).root).start();
    expect(startOf(cmds, '0/0').env.items).toEqual({ region: 7 });
  });

  it('a nested fan-out with the name of one around it, or a name json-logic gives already, is refused', () => {
    expect(() => compile({ fanOut: { over: [1], do: { fanOut: { over: [2], do: task() } } } })).toThrow('spec.root.fanOut.do.fanOut.as: "item" already names the item of the fan-out around this one (spec.root.fanOut), which would then be hidden: give this fan-out its own as');
    expect(() => compile({ fanOut: { over: [1], as: 'params', do: task() } })).toThrow('spec.root.fanOut.as: "params" is a name json-logic already gives every step; name the item otherwise');
  });
});
