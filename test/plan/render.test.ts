import { describe, expect, it } from 'vitest';
import { toPlanDocument } from '../../src/plan/plan-document.ts';
import { renderDot, renderMermaid } from '../../src/plan/render.ts';
import { compile, flow, registry, task } from '../fixtures/build-flow.ts';

const lib = flow({ sequence: [task('prep')] }, { name: 'lib' });
const graph = toPlanDocument(compile({
  graph: {
    nodes: {
      etl: { pod: { flow: { sequence: [task('extract', {}, 'ghcr.io/acme/extract:1'), task('load')] } } },
      fan: { fanOut: { over: [1, 2], do: task(undefined, {}, 'say "hi"') }, dependsOn: ['etl'] },
      join: { fanIn: { from: 'fan', do: task() } },
      ring: { cycle: { ring: [task('a'), task('b')], rounds: 2 } },
      unit: { use: 'lib@1' },
    },
  },
}, {}, registry(lib))).graph;

/** Node ids a renderer declared, and the endpoints of its edges. */
function shape(text: string, node: RegExp, edge: RegExp): { declared: Set<string>; ends: string[] } {
  const declared = new Set([...text.matchAll(node)].map((m) => m[1]));
  const ends = [...text.matchAll(edge)].flatMap((m) => [m[1], m[2]]);
  return { declared, ends };
}

describe('renderDot', () => {
  const dot = renderDot(graph, 'demo');

  it('is a digraph named after the flow', () => {
    expect(dot.startsWith('digraph "demo" {\n')).toBe(true);
    expect(dot.trimEnd().endsWith('}')).toBe(true);
  });

  it('labels each step with its id, kind and image, using DOT\'s \\n line break', () => {
    expect(dot).toContain('[label="etl/extract\\ntask ghcr.io/acme/extract:1"]');
    expect(dot).toContain('[label="fan/*\\ntask say \\"hi\\""]');
    expect(dot).not.toContain('\\\\n');
  });

  it('draws pods, fan-outs, cycles and use units as clusters holding their steps', () => {
    for (const label of ['etl pod', 'fan fanOut', 'ring cycle', 'unit use lib@1']) expect(dot).toContain(`label=${JSON.stringify(label)};`);
    expect(dot.match(/subgraph cluster_/g)).toHaveLength(4);
    expect(dot.match(/\{/g)!.length).toBe(dot.match(/\}/g)!.length);
  });

  it('every edge joins declared nodes; data and ring edges are dashed and labelled', () => {
    const { declared, ends } = shape(dot, /^\s*(s\d+) \[label=/gm, /^\s*(s\d+) -> (s\d+)/gm);
    expect(ends.length).toBe(2 * 5); // fan->join, a->b, b->a, etl->fan, extract->load
    for (const id of ends) expect(declared.has(id)).toBe(true);
    expect(dot.match(/\[style=dashed, label="data"\]/g)).toHaveLength(1);
    expect(dot.match(/\[style=dashed, label="ring"\]/g)).toHaveLength(2);
  });
});

describe('renderMermaid', () => {
  const mermaid = renderMermaid(graph);

  it('is a top-down flowchart', () => {
    expect(mermaid.startsWith('flowchart TD\n')).toBe(true);
  });

  it('labels steps with <br/> between id and kind, and escapes quotes', () => {
    expect(mermaid).toContain('["etl/extract<br/>task ghcr.io/acme/extract:1"]');
    expect(mermaid).toContain('["fan/*<br/>task say #quot;hi#quot;"]');
  });

  it('opens a subgraph for each composite and closes each one', () => {
    const opened = mermaid.match(/^\s*subgraph /gm)!.length;
    expect(opened).toBe(4);
    expect(mermaid.match(/^\s*end$/gm)!.length).toBe(opened);
  });

  it('every edge joins declared nodes; data and ring edges are dotted and labelled', () => {
    const { declared, ends } = shape(mermaid, /^\s*(?:subgraph )?(s\d+)\["/gm, /^\s*(s\d+) (?:-->|-\.\w+\.->) (s\d+)$/gm);
    expect(ends.length).toBe(2 * 5); // fan->join, a->b, b->a, etl->fan, extract->load
    for (const id of ends) expect(declared.has(id)).toBe(true);
    expect(mermaid).toMatch(/ -\.data\.-> /);
    expect(mermaid.match(/ -\.ring\.-> /g)).toHaveLength(2);
  });
});
