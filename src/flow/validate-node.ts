/**
 * Structural validation of flow nodes: every problem of a node tree at once, each with
 * its path (`spec.root.graph.nodes.b.dependsOn[0]`). Pure: data in, problems out.
 */
import type { Problem } from '../errors/strata-error.ts';
import { evaluate, readsData, truthy, validateLogic } from '../logic/json-logic.ts';
import { validateValues } from '../logic/logic-values.ts';
import { validateGuard } from '../logic/guard.ts';
import { LIMIT_VARIABLES, type Limits } from './limits.ts';
import { check } from './zod-problems.ts';
import { ID_PATTERN, REF_PATTERN, taskSchema } from './task-schema.ts';
import { outputsSchema, useInputsSchema } from './task-io-schema.ts';
import { PATTERN_KEYS, type PatternKey } from './types.ts';
import { findCycleByIndex } from './find-cycle.ts';
import { didYouMean } from './nearest.ts';
import { validateContinueOn, validateDependencies, validateRetry } from './validate-handling.ts';
import { paramNameProblems } from './param-names.ts';
import { appendAll } from './append-all.ts';
import { COMPUTED_SECONDS, isComputedSeconds, isSeconds, literalSeconds } from './duration.ts';
import { computed } from './computed-schema.ts';

const COMMON_KEYS = new Set(['id', 'when', 'retries', 'retry', 'retryWhole', 'timeout', 'outputs', 'dependsOn', 'depends', 'continueOn', 'onExit']);
const EXTRA_KEYS: Record<string, Set<string>> = { use: new Set(['with', 'inputs']) };

export interface NodeContext {
  limits: Limits;
  problems: Problem[];
  count: number;
  /** inside a pod's flow: pods may not nest */
  inPod: boolean;
  /** `as` names of the fan-outs around the node being validated, with their paths */
  fanOuts?: Array<{ as: string; path: string }>;
}

/** Names json-logic already gives a step: a fan-out's `as` may not hide them. */
const RESERVED_AS = new Set(['params', 'results', 'round', 'outputs', 'last', 'items', 'attempt', 'exit', 'inputs', 'steps', 'run']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validate a node and everything beneath it. `inGraph` allows `dependsOn`. */
export function validateNode(node: unknown, path: string, ctx: NodeContext, depth: number, inGraph = false): void {
  const { problems } = ctx;
  if (++ctx.count > ctx.limits.maxNodes) {
    if (ctx.count === ctx.limits.maxNodes + 1) problems.push({ path, message: `more than ${ctx.limits.maxNodes} nodes in one document, the limit (${LIMIT_VARIABLES.maxNodes})`, limit: LIMIT_VARIABLES.maxNodes });
    return;
  }
  if (depth > ctx.limits.maxDepth) {
    problems.push({ path, message: `nodes nested more than ${ctx.limits.maxDepth} levels deep, the limit (${LIMIT_VARIABLES.maxDepth})`, limit: LIMIT_VARIABLES.maxDepth });
    return;
  }
  if (!isObj(node)) {
    problems.push({ path, message: `must be a node (an object with one of ${PATTERN_KEYS.join(', ')})` });
    return;
  }
  // Counted in a loop, the list made only when it is not one: a filter's closure and array for every node of a million.
  let pattern: PatternKey | undefined;
  let found = 0;
  for (const k of PATTERN_KEYS) if (k in node && found++ === 0) pattern = k;
  if (pattern === undefined) {
    // Name what was written instead of a pattern key: `teleport` is reported as itself.
    const strangers = Object.keys(node).filter((k) => !COMMON_KEYS.has(k) && k !== 'with');
    if (strangers.length === 0) problems.push({ path, message: `a node needs exactly one of ${PATTERN_KEYS.join(', ')}; found none` });
    for (const k of strangers) {
      problems.push({ path: `${path}.${k}`, message: `unknown key "${k}"${didYouMean(k, [...PATTERN_KEYS, ...COMMON_KEYS])}: a node needs exactly one of ${PATTERN_KEYS.join(', ')}` });
    }
    return;
  }
  if (found !== 1) {
    problems.push({ path, message: `a node has exactly one pattern key; found ${PATTERN_KEYS.filter((k) => k in node).join(' and ')}` });
    return;
  }
  for (const key of Object.keys(node)) {
    if (key === pattern || COMMON_KEYS.has(key) || EXTRA_KEYS[pattern]?.has(key)) continue;
    problems.push({ path: `${path}.${key}`, message: `unknown key "${key}"${didYouMean(key, [...COMMON_KEYS, ...(EXTRA_KEYS[pattern] ?? [])])}` });
  }
  validateCommon(node, path, ctx, inGraph, depth);
  if ('retryWhole' in node) {
    // A leaf's attempts are `retry`'s; a composite's whole runs again.
    if (pattern === 'task' || pattern === 'generate' || pattern === 'pod') problems.push({ path: `${path}.retryWhole`, message: `runs a composite again whole; a ${pattern} takes retry` });
    else if (node.retryWhole !== 'inherit') validateRetry(node.retryWhole, `${path}.retryWhole`, problems);
  }
  const p = `${path}.${pattern}`;
  const body = node[pattern];
  switch (pattern) {
    case 'task':
    case 'generate':
      check(taskSchema, body, p, problems);
      return;
    case 'use':
      if (typeof body !== 'string' || !REF_PATTERN.test(body)) problems.push({ path: p, message: 'must be "name@version" of a registered flow' });
      if ('with' in node && !isObj(node.with)) problems.push({ path: `${path}.with`, message: 'must be an object of parameters' });
      else if ('with' in node) appendAll(problems, [...paramNameProblems(node.with, `${path}.with`), ...validateValues(node.with, `${path}.with`)]);
      if ('inputs' in node) check(useInputsSchema, node.inputs, `${path}.inputs`, problems);
      return;
    case 'sequence':
      return validateList(body, p, ctx, depth);
    case 'graph':
      return validateGraph(body, p, ctx, depth);
    case 'fanOut':
      return validateFanOut(body, p, ctx, depth);
    case 'fanIn':
      if (!isObj(body)) return void problems.push({ path: p, message: 'must be an object { from, do }' });
      unknownKeys(body, ['from', 'do'], p, problems);
      if (typeof body.from !== 'string' || body.from === '') problems.push({ path: `${p}.from`, message: 'must name the fan-out (or another sibling) whose results are joined' });
      if (!('do' in body)) problems.push({ path: `${p}.do`, message: 'is required' });
      else validateNode(body.do, `${p}.do`, ctx, depth + 1);
      return;
    case 'cycle':
      return validateCycle(body, p, ctx, depth);
    case 'pod':
      return validatePod(body, p, ctx, depth);
  }
}

function validateCommon(node: Obj, path: string, ctx: NodeContext, inGraph: boolean, depth: number): void {
  const { problems } = ctx;
  if ('id' in node && (typeof node.id !== 'string' || !ID_PATTERN.test(node.id))) {
    problems.push({ path: `${path}.id`, message: idProblem(node.id) });
  }
  if ('when' in node) appendAll(problems, validateGuard(node.when, `${path}.when`));
  if ('retries' in node && !(Number.isInteger(node.retries) && (node.retries as number) >= 0 && (node.retries as number) <= 100)) {
    problems.push({ path: `${path}.retries`, message: 'must be a whole number from 0 to 100' });
  }
  if ('retry' in node) {
    if ('retries' in node) problems.push({ path: `${path}.retry`, message: 'give retry or retries (its short form), not both' });
    validateRetry(node.retry, `${path}.retry`, problems);
  }
  if ('continueOn' in node) validateContinueOn(node.continueOn, `${path}.continueOn`, problems);
  if ('onExit' in node) validateNode(node.onExit, `${path}.onExit`, ctx, depth + 1);
  if ('timeout' in node && !isSeconds(node.timeout) && literalSeconds(node.timeout) === undefined) {
    // Text with {{ references }} (or json-logic) is resolved when the step starts (engine/deadline.ts secondsOf).
    if (isComputedSeconds(node.timeout)) check(computed(4096), node.timeout, `${path}.timeout`, problems);
    else problems.push({ path: `${path}.timeout`, message: `must be a number of seconds, more than 0 and at most a week${COMPUTED_SECONDS}` });
  }
  if ('outputs' in node) check(outputsSchema, node.outputs, `${path}.outputs`, problems);
  if (!inGraph) for (const k of ['dependsOn', 'depends']) if (k in node) problems.push({ path: `${path}.${k}`, message: `only nodes of a graph may have ${k}` });
}

function validateList(body: unknown, p: string, ctx: NodeContext, depth: number): void {
  if (!Array.isArray(body) || body.length === 0) return void ctx.problems.push({ path: p, message: 'must be a non-empty list of nodes' });
  const seen = new Map<string, number>();
  body.forEach((child, i) => {
    validateNode(child, `${p}[${i}]`, ctx, depth + 1);
    const id = isObj(child) && typeof child.id === 'string' ? child.id : String(i);
    if (seen.has(id)) ctx.problems.push({ path: `${p}[${i}].id`, message: `duplicate id "${id}" (also at [${seen.get(id)}])` });
    else seen.set(id, i);
  });
}

function validateGraph(body: unknown, p: string, ctx: NodeContext, depth: number): void {
  const { problems } = ctx;
  if (!isObj(body)) return void problems.push({ path: p, message: 'must be an object { traversal, maxParallel, nodes }' });
  unknownKeys(body, ['traversal', 'maxParallel', 'failFast', 'targets', 'outcome', 'nodes'], p, problems);
  if ('outcome' in body && body.outcome !== 'leaves') problems.push({ path: `${p}.outcome`, message: 'must be leaves (or left out)' });
  if ('failFast' in body && typeof body.failFast !== 'boolean') problems.push({ path: `${p}.failFast`, message: 'must be true or false' });
  if ('traversal' in body && !['dfs', 'bfs', 'dependency'].includes(body.traversal as string)) {
    problems.push({ path: `${p}.traversal`, message: 'must be one of dfs, bfs, dependency' });
  }
  if ('maxParallel' in body && !(Number.isInteger(body.maxParallel) && (body.maxParallel as number) >= 1)) {
    problems.push({ path: `${p}.maxParallel`, message: 'must be a whole number of at least 1' });
  }
  const nodes = isObj(body.nodes) ? body.nodes : {};
  // Listed once: listing the keys of a map of a million nodes takes a large share of validating it.
  const names = Object.keys(nodes);
  if (names.length === 0) return void problems.push({ path: `${p}.nodes`, message: 'must be a non-empty map of node name to node' });
  // Built once (a set per node would make a large graph quadratic), and the nodes numbered:
  // dependencies are kept as numbers in compressed rows (those of node i are deps[at[i]] to
  // deps[at[i + 1] - 1]) for the cycle check, not as a map of name lists.
  const index = new Map<string, number>();
  for (let i = 0; i < names.length; i++) index.set(names[i], i);
  const deps: number[] = [];
  const at = new Int32Array(names.length + 1);
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const np = `${p}.nodes.${name}`;
    if (!ID_PATTERN.test(name)) problems.push({ path: np, message: `node name "${name}" must start with a letter or digit and hold only letters, digits, "_", "-" and "."` });
    const child = nodes[name];
    validateNode(child, np, ctx, depth + 1, true);
    if (isObj(child)) {
      if (typeof child.id === 'string' && child.id !== name) problems.push({ path: `${np}.id`, message: `a graph node is named by its key "${name}"; id "${child.id}" differs` });
      validateDependencies(child, np, name, index, problems, deps);
    }
    at[i + 1] = deps.length;
  }
  if ('targets' in body) {
    const t = body.targets;
    if (isObj(t)) appendAll(problems, validateLogic(t, `${p}.targets`));
    else if (!Array.isArray(t) || t.length === 0) problems.push({ path: `${p}.targets`, message: 'must be a non-empty list of node names of this graph, or json-logic giving them when the graph starts' });
    else t.forEach((x, i) => {
      if (typeof x !== 'string' || !Object.hasOwn(nodes, x)) problems.push({ path: `${p}.targets[${i}]`, message: `no node named ${JSON.stringify(x)}${typeof x === 'string' ? didYouMean(x, names, problems.length) : ''}` });
    });
  }
  const cycle = findCycleByIndex(names.length, deps, at);
  if (cycle) problems.push({ path: `${p}.nodes`, message: `dependency cycle ${cycle.map((i) => names[i]).join(' -> ')}` });
}

function validateFanOut(body: unknown, p: string, ctx: NodeContext, depth: number): void {
  const { problems } = ctx;
  if (!isObj(body)) return void problems.push({ path: p, message: 'must be an object { over, as, concurrency, do }' });
  unknownKeys(body, ['over', 'as', 'concurrency', 'failFast', 'results', 'empty', 'do'], p, problems);
  if ('results' in body && body.results !== 'succeeded') problems.push({ path: `${p}.results`, message: 'must be succeeded (or left out)' });
  if ('empty' in body && body.empty !== 'skipped') problems.push({ path: `${p}.empty`, message: 'must be skipped (or left out: an empty list succeeds with [])' });
  if ('failFast' in body && typeof body.failFast !== 'boolean') problems.push({ path: `${p}.failFast`, message: 'must be true or false' });
  if (!('over' in body)) problems.push({ path: `${p}.over`, message: 'is required: a list, or json-logic giving a list' });
  else if (!Array.isArray(body.over)) {
    if (!isObj(body.over)) problems.push({ path: `${p}.over`, message: 'must be a list, or json-logic giving a list' });
    else appendAll(problems, validateLogic(body.over, `${p}.over`));
  }
  if ('as' in body && !(typeof body.as === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(body.as))) problems.push({ path: `${p}.as`, message: 'must be a name' });
  const as = typeof body.as === 'string' ? body.as : 'item';
  const outer = (ctx.fanOuts ??= []).find((f) => f.as === as);
  // Every enclosing item must stay readable by its own name: one name for two would hide the outer item.
  if (RESERVED_AS.has(as)) problems.push({ path: `${p}.as`, message: `"${as}" is a name json-logic already gives every step; name the item otherwise` });
  else if (outer) problems.push({ path: `${p}.as`, message: `"${as}" already names the item of the fan-out around this one (${outer.path}), which would then be hidden: give this fan-out its own as` });
  if ('concurrency' in body && !(Number.isInteger(body.concurrency) && (body.concurrency as number) >= 1)) {
    problems.push({ path: `${p}.concurrency`, message: 'must be a whole number of at least 1' });
  }
  if (!('do' in body)) problems.push({ path: `${p}.do`, message: 'is required' });
  else {
    ctx.fanOuts.push({ as, path: p });
    validateNode(body.do, `${p}.do`, ctx, depth + 1);
    ctx.fanOuts.pop();
  }
}

function validateCycle(body: unknown, p: string, ctx: NodeContext, depth: number): void {
  const { problems } = ctx;
  if (!isObj(body)) return void problems.push({ path: p, message: 'must be an object { ring, rounds | until, window, source }' });
  unknownKeys(body, ['ring', 'rounds', 'until', 'window', 'source'], p, problems);
  validateList(body.ring, `${p}.ring`, ctx, depth);
  if ('rounds' in body && !(Number.isInteger(body.rounds) && (body.rounds as number) >= 1 && (body.rounds as number) <= 1_000_000)) {
    problems.push({ path: `${p}.rounds`, message: 'must be a whole number from 1 to 1000000' });
  }
  if ('until' in body) appendAll(problems, validateGuard(body.until, `${p}.until`));
  if ('source' in body && !(typeof body.source === 'string' && /^(redis-stream|file):\/\/.+/.test(body.source))) {
    problems.push({ path: `${p}.source`, message: 'must be redis-stream://KEY or file://PATH' });
  }
  if (!('rounds' in body) && !('until' in body) && !('source' in body)) {
    problems.push({ path: p, message: 'a cycle needs rounds, until or a finite source, or it never ends' });
  } else if (!('rounds' in body) && !('source' in body) && 'until' in body && !readsData(body.until) && !holds(body.until)) {
    problems.push({ path: `${p}.until`, message: 'never holds (it reads nothing and is false), so the cycle would never end: give rounds, or an until over last, outputs, round or results' });
  }
  if ('window' in body) {
    const w = body.window;
    if (!isObj(w)) problems.push({ path: `${p}.window`, message: 'must be an object { size, ms }' });
    else {
      unknownKeys(w, ['size', 'ms'], `${p}.window`, problems);
      if ('size' in w && !(Number.isInteger(w.size) && (w.size as number) >= 1)) problems.push({ path: `${p}.window.size`, message: 'must be a whole number of at least 1' });
      if ('ms' in w && !(typeof w.ms === 'number' && w.ms > 0)) problems.push({ path: `${p}.window.ms`, message: 'must be a number of milliseconds above 0' });
    }
  }
}

function validatePod(body: unknown, p: string, ctx: NodeContext, depth: number): void {
  const { problems } = ctx;
  if (!isObj(body)) return void problems.push({ path: p, message: 'must be an object { name, flow, channels, outputs }' });
  unknownKeys(body, ['name', 'flow', 'channels', 'outputs'], p, problems);
  if ('outputs' in body) {
    const o = body.outputs;
    if (!isObj(o)) problems.push({ path: `${p}.outputs`, message: 'must be an object { parameters, exitCode }' });
    else {
      unknownKeys(o, ['parameters', 'exitCode'], `${p}.outputs`, problems);
      if ('exitCode' in o && typeof o.exitCode !== 'string') problems.push({ path: `${p}.outputs.exitCode`, message: 'must be a template over the pod\'s containers (text), e.g. "{{ steps.main.exitCode }}"' });
      const ps = o.parameters;
      if (ps !== undefined && !(isObj(ps) && Object.values(ps).every((v) => typeof v === 'string'))) problems.push({ path: `${p}.outputs.parameters`, message: 'must map each parameter name to a template over the pod\'s containers (text)' });
      else for (const k of Object.keys(ps ?? {})) if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(k) || k.length > 128) problems.push({ path: `${p}.outputs.parameters.${k}`, message: 'must be a parameter name (letters, digits, "_", "-", "."; at most 128)' });
    }
  }
  if (ctx.inPod) problems.push({ path: p, message: 'a pod cannot hold another pod: a pod\'s flow is a micro flow of containers' });
  if ('name' in body && !(typeof body.name === 'string' && ID_PATTERN.test(body.name))) problems.push({ path: `${p}.name`, message: 'must be a name' });
  if ('channels' in body) {
    const c = body.channels;
    if (!isObj(c)) problems.push({ path: `${p}.channels`, message: 'must be an object { scratch, scratchSize, ipc }' });
    else {
      unknownKeys(c, ['scratch', 'scratchSize', 'ipc'], `${p}.channels`, problems);
      if ('scratch' in c && !['memory', 'disk'].includes(c.scratch as string)) problems.push({ path: `${p}.channels.scratch`, message: 'must be memory or disk' });
      if ('ipc' in c && !(Array.isArray(c.ipc) && c.ipc.every((x) => typeof x === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(x)))) {
        problems.push({ path: `${p}.channels.ipc`, message: 'must be a list of socket or FIFO names' });
      }
    }
  }
  if (!('flow' in body)) return void problems.push({ path: `${p}.flow`, message: 'is required: the micro flow of the pod\'s containers' });
  const inPod = ctx.inPod;
  ctx.inPod = true;
  validateNode(body.flow, `${p}.flow`, ctx, depth + 1);
  ctx.inPod = inPod;
}

/** A constant expression's truth; an expression that fails to evaluate counts as holding (validateLogic names its problem). */
function holds(expr: unknown): boolean {
  try {
    return truthy(evaluate(expr as never, {}));
  } catch {
    return true;
  }
}

function unknownKeys(obj: Obj, allowed: string[], p: string, problems: Problem[]): void {
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) problems.push({ path: `${p}.${k}`, message: `unknown key "${k}"${didYouMean(k, allowed)}` });
}

/** Why `id` is not a node id, in one sentence: too long, or which characters it may hold. */
export function idProblem(id: unknown): string {
  if (typeof id !== 'string') return 'must be a string';
  if (id.length > 63) return `is ${id.length} characters long; an id has at most 63`;
  return 'must start with a letter or digit and hold only letters, digits, "_", "-" and "."; "/" and "#" are reserved for step ids';
}
