/** A run's step ids in plan order (src/run/plan-order.ts), from the plan as GET /v1/runs/:id/plan gives it. */
import { describe, expect, it } from 'vitest';
import { planGraph, toPlanDocument } from '../../src/plan/plan-document.ts';
import { inPlanOrder } from '../../src/run/plan-order.ts';
import { compile, registry, flow, task } from '../fixtures/build-flow.ts';

/** Shuffled the same way every time: the order in must not matter. */
const shuffled = (ids: string[]) => [...ids].reverse();

const cases: Array<{ what: string; root: unknown; ids: string[] }> = [
  { what: 'a sequence: declared order, not by name', root: { sequence: [task('zeta'), task('alpha'), task('mid')] }, ids: ['zeta', 'alpha', 'mid'] },
  { what: 'unnamed nodes: by index, numbers in numeric order', root: { sequence: Array.from({ length: 11 }, () => task()) }, ids: Array.from({ length: 11 }, (_, i) => String(i)) },
  {
    what: 'a graph: each after what it depends on, declared order between independent ones',
    root: { sequence: [{ id: 'g', graph: { traversal: 'dependency', nodes: { c: task(undefined, { dependsOn: ['b'] }), b: task(undefined, { dependsOn: ['a'] }), z: task(), a: task() } } }] },
    ids: ['g', 'g/z', 'g/a', 'g/b', 'g/c'],
  },
  {
    what: 'a fan-out: a step before its items, items by number, what an item holds beneath it',
    root: { sequence: [task('first'), { id: 'fan', fanOut: { over: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], do: { sequence: [task('load'), task('add')] } } }, task('after')] },
    ids: ['first', 'fan', ...Array.from({ length: 11 }, (_, i) => [`fan/${i}`, `fan/${i}/load`, `fan/${i}/add`]).flat(), 'after'],
  },
  {
    what: 'a cycle: round by round, each in ring order',
    root: { sequence: [{ id: 'ring', cycle: { ring: [task('y'), task('x')], rounds: 2 } }] },
    ids: ['ring', 'ring/y#0', 'ring/x#0', 'ring/y#1', 'ring/x#1', 'ring/y#10', 'ring/x#10'],
  },
  {
    what: 'a pod: its containers from its nested plan, in declared order',
    root: { sequence: [{ id: 'p', pod: { flow: { sequence: [task('zz'), task('aa')] } } }, task('b')] },
    ids: ['p', 'p/zz', 'p/aa', 'b'],
  },
  {
    what: 'steps the plan does not place: after those it does, by id',
    root: { sequence: [task('z'), task('a')] },
    ids: ['z', 'a', 'extra', 'extra/2', 'extra/10', 'more'],
  },
];

describe('inPlanOrder', () => {
  it.each(cases)('$what', ({ root, ids }) => {
    const plan = toPlanDocument(compile(root));
    expect(inPlanOrder(shuffled(ids), plan.graph)).toEqual(ids);
  });

  it('a use unit: its inside from its nested plan', () => {
    const lib = flow({ sequence: [task('zz'), task('aa')] }, { name: 'lib' });
    const plan = toPlanDocument(compile({ sequence: [{ id: 'u', use: 'lib@1' }, task('b')] }, undefined, registry(lib)));
    const ids = ['u', 'u/zz', 'u/aa', 'b'];
    expect(inPlanOrder(shuffled(ids), plan.graph)).toEqual(ids);
  });

  it('a generate step: the steps of the unit it expanded into, in that unit\'s order', () => {
    const plan = toPlanDocument(compile({ sequence: [{ id: 'g', generate: { image: 'gen' } }, task('after')] }));
    const unit = compile({ sequence: [task('v2'), task('v1')] }).root;
    const ids = ['g', 'g/v2', 'g/v1', 'after'];
    expect(inPlanOrder(shuffled(ids), plan.graph, { g: planGraph(unit, 'g') })).toEqual(ids);
  });
});
