/**
 * Importing a long Argo DAG chain does work near-linear in its length (Argo tester 3, N9: a
 * 3,000-task chain held a core for over ten minutes, a fresh ancestor search per sibling per
 * task). Work is counted, not timed: `work.visited` counts the tasks the ancestor
 * queries visit, passed to the import (no state of the module). The chains are generated (their size is the point of the test).
 */
import { describe, expect, it } from 'vitest';
import type { ReachWork } from '../../src/argo/dag-reach.ts';
import { importArgo } from '../../src/argo/import-argo.ts';

/** A DAG chain of `n` tasks; each reads the output parameters of the two tasks before it (`deps` = depends or dependencies; the one two back is read through the one before). */
function chain(n: number, deps: 'depends' | 'dependencies'): unknown {
  const tasks = Array.from({ length: n }, (_, i) => i === 0
    ? { name: 't0', template: 'say', arguments: { parameters: [{ name: 'm', value: 'start' }] } }
    : { name: `t${i}`, template: 'say', [deps]: deps === 'depends' ? `t${i - 1}` : [`t${i - 1}`], arguments: { parameters: [{ name: 'm', value: `{{tasks.t${i - 1}.outputs.parameters.v}} {{tasks.t${Math.max(0, i - 2)}.outputs.parameters.v}}` }] } });
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: 'chain-' },
    spec: {
      entrypoint: 'main',
      templates: [
        { name: 'main', dag: { tasks } },
        { name: 'say', inputs: { parameters: [{ name: 'm' }] }, container: { image: 'alpine', command: ['sh', '-c', 'echo "$0" > /tmp/v', '{{inputs.parameters.m}}'] }, outputs: { parameters: [{ name: 'v', valueFrom: { path: '/tmp/v' } }] } },
      ],
    },
  };
}

/** The ancestor-query visits importing a chain of `n` costs. */
function visits(n: number, deps: 'depends' | 'dependencies'): number {
  const work: ReachWork = { visited: 0 };
  const result = importArgo([{ doc: chain(n, deps), source: `chain-${n}` }], () => [], { work });
  expect(result.workflows).toHaveLength(1);
  expect(Object.keys((result.workflows[0].spec as { root: { graph: { nodes: object } } }).root.graph.nodes)).toHaveLength(n);
  return work.visited;
}

describe('importing a long DAG chain', () => {
  it.each(['depends', 'dependencies'] as const)('a 3,000-task chain (%s) visits a bounded number of tasks, growing linearly with its length', (deps) => {
    const small = visits(1500, deps);
    const large = visits(3000, deps);
    // About one visit per task (the task two back is found through the one before); the
    // cubic search visited about n^3/6 (4.5e9 at 3,000).
    expect(large).toBeGreaterThan(0);
    expect(large).toBeLessThanOrEqual(2 * 3000);
    expect(large).toBeLessThanOrEqual(2 * small + 2);
  });

  it('a task still reads only the tasks it depends on', () => {
    const doc = chain(3, 'depends') as { spec: { templates: Array<{ dag?: { tasks: Array<Record<string, unknown>> } }> } };
    const t2 = doc.spec.templates[0].dag!.tasks[2];
    t2.depends = 't0';
    t2.arguments = { parameters: [{ name: 'm', value: '{{tasks.t1.outputs.parameters.v}}' }] };
    expect(() => importArgo([{ doc, source: 'chain' }])).toThrow(/no step or task named "t1" before this one/);
  });
});
