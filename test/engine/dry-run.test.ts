import { describe, expect, it } from 'vitest';
import { dryRun } from '../../src/engine/dry-run.ts';
import { isStrataError } from '../../src/errors/strata-error.ts';
import { compile, order, task } from '../fixtures/build-flow.ts';

describe('dry run', () => {
  it('gives one list per tick, each with the ids started in it, and the run\'s status', () => {
    const c = compile({ graph: { nodes: { a: task(), b: task(), c: task(undefined, { dependsOn: ['a'] }) } } });
    expect(dryRun(c.root, c.params)).toEqual({ order: [['a', 'b'], ['c']], status: 'succeeded' });
  });

  it('a leaf started in tick t has finished before tick t+1: a whole chain takes one tick a step', () => {
    expect(order({ sequence: [task('a'), { sequence: [task('b'), { sequence: [task('c')] }] }] })).toEqual([['a'], ['1/b'], ['1/1/c']]);
  });

  it('a flow whose root is a single task names it main, or by its id', () => {
    expect(order(task())).toEqual([['main']]);
    expect(order(task('only'))).toEqual([['only']]);
  });

  it('a generate step takes one tick; its nested unit is not known before it runs and is simulated as empty', () => {
    expect(order({ sequence: [{ id: 'g', generate: { image: 'describe' } }, task('after')] })).toEqual([['g'], ['after']]);
  });

  it('a cycle whose until never holds is stopped by the tick limit with a StrataError', () => {
    const c = compile({ cycle: { ring: [task('p')], until: false } });
    let thrown: unknown;
    try {
      dryRun(c.root, c.params, 20);
    } catch (e) {
      thrown = e;
    }
    expect(isStrataError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ code: 'limit_exceeded', message: expect.stringContaining('did not end within 20 ticks') });
  });

  it('reports a run that fails on its own data (a fan-out over something not a list) as failed', () => {
    const c = compile({ sequence: [task('a'), { id: 'fan', fanOut: { over: { var: 'params.items' }, do: task() } }] }, { items: 'oops' });
    expect(dryRun(c.root, c.params)).toEqual({ order: [['a']], status: 'failed', error: 'step fan failed: fanOut.over gave "oops", not a list' });
  });

  it('the macro dry run shows a pod as one step: its id appears, its inside does not', () => {
    const out = order({ sequence: [{ id: 'etl', pod: { flow: { sequence: [task('extract'), task('load')] } } }, task('report')] });
    expect(out).toEqual([['etl'], ['report']]);
    expect(out.flat().some((id) => id.startsWith('etl/'))).toBe(false);
  });
});
