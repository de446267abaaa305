/**
 * The run picture's boxes from a plan and the steps a run made: nesting (pods hold their
 * containers, units their steps), fan-out items and cycle rounds from the run, generated
 * units inside their generate step, summaries of large fan-outs, and fitting a large run
 * into a picture ELK can lay out.
 */
import { describe, expect, it } from 'vitest';
import { validateFlowDocument } from '../../../src/flow/flow-document.ts';
import { compileFlow } from '../../../src/plan/compile.ts';
import { planGraph } from '../../../src/plan/plan-document.ts';
import { buildTree, fitTree, stepsOf, type Box } from '../../../ui/src/model/step-tree.ts';

const t = (id: string) => ({ id, task: { image: 'busybox' } });
const compile = (root: unknown, resolve?: (ref: string) => never) => compileFlow(validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'f', version: '1' }, spec: { root } }), resolve);

/** Box ids as a nested outline: `id[child, child]`. */
function outline(b: Box): string {
  const inner = b.children.map(outline).join(', ');
  return `${b.id || 'run'}${b.summary ? `{${b.summary.count} ${b.summary.of}}` : ''}${inner ? `[${inner}]` : ''}`;
}
const edges = (b: Box): string[] => [...b.edges.map((e) => e.id), ...b.children.flatMap(edges)].sort();

describe('buildTree', () => {
  it('nests a pod\'s containers inside the pod and places edges at the box holding both ends', () => {
    const c = compile({ sequence: [{ id: 'g', graph: { traversal: 'dependency', nodes: {
      p: { pod: { name: 'p', flow: { graph: { traversal: 'dependency', nodes: { x: { task: t('x').task }, y: { task: t('y').task, dependsOn: ['x'] } } } } } },
      z: { task: t('z').task, dependsOn: ['p'] },
    } } }] });
    const tree = buildTree({ graph: planGraph(c.root, ''), expansions: {}, steps: c.stepIds });
    expect(outline(tree)).toBe('run[g[g/p[g/p/x, g/p/y], g/z]]');
    expect(edges(tree)).toEqual(['g/p->g/z', 'g/p/x->g/p/y']);
    expect(tree.children[0].children[0].kind).toBe('pod');
    expect(stepsOf(tree).sort()).toEqual([...c.stepIds].sort());
  });

  it('makes a fan-out\'s items from the steps the run recorded, and sums up a large one', () => {
    const c = compile({ sequence: [{ id: 'fan', fanOut: { over: [1, 2, 3], do: { sequence: [t('load'), t('save')] } } }, t('after')] });
    const graph = planGraph(c.root, '');
    const steps = ['fan', 'fan/0', 'fan/0/load', 'fan/0/save', 'fan/1', 'fan/1/load', 'fan/1/save', 'fan/2', 'fan/2/load', 'after'];
    const tree = buildTree({ graph, expansions: {}, steps });
    expect(outline(tree)).toBe('run[fan[fan/0[fan/0/load, fan/0/save], fan/1[fan/1/load, fan/1/save], fan/2[fan/2/load, fan/2/save]], after]');
    expect(edges(tree)).toEqual(['fan->after', 'fan/0/load->fan/0/save', 'fan/1/load->fan/1/save', 'fan/2/load->fan/2/save']);
    const many = ['fan', ...Array.from({ length: 120 }, (_, i) => `fan/${i}`), 'after'];
    const summed = buildTree({ graph, expansions: {}, steps: many, limit: 50 });
    expect(outline(summed)).toBe('run[fan{120 items}, after]');
    expect(summed.children[0].summary!.steps[119]).toBe('fan/119');
    const opened = buildTree({ graph, expansions: {}, steps: many, limit: 50, expanded: new Map([['fan', 100]]) });
    expect(opened.children[0].children).toHaveLength(120);
  });

  it('groups a cycle\'s members by round, each round feeding the next', () => {
    const c = compile({ sequence: [{ id: 'ring', cycle: { ring: [t('a'), t('b')], rounds: 2 } }] });
    const steps = ['ring', 'ring/a#0', 'ring/b#0', 'ring/a#1', 'ring/b#1'];
    const tree = buildTree({ graph: planGraph(c.root, ''), expansions: {}, steps });
    expect(outline(tree)).toBe('run[ring[ring#round0[ring/a#0, ring/b#0], ring#round1[ring/a#1, ring/b#1]]]');
    expect(edges(tree)).toEqual(['ring/a#0->ring/b#0', 'ring/a#1->ring/b#1', 'ring/b#0->ring/a#1']);
  });

  it('shows the unit a generate step expanded into inside it, once it exists', () => {
    const c = compile({ sequence: [{ id: 'gen', generate: { image: 'busybox' } }, t('after')] });
    const unit = compile({ id: 'made', sequence: [t('one'), t('two')] });
    const graph = planGraph(c.root, '');
    expect(outline(buildTree({ graph, expansions: {}, steps: ['gen', 'after'] }))).toBe('run[gen, after]');
    const tree = buildTree({ graph, expansions: { gen: planGraph(unit.root, 'gen') }, steps: ['gen', 'gen/one', 'gen/two', 'after'] });
    expect(outline(tree)).toBe('run[gen[gen/one, gen/two], after]');
    expect(edges(tree)).toEqual(['gen->after', 'gen/one->gen/two']);
  });

  it('draws a plan without a run from its templates: one `*` item for a fan-out', () => {
    const c = compile({ sequence: [{ id: 'fan', fanOut: { over: [1, 2], do: t('x') } }, { id: 'ring', cycle: { ring: [t('a')], rounds: 3 } }] });
    expect(outline(buildTree({ graph: planGraph(c.root, ''), expansions: {} }))).toBe('run[fan[fan/*], ring[ring/a#*]]');
  });
});

describe('fitTree', () => {
  const big = (n: number) => {
    const nodes: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) nodes[`n${i}`] = { task: { image: 'busybox' }, ...(i > 0 ? { dependsOn: [`n${Math.floor((i - 1) / 10)}`] } : {}) };
    const c = compile({ sequence: [{ id: 'tree', graph: { traversal: 'dependency', nodes } }, t('after')] });
    return { graph: planGraph(c.root, ''), steps: c.stepIds };
  };

  it('sums up a composite of 10,000 steps as one box, every step still counted', () => {
    const { graph, steps } = big(10_000);
    const tree = fitTree(buildTree({ graph, expansions: {}, steps }), { budget: 200, page: 100 });
    expect(outline(tree)).toBe('run[tree{10000 steps}, after]');
    expect(new Set(stepsOf(tree)).size).toBe(10_002);
  });

  it('opens a collapsed box a page at a time, the rest in a "more" box, within the budget', () => {
    const { graph, steps } = big(1000);
    const expanded = new Map([['tree', 100]]);
    const tree = fitTree(buildTree({ graph, expansions: {}, steps, expanded }), { budget: 200, page: 100, expanded });
    const box = tree.children[0];
    expect(box.children).toHaveLength(101);
    expect(box.children[100]).toMatchObject({ id: 'tree#more', kind: 'more', summary: { count: 900 } });
    expect(new Set(stepsOf(tree)).size).toBe(1002);
    // edges only between boxes that are drawn
    const ids = new Set(box.children.map((c) => c.id));
    for (const e of box.edges) expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
    const more = fitTree(buildTree({ graph, expansions: {}, steps, expanded: new Map([['tree', 300]]) }), { budget: 500, page: 100, expanded: new Map([['tree', 300]]) });
    expect(more.children[0].children).toHaveLength(301);
  });

  it('leaves a run within the budget whole, however many children one box has', () => {
    const { graph, steps } = big(150);
    const tree = fitTree(buildTree({ graph, expansions: {}, steps }), { budget: 200, page: 100 });
    expect(tree.children[0].children).toHaveLength(150);
    expect(tree.children[0].summary).toBeUndefined();
  });
});
