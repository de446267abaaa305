/**
 * Builds a graphology export (the serialized form of a DirectedGraph) directly: the same
 * JSON that `new DirectedGraph()` ... `.export()` gives, without the graph in between,
 * which for a 100,000-step plan costs as much as compiling it. `DirectedGraph.from()`
 * reads it back (tested against graphology itself in test/plan/graph-export-builder.test.ts).
 */
import type { SerializedGraph } from 'graphology-types';

export class GraphExportBuilder<N extends object, E extends object> {
  private readonly nodes: Array<{ key: string; attributes?: N }> = [];
  private readonly keys = new Set<string>();
  private readonly edgeKeys = new Set<string>();
  private readonly edges: Array<{ key: string; source: string; target: string; attributes?: E }> = [];

  hasNode(key: string): boolean {
    return this.keys.has(key);
  }

  addNode(key: string, attributes: N): void {
    if (this.keys.has(key)) throw new Error(`node "${key}" already exists`);
    this.keys.add(key);
    this.nodes.push(hasOwnKey(attributes) ? { key, attributes } : { key });
  }

  hasDirectedEdge(source: string, target: string): boolean {
    return this.edgeKeys.has(`${source}->${target}`);
  }

  /**
   * Add the edge `source->target` (its key) unless there is one already; true when added.
   * The key is written once and hashed once (a 100,000-step plan has as many edges).
   */
  addDirectedEdgeOnce(source: string, target: string, attributes: E): boolean {
    const key = `${source}->${target}`;
    const size = this.edgeKeys.size;
    this.edgeKeys.add(key);
    if (this.edgeKeys.size === size) return false;
    this.edges.push({ key, source, target, attributes });
    return true;
  }

  export(): SerializedGraph<N, E> {
    return { options: { type: 'directed', multi: false, allowSelfLoops: true }, attributes: {}, nodes: this.nodes, edges: this.edges } as unknown as SerializedGraph<N, E>;
  }
}

/** Whether `o` has an own enumerable key, without listing them (an array a node, 100,000 in a big plan). */
export function hasOwnKey(o: object): boolean {
  for (const k in o) if (Object.hasOwn(o, k)) return true;
  return false;
}
