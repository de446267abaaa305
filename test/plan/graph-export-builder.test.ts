import { DirectedGraph } from 'graphology';
import { describe, expect, it } from 'vitest';
import { GraphExportBuilder } from '../../src/plan/graph-export-builder.ts';

describe('GraphExportBuilder', () => {
  it('writes exactly what graphology exports for the same graph, and graphology reads it back', () => {
    const g = new DirectedGraph();
    const b = new GraphExportBuilder<Record<string, unknown>, Record<string, unknown>>();
    for (const [key, attrs] of [['a', { kind: 'task' }], ['b', {}], ['c', { kind: 'pod', plan: { nodes: [] } }]] as const) {
      g.addNode(key, { ...attrs });
      b.addNode(key, { ...attrs });
    }
    for (const [s, t, type] of [['a', 'b', 'sequence'], ['b', 'c', 'dependsOn'], ['c', 'c', 'ring']]) {
      g.addDirectedEdgeWithKey(`${s}->${t}`, s, t, { type });
      b.addDirectedEdgeOnce(s, t, { type });
    }
    expect(b.export()).toEqual(g.export());
    expect(DirectedGraph.from(b.export()).order).toBe(3);
    expect(b.hasDirectedEdge('a', 'b')).toBe(true);
    expect(b.hasDirectedEdge('b', 'a')).toBe(false);
    expect(() => b.addNode('a', {})).toThrow(/already exists/);
  });
});
