/**
 * The Plan document: the compiled flow as plain JSON. `graph` is a graphology export
 * (nodes are steps keyed by step id, edges are dependencies and data flow) with nested
 * plans for pods and `use` units in the node's `plan` attribute. It is deterministic for
 * the same input. The tree the pattern engine walks (CompiledFlow.root) is not part of it:
 * runs compile their flow themselves, and a 100,000-step plan would be twice as large.
 */
import { imageText, inputFrom } from '../flow/task-parts.ts';
import type { SerializedGraph } from 'graphology-types';
import { GraphExportBuilder, hasOwnKey } from './graph-export-builder.ts';
import type { InputSpec, JsonValue } from '../flow/types.ts';
import type { CompiledFlow } from './compile.ts';
import { joinId, type PlanNode } from './plan-node.ts';

export interface StepAttributes {
  kind: PlanNode['kind'];
  label: string;
  parent: string | null;
  image?: string;
  traversal?: string;
  ref?: string;
  plan?: SerializedGraph<StepAttributes, EdgeAttributes>;
  /** a task's, generate step's or use unit's declared inputs: name -> `"step:output"` as written (for the web UI's step panel) */
  inputs?: Record<string, string>;
}

export interface EdgeAttributes {
  type: 'sequence' | 'dependsOn' | 'data' | 'ring';
}

export type PlanGraph = SerializedGraph<StepAttributes, EdgeAttributes>;

export interface PlanDocument {
  apiVersion: 'strata/v1';
  kind: 'Plan';
  metadata: { name: string; version: string };
  params: Record<string, JsonValue>;
  stepCount: number;
  graph: PlanGraph;
}

export function toPlanDocument(c: CompiledFlow): PlanDocument {
  return {
    apiVersion: 'strata/v1',
    kind: 'Plan',
    metadata: { name: c.name, version: c.version },
    params: c.params,
    stepCount: c.stepIds.length,
    graph: planGraph(c.root, ''),
  };
}

/** The graphology graph of one unit (the flow, a pod's inside, a use unit), as an export. */
export function planGraph(root: PlanNode, rootId: string): PlanGraph {
  const g = new GraphExportBuilder<StepAttributes, EdgeAttributes>();
  addNode(g, root, joinId(rootId, root.seg), null, true);
  return g.export();
}

function addNode(g: GraphExportBuilder<StepAttributes, EdgeAttributes>, n: PlanNode, id: string, parent: string | null, unitRoot = false): void {
  const isStep = !(unitRoot && n.seg === '');
  if (isStep) {
    const attrs: StepAttributes = { kind: n.kind, label: n.seg || n.kind, parent };
    if (n.kind === 'task' || n.kind === 'generate') attrs.image = imageText(n.task.image);
    const inputs = n.kind === 'task' || n.kind === 'generate' ? inputsAsWritten(n.task.inputs) : n.kind === 'use' && n.inputs && hasOwnKey(n.inputs) ? n.inputs : undefined;
    if (inputs) attrs.inputs = inputs;
    if (n.kind === 'graph') attrs.traversal = n.traversal;
    if (n.kind === 'use') attrs.ref = n.ref;
    if (n.kind === 'pod') attrs.plan = planGraph(n.body, id);
    if (n.kind === 'use') attrs.plan = planGraph(n.body, id);
    g.addNode(id, attrs);
  }
  const own = isStep ? id : parent;
  switch (n.kind) {
    case 'sequence': {
      let before: string | undefined;
      for (const c of n.children) {
        const cid = joinId(id, c.seg);
        addNode(g, c, cid, own);
        if (before !== undefined) link(g, before, cid, 'sequence');
        before = cid;
      }
      return;
    }
    case 'graph':
      for (const c of n.children) addNode(g, c, joinId(id, c.seg), own);
      for (const c of n.children) {
        if (!c.deps) continue;
        const cid = joinId(id, c.seg);
        // cid was added just above (a graph's children are steps): only the dependency is looked up.
        for (const d of c.deps) {
          const from = joinId(id, d);
          if (g.hasNode(from)) g.addDirectedEdgeOnce(from, cid, { type: 'dependsOn' });
        }
      }
      return;
    case 'fanOut':
      return addNode(g, n.body, joinId(id, '*'), own);
    case 'fanIn': {
      // The joined sibling shares this step's container: swap the last segment. `parent` will not do,
      // it is null at a pod's or unit's root although the ids there start with the pod's id.
      const container = id.slice(0, id.length - n.seg.length).replace(/\/$/, '');
      link(g, joinId(container, n.from), id, 'data');
      return addNode(g, n.body, id, own, true);
    }
    case 'use':
      // A plan or run asked for by name (`{ use, with }`): its root is the flow's `use`, no step
      // of its own, whose unit's steps are the plan's (tester 15: the graph was empty).
      if (!isStep) addNode(g, n.body, id, own, true);
      return;
    case 'cycle': {
      const ids = n.ring.map((m) => joinId(id, m.seg));
      n.ring.forEach((m, i) => addNode(g, m, ids[i], own));
      for (let i = 0; i < ids.length; i++) link(g, ids[i], ids[(i + 1) % ids.length], 'ring');
      return;
    }
    default:
      return;
  }
}

/** An edge between two steps of the graph, once. An explicit key: graphology's generated keys carry a per-instance counter, so exports would differ run to run. */
function link(g: GraphExportBuilder<StepAttributes, EdgeAttributes>, a: string, b: string, type: EdgeAttributes['type']): void {
  if (g.hasNode(a) && g.hasNode(b)) g.addDirectedEdgeOnce(a, b, { type });
}

/**
 * A task's declared inputs as `"step:output"` texts, keys in their order; undefined for none
 * (no key: nothing is made). Inputs all written as such texts (a generated tree's) are
 * `inputs` itself, not copied: the same JSON (its own keys in the same order), and 100,000
 * entries of a 100,000-node tree not inserted again. Otherwise a copy without a prototype (a
 * key `__proto__` stays a key), so a dictionary from the start: a generated tree's nodes
 * each have input names of their own (hierarchy.ts says why).
 */
function inputsAsWritten(inputs: Record<string, InputSpec> | undefined): Record<string, string> | undefined {
  if (!inputs) return undefined;
  let texts = !Array.isArray(inputs);
  let any = false;
  for (const k in inputs) {
    if (!Object.hasOwn(inputs, k)) continue;
    any = true;
    if (typeof inputs[k] !== 'string') {
      texts = false;
      break;
    }
  }
  if (!any) return undefined;
  if (texts) return inputs as Record<string, string>;
  let out: Record<string, string> | undefined;
  for (const k of Object.keys(inputs)) (out ??= Object.create(null) as Record<string, string>)[k] = inputFrom(inputs[k]);
  return out;
}

