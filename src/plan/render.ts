/** Render a plan graph as Graphviz DOT or Mermaid; composites become clusters/subgraphs. */
import type { PlanGraph, StepAttributes } from './plan-document.ts';

interface Tree {
  children: Map<string | null, string[]>;
  attrs: Map<string, StepAttributes>;
}

function treeOf(graph: PlanGraph, prefix: string, tree: Tree, parentOverride: string | null): void {
  for (const n of graph.nodes) {
    const key = prefix + n.key;
    const a = n.attributes!;
    tree.attrs.set(key, a);
    const parent = a.parent === null ? parentOverride : prefix + a.parent;
    if (!tree.children.has(parent)) tree.children.set(parent, []);
    tree.children.get(parent)!.push(key);
    if (a.plan) treeOf(a.plan, prefix, tree, key);
  }
}

function allEdges(graph: PlanGraph, out: Array<{ source: string; target: string; type: string }>): void {
  for (const e of graph.edges) out.push({ source: e.source, target: e.target, type: e.attributes!.type });
  for (const n of graph.nodes) if (n.attributes!.plan) allEdges(n.attributes!.plan, out);
}

const COMPOSITE = new Set(['sequence', 'graph', 'fanOut', 'fanIn', 'cycle', 'use', 'pod']);

function label(key: string, a: StepAttributes): string {
  const detail = a.image ?? a.ref ?? a.traversal ?? '';
  // A real newline: JSON.stringify writes it as DOT's `\n` escape; Mermaid gets `<br/>`.
  return `${key || '(root)'}\n${a.kind}${detail ? ` ${detail}` : ''}`;
}

export function renderDot(graph: PlanGraph, name = 'plan'): string {
  const tree: Tree = { children: new Map(), attrs: new Map() };
  treeOf(graph, '', tree, null);
  const ids = new Map<string, string>();
  let n = 0;
  const idOf = (k: string) => ids.get(k) ?? (ids.set(k, `s${n++}`), ids.get(k)!);
  const lines = [`digraph ${JSON.stringify(name)} {`, '  rankdir=TB;', '  node [shape=box, fontname="Helvetica"];'];
  const walk = (parent: string | null, indent: string) => {
    for (const key of tree.children.get(parent) ?? []) {
      const a = tree.attrs.get(key)!;
      const kids = tree.children.get(key);
      if (COMPOSITE.has(a.kind) && kids && kids.length > 0) {
        lines.push(`${indent}subgraph cluster_${idOf(key)} {`, `${indent}  label=${JSON.stringify(label(key, a).replace('\n', ' '))};`);
        lines.push(`${indent}  ${idOf(key)} [label=${JSON.stringify(label(key, a))}, shape=point];`);
        walk(key, indent + '  ');
        lines.push(`${indent}}`);
      } else {
        lines.push(`${indent}${idOf(key)} [label=${JSON.stringify(label(key, a))}];`);
      }
    }
  };
  walk(null, '  ');
  const edges: Array<{ source: string; target: string; type: string }> = [];
  allEdges(graph, edges);
  for (const e of edges) lines.push(`  ${idOf(e.source)} -> ${idOf(e.target)}${e.type === 'sequence' || e.type === 'dependsOn' ? '' : ` [style=dashed, label=${JSON.stringify(e.type)}]`};`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

export function renderMermaid(graph: PlanGraph): string {
  const tree: Tree = { children: new Map(), attrs: new Map() };
  treeOf(graph, '', tree, null);
  const ids = new Map<string, string>();
  let n = 0;
  const idOf = (k: string) => ids.get(k) ?? (ids.set(k, `s${n++}`), ids.get(k)!);
  const text = (s: string) => s.replace(/"/g, '#quot;').replace(/\n/g, '<br/>');
  const lines = ['flowchart TD'];
  const walk = (parent: string | null, indent: string) => {
    for (const key of tree.children.get(parent) ?? []) {
      const a = tree.attrs.get(key)!;
      const kids = tree.children.get(key);
      if (COMPOSITE.has(a.kind) && kids && kids.length > 0) {
        lines.push(`${indent}subgraph ${idOf(key)}["${text(label(key, a))}"]`);
        walk(key, indent + '  ');
        lines.push(`${indent}end`);
      } else {
        lines.push(`${indent}${idOf(key)}["${text(label(key, a))}"]`);
      }
    }
  };
  walk(null, '  ');
  const edges: Array<{ source: string; target: string; type: string }> = [];
  allEdges(graph, edges);
  for (const e of edges) lines.push(`  ${idOf(e.source)} ${e.type === 'sequence' || e.type === 'dependsOn' ? '-->' : `-.${e.type}.->`} ${idOf(e.target)}`);
  return lines.join('\n') + '\n';
}
