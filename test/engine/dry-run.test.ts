import { describe, expect, it } from 'vitest';
import { dryRun } from '../../src/engine/dry-run.ts';
import { isStrataError } from '../../src/errors/strata-error.ts';
import { compile, flow, order, registry, task } from '../fixtures/build-flow.ts';

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

  it('a cycle whose until never holds and reads nothing is refused before it runs; one that never ends on params stops at the run\'s step limit, said plainly', () => {
    expect(() => compile({ cycle: { ring: [task('p')], until: false } })).toThrow('spec.root.cycle.until: never holds (it reads nothing and is false), so the cycle would never end');
    const c = compile({ cycle: { ring: [task('p')], until: { var: 'params.stop' } } }, { stop: false });
    const r = dryRun(c.root, c.params, { maxSteps: 50 });
    expect(r).toMatchObject({ status: 'failed', error: 'step p#50 failed: the run would make more than 50 steps, the limit (STRATA_MAX_RUN_STEPS)' });
    expect(r.order.length).toBe(50); // the root cycle has no id of its own: no step, as no plan counts it (log version 4)
  });

  it('reports a run that fails on its own data (a fan-out over something not a list) as failed', () => {
    const c = compile({ sequence: [task('a'), { id: 'fan', fanOut: { over: { var: 'params.items' }, do: task() } }] }, { items: 'oops' });
    expect(dryRun(c.root, c.params)).toEqual({ order: [['a']], status: 'failed', error: 'step fan failed: fanOut.over gave "oops", not a list' });
  });

});

describe('dry run: a pod is a composite whose containers are the leaves (DESIGN.md section 3)', () => {
  const cases: Array<{ name: string; root: unknown; order: string[][] }> = [
    {
      name: 'a pod takes no tick of its own: its containers do, in the order the quarterback starts them',
      root: { sequence: [{ id: 'etl', pod: { flow: { sequence: [task('extract'), task('load')] } } }, task('report')] },
      order: [['etl/extract'], ['etl/load'], ['report']],
    },
    {
      name: 'a pod beside a task in a graph: both start in tick 1, the pod\'s second container and the dependent in tick 2',
      root: { graph: { nodes: { p: { pod: { flow: { graph: { nodes: { a: task(), b: task(undefined, { dependsOn: ['a'] }) } } } } }, t: task(), u: task(undefined, { dependsOn: ['t'] }) } } },
      order: [['p/a', 't'], ['p/b', 'u']],
    },
    {
      name: 'a micro fan-out runs its containers in parallel, up to its concurrency',
      root: { id: 'p', pod: { flow: { fanOut: { over: [1, 2, 3], concurrency: 2, do: task('w') } } } },
      order: [['p/0', 'p/1'], ['p/2']],
    },
    {
      name: 'a pod whose root is one task is named by that task',
      root: { sequence: [{ id: 'p', pod: { flow: task('only') } }, task('after')] },
      order: [['p/only'], ['after']],
    },
    {
      name: 'a micro guard sees the item the pod inherits from the macro fan-out',
      root: { fanOut: { over: [1, 2], as: 'n', do: { pod: { flow: { sequence: [task('x', { when: { '==': [{ var: 'n' }, 2] } }), task('y')] } } } } },
      order: [['0/y', '1/x'], ['1/y']],
    },
    {
      name: 'the step after a pod waits for its last container',
      root: { graph: { nodes: { p: { pod: { flow: { sequence: [task('a'), task('b'), task('c')] } } }, q: task(undefined, { dependsOn: ['p'] }) } } },
      order: [['p/a'], ['p/b'], ['p/c'], ['q']],
    },
  ];
  for (const c of cases) it(c.name, () => {
    expect(order(c.root)).toEqual(c.order);
  });
});

describe('dry run: what it cannot know it says, and ends at once', () => {
  it('a fan-out over an earlier step\'s result is one symbolic item, with a note; no error', () => {
    const c = compile({ sequence: [task('list'), { id: 'fan', fanOut: { over: { var: 'results.list' }, do: { sequence: [task('a'), task('b')] } } }, task('after')] });
    expect(dryRun(c.root, c.params)).toEqual({
      order: [['list'], ['fan/*/a'], ['fan/*/b'], ['after']],
      status: 'succeeded',
      notes: ['fan: fanOut.over depends on step results, which a dry run does not know: simulated as one symbolic item, fan/*'],
    });
  });

  it('a cycle bounded only by an until over results runs one round, with a note, and ends at once', () => {
    const c = compile({ sequence: [{ id: 'ring', cycle: { ring: [task('read'), task('score')], until: { '>': [{ var: 'last.score' }, 0.9] } } }, task('after')] });
    expect(dryRun(c.root, c.params)).toEqual({
      order: [['ring/read#0'], ['ring/score#0'], ['after']],
      status: 'succeeded',
      notes: ['ring: cycle.until depends on step results, which a dry run does not know: one round simulated'],
    });
  });

  it('a guard over results is taken as true, with a note once per guard (not once per item)', () => {
    const c = compile({ sequence: [task('check'), { id: 'fan', fanOut: { over: [1, 2, 3], do: task('w', { when: { var: 'results.check.ok' } }) } }] });
    const r = dryRun(c.root, c.params);
    expect(r.order).toEqual([['check'], ['fan/0', 'fan/1', 'fan/2']]);
    expect(r.notes).toEqual(['fan/0: its when depends on step results, which a dry run does not know: taken as true']);
  });

  it('a guard over a program\'s status is taken as true, with a note: a dry run cannot know whether a program fails', () => {
    const c = compile({ sequence: [task('check', { continueOn: { failed: true } }), task('onfail', { when: { '==': [{ status: 'check' }, 'failed'] } })] });
    const r = dryRun(c.root, c.params);
    expect(r.order).toEqual([['check'], ['onfail']]);
    expect(r.notes).toEqual(['onfail: its when depends on step results, which a dry run does not know: taken as true']);
  });

  it('a guard over what is known (params, items, round) is decided, without a note', () => {
    const c = compile({ fanOut: { over: [1, 2, 3], as: 'n', do: task('w', { when: { '>': [{ var: 'n' }, { var: 'params.min' }] } }) } }, { min: 1 });
    expect(dryRun(c.root, c.params)).toEqual({ order: [['1', '2']], status: 'succeeded' });
  });

  it('a use whose with reads results passes the unknown on: a guard inside on that param is noted, not decided on a null', () => {
    const lib = flow({ sequence: [task('x', { when: { var: 'params.go' } })] }, { name: 'lib' });
    const c = compile({ sequence: [task('probe'), { id: 'u', use: 'lib@1', with: { go: { var: 'results.probe' } } }] }, undefined, registry(lib));
    const r = dryRun(c.root, c.params);
    expect(r.order).toEqual([['probe'], ['u/x']]);
    expect(r.notes).toEqual(['u/x: its when depends on step results, which a dry run does not know: taken as true']);
  });

  it('a generate step\'s unit is noted as not simulated', () => {
    const c = compile({ sequence: [{ id: 'g', generate: { image: 'describe' } }, task('after')] });
    expect(dryRun(c.root, c.params)).toEqual({ order: [['g'], ['after']], status: 'succeeded', notes: ['g: a generate step\'s flow is made from its result when it runs: not simulated'] });
  });
});
