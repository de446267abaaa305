/**
 * hierarchy: a tree Dataset becomes a graph whose steps follow the tree. Each tree node is
 * one step keyed by its id; its operation is chosen per level (the level's `operation`
 * looked up in `with.operations`, or `with.task` evaluated per node). Data flows along
 * the tree: `direction: up` (default) runs children first and hands their `out` to the
 * parent as inputs `child.<id>`; `down` runs the parent first and hands its `out` to
 * each child as input `parent`. Placement `pod-per-node` makes every node a pod (macro);
 * `subtree-per-pod` processes each maximal subtree of at most `threshold` nodes inside
 * one pod (micro, data kept on the pod's scratch disk). A tree without an inline root
 * is first read from its location by a `generate` step (self-bootstrap). `with.before`
 * and `with.after` are nodes run before and after the tree (the tree is then the step `tree`).
 */
import type { Dataset, TreeNode } from '../src/dataset/dataset-document.ts';
import type { FlowNode, GraphSpec, InputSpec, JsonValue, TaskSpec } from '../src/flow/types.ts';
import { artifactNames, artifactsOf } from '../src/flow/task-parts.ts';
import type { Generator, GeneratorContext } from '../src/rules/generator.ts';
import { invalid, type Problem } from '../src/errors/strata-error.ts';
import { intParam, oneOf, operationNode } from './operation.ts';
import { appendAll } from '../src/flow/append-all.ts';

interface Info {
  node: TreeNode;
  parent: Info | undefined;
  depth: number;
  size: number;
  children: Info[];
}

export const hierarchy: Generator = {
  name: 'hierarchy',
  description: 'a tree of data to a graph of steps following the tree, per-level operations, macro or subtree-per-pod placement',
  generate(dataset, params, ctx) {
    const traversal = oneOf(params, 'traversal', ['dfs', 'bfs', 'dependency'] as const, 'dependency');
    const direction = oneOf(params, 'direction', ['up', 'down'] as const, 'up');
    const placement = oneOf(params, 'placement', ['pod-per-node', 'subtree-per-pod'] as const, 'pod-per-node');
    const threshold = intParam(params, 'threshold', 50)!;
    const maxParallel = intParam(params, 'maxParallel', undefined);
    const root = dataset.spec.root;
    if (!root) return readTreeFirst(dataset);
    const tree = index(root);
    const levels = dataset.spec.levels ?? [];
    if (params.task === undefined) checkOperations(tree, levels, params);
    // One operation serves many tree nodes: turn each into a node (and check it) once.
    const bases = new Map<unknown, FlowNode>();
    const baseFor = (chosen: JsonValue | undefined, id: string): FlowNode => {
      let b = bases.get(chosen ?? null);
      if (!b) bases.set(chosen ?? null, (b = operationNode(chosen, `with.operations (tree node ${id})`)));
      return b;
    };
    const atDepth: Array<{ base: FlowNode; outputs: TaskSpec['outputs'] } | undefined> = [];
    // The end of a node's STRATA_NODE text a level, after its id (`","level":"b","depth":2}`).
    const nodeTextEnd: string[] = [];
    const stepFor = (info: Info): FlowNode => {
      const level = levels[info.depth];
      const levelName = level?.name ?? `level${info.depth}`;
      // The node's data as the program reads it (STRATA_NODE) and `with.task` is evaluated with.
      // A node of an id and children only (the common tree) has its text written directly:
      // what JSON.stringify gives its { id, level, depth }, without that object made and walked.
      let nodeData: Record<string, JsonValue> | undefined;
      let nodeText: string | undefined;
      if (params.task === undefined && plainNode(info.node)) {
        nodeText = `{"id":"${info.node.id}${(nodeTextEnd[info.depth] ??= `",${JSON.stringify({ level: levelName, depth: info.depth }).slice(1)}`)}`;
      } else {
        nodeData = attrs(info.node);
        nodeData.level = levelName;
        nodeData.depth = info.depth;
      }
      let base: FlowNode;
      let outputs: TaskSpec['outputs'];
      if (params.task !== undefined) base = operationNode(ctx.evaluate(params.task, nodeData!), `with.task (tree node ${info.node.id})`);
      else {
        // Every node of a level runs the same operation: chosen, and its outputs with `out` made, once a level.
        let at = atDepth[info.depth];
        if (!at) {
          const b = baseFor(chooseOperation(params, level?.operation, level?.name), info.node.id);
          atDepth[info.depth] = at = { base: b, outputs: 'task' in b ? withArtifact(b.task.outputs, 'out') : undefined };
        }
        base = at.base;
        outputs = at.outputs;
      }
      if (!('task' in base)) return structuredClone(base);
      const t = base.task;
      const task = fieldsOf(t);
      nodeText ??= JSON.stringify(nodeData);
      task.env = t.env ? { ...t.env, STRATA_NODE: nodeText } : { STRATA_NODE: nodeText };
      task.outputs = outputs ?? withArtifact(t.outputs, 'out');
      // Made only for a node that has inputs (a tree's leaves, nine in ten nodes, have none).
      // Without a prototype, so a dictionary from the start: each node's inputs have names of
      // their own (child.<id>), and an object literal given them made V8 a hidden class per
      // name, 100,000 for a 100,000-node tree (kept, and walked by every copy after).
      if (t.inputs || (direction === 'up' ? info.children.length > 0 : info.parent)) {
        const inputs: Record<string, InputSpec> = Object.create(null) as Record<string, InputSpec>;
        let any = false;
        if (t.inputs) for (const k in t.inputs) if (Object.hasOwn(t.inputs, k)) (inputs[k] = t.inputs[k]), (any = true);
        if (direction === 'up') for (const c of info.children) (inputs[`child.${c.node.id}`] = `${pathOf(c)}:out`), (any = true);
        else if (info.parent) (inputs.parent = `${pathOf(info.parent)}:out`), (any = true);
        if (any) task.inputs = inputs;
      }
      return { task };
    };
    // Where each tree node's step lives: pod roots own their subtree.
    const podOf = new Map<Info, Info>();
    if (placement === 'subtree-per-pod') choosePods(tree, threshold, podOf);
    // With steps before or after the tree, the tree's graph is the step `tree`.
    const before = params.before !== undefined ? operationNode(params.before, 'with.before') : undefined;
    const after = params.after !== undefined ? operationNode(params.after, 'with.after') : undefined;
    const top = before || after ? 'tree/' : '';
    // No pods (pod-per-node): every tree node is a step of the one graph, and no lookup is made for it.
    const pods = podOf.size > 0;
    const pathOf = (info: Info): string => {
      const pod = pods ? podOf.get(info) : undefined;
      return top + (pod ? `${pod.node.id}/${info.node.id}` : info.node.id);
    };
    const graphOf = (members: Info[], prefix: string): GraphSpec => {
      const nodes: Record<string, FlowNode> = {};
      const inGraph = pods ? new Set(members) : undefined;
      const has = (i: Info) => !inGraph || inGraph.has(i) || (prefix === '' && podOf.get(i) === i);
      for (const info of members) {
        const step = pods && podOf.get(info) === info && prefix === '' ? podNode(info) : stepFor(info);
        // An array only for a node with dependencies (a leaf's children are none).
        let deps: string[] | undefined;
        if (direction === 'up') {
          for (const c of info.children) if (has(c)) (deps ??= []).push(c.node.id);
        } else if (info.parent && has(info.parent)) deps = [info.parent.node.id];
        if (deps) step.dependsOn = deps;
        nodes[info.node.id] = step;
      }
      return { traversal, ...(maxParallel ? { maxParallel } : {}), nodes };
    };
    const podNode = (podRoot: Info): FlowNode => {
      const members: Info[] = [];
      walk(podRoot, (i) => members.push(i));
      return { pod: { name: podRoot.node.id, flow: { graph: graphOf(members, podRoot.node.id) }, channels: { scratch: 'memory' } } };
    };
    const macro: Info[] = [];
    walk(tree, (i) => {
      const pod = podOf.get(i);
      if (!pod || pod === i) macro.push(i);
    });
    const graph: FlowNode = { graph: graphOf(macro, '') };
    if (!top) return graph;
    return { sequence: [...(before ? [{ ...before, id: before.id ?? 'before' }] : []), { ...graph, id: 'tree' }, ...(after ? [{ ...after, id: after.id ?? 'after' }] : [])] };
  },
};

/**
 * Every level of the tree must find an operation before anything is built; one that finds
 * none is named with both places one can be given (the Dataset's level, the rule's with).
 */
function checkOperations(tree: Info, levels: NonNullable<Dataset['spec']['levels']>, params: Record<string, JsonValue>): void {
  const depths = new Map<number, string>(); // depth -> id of its first tree node
  walk(tree, (i) => void (depths.has(i.depth) || depths.set(i.depth, i.node.id)));
  const ops = params.operations;
  const known = ops && typeof ops === 'object' && !Array.isArray(ops) ? Object.keys(ops) : [];
  const problems: Problem[] = [];
  for (const [depth, first] of depths) {
    const level = levels[depth];
    if (chooseOperation(params, level?.operation, level?.name) !== undefined) continue;
    const where = level ? `spec.levels[${depth}] (${level.name})` : `tree depth ${depth}`;
    const has = known.length > 0 ? `; it has ${known.map((k) => `"${k}"`).join(', ')}` : '';
    const message = level?.operation !== undefined
      ? `operation "${level.operation}" (tree node ${first} and its level) is not in the rule's with.operations${has}: add with.operations.${level.operation}, or a with.operations.default`
      : `no operation for tree node ${first} and its level: ${level ? `the Dataset names none (spec.levels[${depth}].operation) and` : 'spec.levels has no entry for this depth and'} the rule's with.operations has no ${level ? `"${level.name}" or ` : ''}"default" entry${has}; name one in the Dataset's spec.levels[${depth}].operation and give it in the rule's with.operations, or add with.operations.default`;
    problems.push({ path: where, message });
  }
  if (problems.length > 0) throw invalid(problems);
}

function chooseOperation(params: Record<string, JsonValue>, operation: string | undefined, level: string | undefined): JsonValue | undefined {
  const ops = (params.operations ?? {}) as Record<string, JsonValue>;
  if (typeof ops !== 'object' || ops === null || Array.isArray(ops)) return undefined;
  return (operation !== undefined ? ops[operation] : undefined) ?? (level !== undefined ? ops[level] : undefined) ?? ops.default;
}

/** An id JSON writes as it is between quotes (letters, digits, `_`, `.`, `-`: a valid tree node id). */
const PLAIN_ID = /^[A-Za-z0-9_.-]+$/;

/** Whether tree node `n` has nothing but an id that JSON writes as it is, and children: its STRATA_NODE text can be written without JSON.stringify. */
function plainNode(n: TreeNode): boolean {
  for (const k in n) if (k !== 'id' && k !== 'children') return false;
  return typeof n.id === 'string' && PLAIN_ID.test(n.id);
}

function attrs(n: TreeNode): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const k in n) if (k !== 'children') out[k] = n[k] as JsonValue;
  return out;
}

/**
 * A copy of task `t`'s own fields, in their order, made field by field: what `{ ...t }`
 * gives (fields set after it keep their place), in about half the memory. A spread followed
 * by more fields made V8 an object of about 400 bytes more, for each task of a 100,000-node
 * tree. A field named `__proto__` (JSON can hold one) is copied by the spread, which defines it.
 */
function fieldsOf(t: TaskSpec): TaskSpec {
  if (Object.hasOwn(t, '__proto__')) return { ...t };
  const o: Record<string, unknown> = {};
  for (const k in t) if (Object.hasOwn(t, k)) o[k] = t[k as keyof TaskSpec];
  return o as unknown as TaskSpec;
}

/** Index the tree iteratively (no recursion limit), with subtree sizes. */
function index(root: TreeNode): Info {
  const top: Info = { node: root, parent: undefined, depth: 0, size: 1, children: [] };
  const order: Info[] = [];
  const stack = [top];
  while (stack.length > 0) {
    const info = stack.pop()!;
    order.push(info);
    const children = info.node.children;
    if (children) for (const c of children) {
      const ci: Info = { node: c, parent: info, depth: info.depth + 1, size: 1, children: [] };
      info.children.push(ci);
      stack.push(ci);
    }
  }
  for (let i = order.length - 1; i > 0; i--) order[i].parent!.size += order[i].size;
  return top;
}

/** Pre-order walk, children in declared order. */
function walk(root: Info, visit: (i: Info) => void): void {
  const stack = [root];
  while (stack.length > 0) {
    const i = stack.pop()!;
    visit(i);
    for (let k = i.children.length - 1; k >= 0; k--) stack.push(i.children[k]);
  }
}

/** Each maximal subtree of 2..threshold nodes becomes one pod. */
function choosePods(root: Info, threshold: number, podOf: Map<Info, Info>): void {
  const stack = [root];
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (i.size <= threshold && i.size >= 2) walk(i, (m) => podOf.set(m, i));
    else appendAll(stack, i.children);
  }
}

/** No inline tree: a generate step reads it from the location and emits the Dataset with its root. */
function readTreeFirst(dataset: Dataset): FlowNode {
  return {
    id: 'read-tree',
    generate: { image: 'strata/tree-reader', args: [dataset.spec.location ?? '', JSON.stringify(dataset)] },
  };
}

export type { GeneratorContext };

/** `outputs` with artifact `name` among its artifacts (in the form it was written in). */
function withArtifact(outputs: TaskSpec['outputs'], name: string): TaskSpec['outputs'] {
  if (artifactNames(outputs).includes(name)) return outputs;
  if (outputs === undefined || Array.isArray(outputs)) return [...(outputs ?? []), name];
  return { ...outputs, artifacts: [...artifactsOf(outputs), name] };
}
