import { DirectedGraph } from 'graphology';
import { describe, expect, it } from 'vitest';
import { toPlanDocument, type PlanGraph } from '../../src/plan/plan-document.ts';
import { compile, flow, registry, task } from '../fixtures/build-flow.ts';

const lib = flow({ sequence: [task('prep'), task('norm')] }, { name: 'lib' });
const root = {
  graph: {
    nodes: {
      etl: { pod: { flow: { sequence: [task('extract'), task('load')] } } },
      fan: { fanOut: { over: [1, 2], do: task(undefined, {}, 'worker') }, dependsOn: ['etl'] },
      join: { fanIn: { from: 'fan', do: task() } },
      ring: { cycle: { ring: [task('a'), task('b')], rounds: 2 }, dependsOn: ['join'] },
      unit: { use: 'lib@1', dependsOn: ['etl'] },
    },
  },
};
const plan = () => toPlanDocument(compile(root, { k: 1 }, registry(lib)));
const edges = (g: PlanGraph) => g.edges.map((e) => `${e.source} -${e.attributes!.type}-> ${e.target}`);

describe('plan document', () => {
  it('is a Plan with the flow\'s name, params and step count', () => {
    expect(plan()).toMatchObject({ apiVersion: 'strata/v1', kind: 'Plan', metadata: { name: 'test', version: '1' }, params: { k: 1 }, stepCount: 12 });
  });

  it('its graph is a graphology export: steps keyed by id, nested plans inside pods and use units', () => {
    const g = plan().graph;
    expect(g.nodes.map((n) => n.key)).toEqual(['etl', 'fan', 'fan/*', 'join', 'ring', 'ring/a#*', 'ring/b#*', 'unit']);
    const etl = g.nodes.find((n) => n.key === 'etl')!.attributes!;
    expect(etl).toMatchObject({ kind: 'pod', parent: null });
    expect(etl.plan!.nodes.map((n) => n.key)).toEqual(['etl/extract', 'etl/load']);
    expect(g.nodes.find((n) => n.key === 'unit')!.attributes!.plan!.nodes.map((n) => n.key)).toEqual(['unit/prep', 'unit/norm']);
    expect(g.nodes.find((n) => n.key === 'fan/*')!.attributes).toEqual({ kind: 'task', label: 'task', parent: 'fan', image: 'worker' });
  });

  it('edges are dependencies, sequence order, ring order and data flow', () => {
    const g = plan().graph;
    expect(edges(g)).toEqual([
      'fan -data-> join',
      'ring/a#* -ring-> ring/b#*',
      'ring/b#* -ring-> ring/a#*',
      'etl -dependsOn-> fan',
      'join -dependsOn-> ring',
      'etl -dependsOn-> unit',
    ]);
    expect(edges(g.nodes.find((n) => n.key === 'etl')!.attributes!.plan!)).toEqual(['etl/extract -sequence-> etl/load']);
  });

  it('a fanIn inside a pod or a use unit gets its data edge too', () => {
    const inPod = toPlanDocument(compile({ sequence: [{ id: 'p', pod: { flow: { sequence: [{ id: 'fan', fanOut: { over: [1], do: task() } }, { id: 'join', fanIn: { from: 'fan', do: task() } }] } } }] })).graph;
    expect(edges(inPod.nodes[0].attributes!.plan!)).toEqual(['p/fan -data-> p/join']); // one edge per pair: the data edge stands for the order too
  });

  it('imports back into graphology', () => {
    const g = new DirectedGraph();
    g.import(plan().graph);
    expect(g.order).toBe(8);
    expect(g.size).toBe(6);
    expect(g.outNeighbors('etl')).toEqual(['fan', 'unit']);
  });

  it('a step\'s inputs are its declared inputs as "step:output" texts, keys in their order, as JSON writes them', () => {
    const doc = toPlanDocument(compile({
      graph: {
        nodes: {
          x: { task: { image: 'b', outputs: ['out', 'o'] } },
          texts: { task: { image: 'b', inputs: { k: 'x:out', '1': 'x:o', z_last: 'x:out' } }, dependsOn: ['x'] },
          mixed: { task: { image: 'b', inputs: { b: 'x:out', a: { from: 'x:o' }, '0': 'x:out' } }, dependsOn: ['x'] },
          none: { task: { image: 'b', inputs: {} } },
        },
      },
    }));
    const inputsOf = (key: string) => doc.graph.nodes.find((n) => n.key === key)!.attributes!.inputs;
    expect(JSON.stringify(inputsOf('texts'))).toBe('{"1":"x:o","k":"x:out","z_last":"x:out"}');
    expect(JSON.stringify(inputsOf('mixed'))).toBe('{"0":"x:out","b":"x:out","a":"x:o"}');
    expect(inputsOf('none')).toBeUndefined();
    expect(inputsOf('x')).toBeUndefined();
  });

  it('is deterministic: the same flow compiled twice gives the same JSON, byte for byte', () => {
    expect(JSON.stringify(plan())).toBe(JSON.stringify(plan()));
    expect(plan()).toEqual(plan());
  });
});

describe('plan graph keys of leaf unit roots', () => {
  it('are the step ids: a one-task flow is `main`, a one-container pod holds `etl/main`', async () => {
    const { validateFlowDocument } = await import('../../src/flow/flow-document.ts');
    const { compileFlow } = await import('../../src/plan/compile.ts');
    const { toPlanDocument } = await import('../../src/plan/plan-document.ts');
    const one = toPlanDocument(compileFlow(validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'a', version: '1' }, spec: { root: { task: { image: 'x' } } } })));
    expect(one.graph.nodes.map((n) => n.key)).toEqual(['main']);
    const pod = toPlanDocument(compileFlow(validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'a', version: '1' }, spec: { root: { sequence: [{ id: 'etl', pod: { flow: { task: { image: 'x' } } } }] } } })));
    expect(pod.graph.nodes[0].attributes!.plan!.nodes.map((n) => n.key)).toEqual(['etl/main']);
  });
});
