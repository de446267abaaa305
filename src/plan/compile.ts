/**
 * The plan compiler: a validated Flow to a tree of PlanNodes with step ids worked out
 * (DESIGN.md section 3, Step ids), `use` units resolved through a resolver, `use`
 * cycles and id collisions rejected with their paths. Pure: the resolver is a lookup in
 * flows already loaded (see load-units.ts for the async side).
 */
import { literalSeconds } from '../flow/duration.ts';
import { invalid, pastLimit, type Problem } from '../errors/strata-error.ts';
import { DEFAULT_LIMITS, LIMIT_VARIABLES, limitText, type Limits } from '../flow/limits.ts';
import { patternOf, type FlowDocument, type FlowNode, type Computed, type JsonValue, type TaskSpec } from '../flow/types.ts';
import { checkReferences, expressionRefs, type KnownSteps, type Reference } from './check-references.ts';
import { didYouMean, suggesting } from '../flow/nearest.ts';
import { undeclaredParamProblems } from '../flow/undeclared-params.ts';
import { inputFrom, parametersOf } from '../flow/task-parts.ts';
import { checkTemplateFields, checkTemplates, declaredParams, templateFree, type TemplateScope } from './check-templates.ts';
import { conditionNodes, dependsOnCondition, handledFailures, isPlain, parseDepends, type FailureKind } from '../flow/depends.ts';
import { retryPlan } from './retry-plan.ts';
import { untargeted } from './targets.ts';
import { joinId, POD_OUTPUTS_READER, type PlanNode } from './plan-node.ts';
import { appendAll } from '../flow/append-all.ts';

/** Looks up a registered flow by `name@version`; undefined when there is none. */
export type Resolver = (ref: string) => FlowDocument | undefined;

export interface CompiledFlow {
  name: string;
  version: string;
  params: Record<string, JsonValue>;
  root: PlanNode;
  /** every step id known before running, in plan order; `*` stands for a fan-out item or a round */
  stepIds: string[];
}

interface Ctx {
  resolve: Resolver;
  limits: Limits;
  problems: Problem[];
  units: string[];
  inPod: string | undefined;
  order: string[];
  /** the step id of the unit root plain step paths start from */
  unitId: string;
  /** the pod being compiled ('' at macro level) */
  podId: string;
  refs: Reference[];
  known: KnownSteps;
  /** what a task's templates may name where the node being compiled sits */
  tscope: TemplateScope;
  /** the artifacts the unit being compiled declares as its inputs (`":name"` reads one) */
  unitInputs: string[];
  /** a node with a `when` is on the way from the unit's root to the node being compiled */
  guarded: boolean;
  /** some unit uses the compiled flow itself again */
  recursesToRoot?: boolean;
  /** the flow being compiled */
  root: FlowDocument;
  /** the root is a request by name's wrapper (use-request.ts): no unit of its own, so `units` starts empty */
  request: boolean;
  /** items of the literal fan-outs around the node being compiled, multiplied (1 outside any) */
  items?: number;
}

/** How a flow is compiled, beside its units and limits. */
export interface CompileOptions {
  /**
   * `doc` is a request by name's wrapper (flow/use-request.ts), as its maker says
   * (api/flow-from-body.ts), never as its name says: no unit of its own, so the flow it uses
   * nests its units (STRATA_MAX_UNIT_DEPTH) as when run itself.
   */
  request?: boolean;
}

/** Compile a Flow document; throws a StrataError with every problem found. */
export function compileFlow(doc: FlowDocument, resolve: Resolver = () => undefined, limits: Limits = DEFAULT_LIMITS, o: CompileOptions = {}): CompiledFlow {
  const request = o.request === true;
  const ctx: Ctx = {
    // A request by name's wrapper is no unit: the flow it uses nests its units as when run itself (use-request.ts).
    resolve, limits, problems: [], units: request ? [] : [`${doc.metadata.name}@${doc.metadata.version}`], inPod: undefined, order: [],
    unitId: '', podId: '', refs: [], known: { kinds: new Map(), levels: new Map(), generates: [], parameters: new Map(), unitOutputs: new Map() },
    tscope: { items: [], inCycle: false, inExit: false, params: declaredParams(doc.spec.params) },
    unitInputs: doc.spec.inputs ?? [],
    guarded: false,
    root: doc,
    request,
  };
  const root = compileUnitRoot(doc.spec.root, 'spec.root', '', ctx, doc.spec);
  // A unit that uses itself finds its body here when the run's own flow is the one it uses.
  if (ctx.recursesToRoot) root.unitRef = ctx.units[0];
  unitOutputs(doc, 'spec', '', ctx);
  // References are checked once every step id is known (a guard may name a later sibling's result).
  appendAll(ctx.problems, checkReferences(ctx.refs, ctx.known));
  if (ctx.problems.length > 0) throw invalid(ctx.problems, problemsCode(ctx.problems));
  if (ctx.order.length > limits.maxSteps) {
    throw pastLimit('limit_exceeded', `the plan has ${ctx.order.length.toLocaleString('en')} steps, more than ${limitText(limits, 'maxSteps')}`, LIMIT_VARIABLES.maxSteps);
  }
  return { name: doc.metadata.name, version: doc.metadata.version, params: doc.spec.params ?? {}, root, stepIds: ctx.order };
}

/**
 * A unit's root adds no segment to step ids, unless it is a leaf: then it is named by its
 * id or `main`. A flow's `spec.onExit` is its root's exit handler, its
 * `spec.parallelism` a limit on the steps running beneath its root, and its `spec.deadline`
 * a deadline for its whole root (every attempt of a leaf root included).
 */
function compileUnitRoot(node: FlowNode, path: string, parentId: string, ctx: Ctx, spec: Pick<FlowDocument['spec'], 'onExit' | 'parallelism' | 'deadline'>): PlanNode {
  const { onExit, parallelism, deadline } = spec;
  const k = patternOf(node);
  const leaf = k === 'task' || k === 'pod' || k === 'generate';
  const root = compileNode(node, path, parentId, leaf ? (node.id ?? 'main') : '', ctx);
  if (parallelism !== undefined) root.parallelism = parallelism;
  if (deadline !== undefined) {
    // A duration as written (`2m30s`) is its seconds from here on; text with references is resolved when the root starts.
    root.deadline = literalSeconds(deadline) ?? deadline;
    if (typeof deadline !== 'number' && typeof root.deadline !== 'number') checkComputed(deadline, 'spec.deadline', joinId(parentId, root.seg), ctx);
  }
  if (onExit) {
    // The handler's id is `onExit`, unless a step of the root already has it (an Argo step may
    // be named onExit beside spec.onExit, Argo tester 8 S17: Argo's node names `<wf>.onExit`
    // and `<wf>[0].onExit` never meet); then `onExit_`, which no Argo step name can be
    // (workflow/validate/validate.go isValidWorkflowFieldName: [a-zA-Z0-9][-a-zA-Z0-9]*).
    const ownerId = joinId(parentId, root.seg);
    const seg = ctx.known.kinds.has(joinId(ownerId, 'onExit')) ? 'onExit_' : 'onExit';
    root.onExit = compileExit(onExit, path.replace(/\.root$/, '.onExit'), ownerId, ctx, seg);
  }
  return root;
}

/** An exit handler, beneath the node it serves, as step `seg` (`onExit` by default); what it holds reads `exit`. */
function compileExit(node: FlowNode, path: string, ownerId: string, ctx: Ctx, seg = 'onExit'): PlanNode {
  const inExit = ctx.tscope.inExit;
  ctx.tscope.inExit = true;
  const compiled = compileNode(node, path, ownerId, seg, ctx);
  ctx.tscope.inExit = inExit;
  return compiled;
}

/** Whether a sibling of the node being compiled may be joined by a fanIn (earlier in a sequence, any other in a graph). */
type Siblings = (name: string) => boolean;

/** A node and what it holds; a `when` on it guards what is beneath (a unit that uses itself needs one on the way). */
function compileNode(node: FlowNode, path: string, parentId: string, seg: string, ctx: Ctx, siblings?: Siblings): PlanNode {
  const guarded = ctx.guarded;
  if (node.when !== undefined) ctx.guarded = true;
  try {
    return compileGuarded(node, path, parentId, seg, ctx, siblings);
  } finally {
    ctx.guarded = guarded;
  }
}

function compileGuarded(node: FlowNode, path: string, parentId: string, seg: string, ctx: Ctx, siblings?: Siblings): PlanNode {
  const id = joinId(parentId, seg);
  const kinds = ctx.known.kinds;
  if (seg !== '') {
    // A step of its own: its id is new, or used twice. One hash operation records it and
    // tells which (the map grew or not): a set of ids beside it was two more for each of a
    // million steps. (`kinds` holds the ids of steps compiled so far, and the root's.)
    const size = kinds.size;
    kinds.set(id, patternOf(node));
    if (kinds.size === size) ctx.problems.push({ path, message: `step id "${id}" is used twice` });
    ctx.order.push(id);
    levelOf(ctx, id);
  } else if (kinds.get(id) !== 'pod') {
    // A body sharing its parent's id names the step (a fan-in's or a unit's task), except a
    // pod's: the pod is the macro step that writes outputs and whose result its level sees.
    kinds.set(id, patternOf(node));
    levelOf(ctx, id);
  }
  if (node.when !== undefined) appendAll(ctx.refs, expressionRefs(node.when, `${path}.when`, id, ctx.unitId, ctx.podId));
  const retry = retryPlan(node);
  // Assigned, not spread from conditional literals: a million nodes made seven throwaway objects each.
  const whole = node.retryWhole === 'inherit' ? 'inherit' : node.retryWhole !== undefined ? retryPlan(node, true) : undefined;
  const base: Pick<PlanNode, 'seg' | 'when' | 'retries' | 'retry' | 'retryWhole' | 'timeout' | 'outputs' | 'continueOn' | 'onExit'> = { seg };
  if (node.when !== undefined) base.when = node.when;
  if (node.retries !== undefined) base.retries = node.retries;
  if (retry) {
    base.retry = retry;
    // A computed limit is resolved when the node starts (engine/retry-policy.ts resolvedRetry); its references are judged now.
    if (typeof retry.limit === 'string') checkComputed(retry.limit, `${path}.retry.limit`, id, ctx);
  }
  if (whole) {
    base.retryWhole = whole;
    if (whole !== 'inherit' && typeof whole.limit === 'string') checkComputed(whole.limit, `${path}.retryWhole.limit`, id, ctx);
  }
  if (node.timeout !== undefined) {
    base.timeout = literalSeconds(node.timeout) ?? node.timeout;
    if (typeof node.timeout !== 'number' && typeof base.timeout !== 'number') checkComputed(node.timeout, `${path}.timeout`, id, ctx);
  }
  if (node.outputs !== undefined) base.outputs = node.outputs;
  if (node.continueOn !== undefined) base.continueOn = node.continueOn;
  if (node.onExit !== undefined) base.onExit = compileExit(node.onExit, `${path}.onExit`, id, ctx);
  if ('task' in node || 'generate' in node) {
    const t = ('task' in node ? node.task : node.generate) as TaskSpec;
    // Keys listed without [name, value] pairs: one pair for each input of a 100,000-node tree.
    const inputs = t.inputs;
    // The inputs' paths share their task's part (one string an input, not four: kept until the references are checked).
    const inputsPath = inputs ? `${path}.${'task' in node ? 'task' : 'generate'}.inputs.` : '';
    if (inputs) for (const name of Object.keys(inputs)) {
      const text = inputFrom(inputs[name]);
      const at = inputsPath + name;
      const colon = text.lastIndexOf(':');
      // ":name" is an input of the unit itself (spec.inputs), given by the use node that calls it.
      if (colon === 0) {
        if (!ctx.unitInputs.includes(text.slice(1))) ctx.problems.push({ path: at, message: `"${text}" reads the unit's input "${text.slice(1)}", and this flow declares no such input in spec.inputs${didYouMean(text.slice(1), ctx.unitInputs, ctx.problems.length)}` });
        continue;
      }
      ctx.refs.push({ path: at, form: 'input', text: text.slice(0, colon), output: text.slice(colon + 1), at: id, unit: ctx.unitId, level: ctx.podId });
    }
    if ('generate' in node) ctx.known.generates.push(id);
    // A task whose fields are all text without `{{` (a generated tree's) has no template to judge: neither its path nor an empty answer is made.
    if (!templateFree(t)) {
      const checked = checkTemplates(t, `${path}.${'task' in node ? 'task' : 'generate'}`, ctx.tscope, ctx.problems.length);
      appendAll(ctx.problems, checked.problems);
      for (const m of checked.steps) ctx.refs.push({ path: m.path, form: m.form, text: m.text, at: id, unit: ctx.unitId, level: ctx.podId, ...(m.shown ? { shown: m.shown } : {}), ...(m.parameter !== undefined ? { parameter: m.parameter } : {}) });
    }
    const outputs = node.outputs ?? t.outputs;
    const declared = outputs ? Object.keys(parametersOf(outputs)) : [];
    if (declared.length > 0) ctx.known.parameters!.set(id, declared);
  }
  if ('task' in node) {
    // Made from base itself, not a copy of it: a million tasks made a million throwaway objects.
    const leaf = base as Extract<PlanNode, { kind: 'task' }>;
    leaf.kind = 'task';
    leaf.task = node.task;
    return leaf;
  }
  if ('generate' in node) {
    // Its flow is generated and run at the macro level: a pod's quarterback could only fail it
    // when it came to it (tester 15: a flow holding one in a pod, itself or through a unit, was taken).
    if (ctx.inPod) ctx.problems.push({ path: `${path}.generate`, message: `a generate step cannot run inside a pod (inside ${ctx.inPod}): its flow is generated and run at the macro level; move it out of the pod` });
    return { ...base, kind: 'generate', task: node.generate as TaskSpec };
  }
  if ('sequence' in node) {
    // First index of each sibling name, built once: a set per child would be quadratic on long sequences.
    const first = new Map<string, number>();
    node.sequence.forEach((c, i) => { const n = c.id ?? String(i); if (!first.has(n)) first.set(n, i); });
    const children = node.sequence.map((c, i) => compileNode(c, `${path}.sequence[${i}]`, id, c.id ?? String(i), ctx, (n) => (first.get(n) ?? i) < i));
    return { ...base, kind: 'sequence', children };
  }
  if ('graph' in node) {
    const names = Object.keys(node.graph.nodes);
    // The document's own map of nodes answers whether a name is a sibling: no set of a million names beside it.
    const nodes = node.graph.nodes;
    const all = { has: (n: string) => Object.hasOwn(nodes, n) };
    const handled = new Map<string, Set<FailureKind>>();
    // The children's paths share the graph's part (one string a child, not two).
    const nodesPath = `${path}.graph.nodes.`;
    const children = names.map((name) => {
      const child = node.graph.nodes[name];
      // What a fan-in may join: made only for a fan-in (a closure for each of a million children was not free).
      const others: Siblings | undefined = 'fanIn' in child ? (n) => n !== name && all.has(n) : undefined;
      const compiled = compileNode(child, nodesPath + name, id, name, ctx, others);
      // A plain list of names (the common case, kept cheap: conditionNodes is quadratic in the list) needs no condition: each must succeed or be skipped.
      const plain = child.depends === undefined && plainNames(child.dependsOn);
      const cond = plain ? undefined : child.depends !== undefined ? parseDepends(child.depends, all) : dependsOnCondition(child.dependsOn ?? []);
      const deps = cond ? conditionNodes(cond) : distinct((child.dependsOn ?? []) as string[]);
      // A fan-in inside a graph waits for what it joins.
      if (others && 'fanIn' in child && others(child.fanIn.from) && !deps.includes(child.fanIn.from)) deps.push(child.fanIn.from);
      if (deps.length > 0) compiled.deps = deps;
      if (cond && !isPlain(cond)) compiled.cond = cond;
      if (cond) for (const [h, kinds] of handledFailures(cond)) kinds.forEach((k) => handled.set(h, (handled.get(h) ?? new Set<FailureKind>()).add(k)));
      return compiled;
    });
    const graph: PlanNode = {
      ...base, kind: 'graph', traversal: node.graph.traversal ?? 'dependency',
      ...(node.graph.maxParallel ? { maxParallel: node.graph.maxParallel } : {}),
      ...(node.graph.failFast === false ? { failFast: false } : {}),
      ...(node.graph.outcome === 'leaves' ? { outcome: 'leaves' as const } : {}),
      ...(handled.size > 0 ? { handles: Object.fromEntries(names.filter((n) => handled.has(n)).map((n) => [n, (['failed', 'errored'] as const).filter((k) => handled.get(n)!.has(k))])) } : {}),
      ...(Array.isArray(node.graph.targets) ? { targets: node.graph.targets } : node.graph.targets ? { targetsLogic: node.graph.targets } : {}),
      children,
    };
    if (graph.targets) graph.untargeted = untargeted(graph, graph.targets);
    if (graph.targetsLogic) appendAll(ctx.refs, expressionRefs(graph.targetsLogic, `${path}.graph.targets`, id, ctx.unitId, ctx.podId));
    return graph;
  }
  if ('fanOut' in node) {
    const f = node.fanOut;
    if (!Array.isArray(f.over)) appendAll(ctx.refs, expressionRefs(f.over, `${path}.fanOut.over`, id, ctx.unitId, ctx.podId));
    // A literal list's items are steps the run will make: more than a run may make is
    // refused now, not after the run has started (Argo tester fault 2: 600,000 items).
    const outer = ctx.items ?? 1;
    const items = outer * (Array.isArray(f.over) ? f.over.length : 1);
    if (items > ctx.limits.maxSteps) {
      const problem = { path: `${path}.fanOut.over`, message: `${outer > 1 ? `with the fan-outs around it, ${items} items` : `${items} items`}, more than the ${ctx.limits.maxSteps} steps a run may make (${LIMIT_VARIABLES.maxSteps})` };
      throw pastLimit('limit_exceeded', `${problem.path}: ${problem.message}`, LIMIT_VARIABLES.maxSteps, { problems: [problem] });
    }
    // Item i of the fan-out is the step `fan/i`: its `do` node is that step.
    // Its kind is its body's, recorded as the body (sharing the id) compiles.
    ctx.order.push(joinId(id, '*'));
    ctx.tscope.items.push(f.as ?? 'item');
    ctx.items = items;
    const body = compileNode(f.do, `${path}.fanOut.do`, joinId(id, '*'), '', ctx);
    ctx.items = outer;
    // A fan-out gives each output parameter of its items as the list of their values.
    const itemParams = ctx.known.parameters!.get(joinId(id, '*'));
    if (itemParams) ctx.known.parameters!.set(id, itemParams);
    ctx.tscope.items.pop();
    return { ...base, kind: 'fanOut', over: f.over, as: f.as ?? 'item', ...(f.concurrency ? { concurrency: f.concurrency } : {}), ...(f.failFast === false ? { failFast: false } : {}), ...(f.results === 'succeeded' ? { results: 'succeeded' as const } : {}), ...(f.empty === 'skipped' ? { empty: 'skipped' as const } : {}), body };
  }
  if ('fanIn' in node) {
    const from = node.fanIn.from;
    if (!siblings || !siblings(from)) {
      ctx.problems.push({ path: `${path}.fanIn.from`, message: `no earlier sibling named "${from}" to join${siblings && suggesting(ctx.problems.length) ? didYouMean(from, siblingNames(parentId, ctx).filter(siblings)) : ''}` });
    }
    const body = compileNode(node.fanIn.do, `${path}.fanIn.do`, id, '', ctx);
    return { ...base, kind: 'fanIn', from, body };
  }
  if ('cycle' in node) {
    const c = node.cycle;
    appendAll(ctx.refs, expressionRefs(c.until, `${path}.cycle.until`, id, ctx.unitId, ctx.podId));
    const inCycle = ctx.tscope.inCycle;
    ctx.tscope.inCycle = true;
    const ring = c.ring.map((m, i) => compileNode(m, `${path}.cycle.ring[${i}]`, id, `${m.id ?? String(i)}#*`, ctx));
    ctx.tscope.inCycle = inCycle;
    return {
      ...base, kind: 'cycle', ring,
      ...(c.rounds !== undefined ? { rounds: c.rounds } : {}),
      ...(c.until !== undefined ? { until: c.until } : {}),
      ...(c.window !== undefined ? { window: c.window } : {}),
      ...(c.source !== undefined ? { source: c.source } : {}),
    };
  }
  if ('pod' in node) {
    if (ctx.inPod) ctx.problems.push({ path: `${path}.pod`, message: `a pod cannot hold another pod (inside ${ctx.inPod})` });
    const p = node.pod;
    const outer = ctx.inPod;
    ctx.inPod = ctx.units.length > (ctx.request ? 0 : 1) ? `${path} of ${ctx.units[ctx.units.length - 1]}` : path;
    const outerPod = ctx.podId;
    ctx.podId = id;
    const body = compileUnitRoot(p.flow, `${path}.pod.flow`, id, ctx, {});
    // Its own output parameters: templates over its containers' outputs, read inside the pod (its level).
    const gives = p.outputs?.parameters;
    if (gives) podOutputs(gives, `${path}.pod.outputs.parameters`, id, ctx);
    const exitCode = p.outputs?.exitCode;
    if (exitCode !== undefined) podOutputs({ exitCode }, `${path}.pod.outputs`, id, ctx);
    ctx.inPod = outer;
    ctx.podId = outerPod;
    if (gives && Object.keys(gives).length > 0) ctx.known.parameters!.set(id, Object.keys(gives));
    return {
      ...base, kind: 'pod',
      pod: { name: p.name ?? (seg || 'pod'), channels: { scratch: p.channels?.scratch ?? 'memory', ...(p.channels?.scratchSize ? { scratchSize: p.channels.scratchSize } : {}), ipc: p.channels?.ipc ?? [] }, ...(gives && Object.keys(gives).length > 0 ? { gives: { parameters: gives } } : {}), ...(exitCode !== undefined ? { exitCode } : {}) },
      body,
    };
  }
  if ('use' in node) return compileUse(node.use, node.with ?? {}, node.inputs ?? {}, base, path, id, ctx);
  throw new Error('unreachable: validated node without a pattern');
}

const UNREGISTERED = 'no registered flow "';

/**
 * One rule for every route: a flow that uses only flows that are not registered is 404
 * `not_found` (as `GET /v1/flows/x`, a Schedule's or Hook's `spec.use`); a use cycle 422;
 * anything else, unknown flows among other problems included, 400.
 */
function problemsCode(problems: Problem[]): 'cycle' | 'not_found' | 'invalid_document' {
  if (problems.some((p) => p.message.startsWith('use cycle'))) return 'cycle';
  return problems.every((p) => p.message.startsWith(UNREGISTERED)) ? 'not_found' : 'invalid_document';
}

function compileUse(ref: string, withParams: Record<string, JsonValue>, inputs: Record<string, string>, base: { seg: string }, path: string, id: string, ctx: Ctx): PlanNode {
  const placeholder: PlanNode = { ...base, kind: 'use', ref, with: withParams, params: {}, body: { seg: '', kind: 'sequence', children: [] } };
  // A unit that could not be compiled has unknown steps: references into it are not judged.
  const slot = ctx.known.generates.push(id) - 1;
  if (ctx.units.includes(ref)) {
    const chain = [...ctx.units.slice(ctx.units.indexOf(ref)), ref].join(' -> ');
    // Recursion: the unit is expanded when this node starts, so a guard must be able to end it.
    if (!ctx.guarded) {
      ctx.problems.push({ path: `${path}.use`, message: `use cycle ${chain}: a unit that uses itself needs a when on the way (on this use node or a node around it in the unit), or it never ends` });
      return placeholder;
    }
    // The run's own flow: the chain's first, unless the root is a request by name's wrapper (its first is a registered unit).
    const toRoot = ref === ctx.units[0] && !ctx.request;
    const flow = ctx.resolve(ref) ?? (toRoot ? ctx.root : undefined);
    if (toRoot) ctx.recursesToRoot = true;
    if (flow) appendAll(ctx.problems, undeclaredParamProblems(withParams, flow.spec.params, `${path}.with`, ref, ctx.problems.length));
    for (const [k, v] of Object.entries(withParams)) appendAll(ctx.refs, expressionRefs(v, `${path}.with.${k}`, id, ctx.unitId, ctx.podId));
    for (const [name, from] of Object.entries(inputs)) {
      const colon = from.lastIndexOf(':');
      if (colon > 0) ctx.refs.push({ path: `${path}.inputs.${name}`, form: 'input', text: from.slice(0, colon), output: from.slice(colon + 1), at: id, unit: ctx.unitId, level: ctx.podId });
    }
    if (flow?.spec.outputs) {
      ctx.known.unitOutputs!.set(id, Object.keys(flow.spec.outputs.artifacts ?? {}));
      if (flow.spec.outputs.parameters) ctx.known.parameters!.set(id, Object.keys(flow.spec.outputs.parameters));
    }
    return {
      ...placeholder, recursive: true, params: flow?.spec.params ?? {},
      ...(Object.keys(inputs).length > 0 ? { inputs } : {}),
      ...(flow?.spec.outputs ? { gives: flow.spec.outputs } : {}),
    } as PlanNode;
  }
  if (ctx.units.length > ctx.limits.maxUnitDepth) {
    ctx.problems.push({ path: `${path}.use`, message: `units nested more than ${ctx.limits.maxUnitDepth} deep (${[...ctx.units, ref].join(' -> ')}), the limit (${LIMIT_VARIABLES.maxUnitDepth})`, limit: LIMIT_VARIABLES.maxUnitDepth });
    return placeholder;
  }
  const flow = ctx.resolve(ref);
  if (!flow) {
    ctx.problems.push({ path: `${path}.use`, message: `${UNREGISTERED}${ref}"` });
    return placeholder;
  }
  appendAll(ctx.problems, undeclaredParamProblems(withParams, flow.spec.params, `${path}.with`, ref, ctx.problems.length));
  for (const [k, v] of Object.entries(withParams)) appendAll(ctx.refs, expressionRefs(v, `${path}.with.${k}`, id, ctx.unitId, ctx.podId));
  // The unit's declared inputs, each given by this node from a step of the caller (and no others).
  const declared = flow.spec.inputs ?? [];
  for (const need of declared) if (!(need in inputs)) ctx.problems.push({ path: `${path}.inputs`, message: `${ref} needs input "${need}" (its spec.inputs): give it as inputs: { ${need}: "step:output" }` });
  for (const [name, from] of Object.entries(inputs)) {
    if (!declared.includes(name)) ctx.problems.push({ path: `${path}.inputs.${name}`, message: `${ref} declares no input "${name}"${didYouMean(name, declared, ctx.problems.length)} (its spec.inputs: ${declared.join(', ') || 'none'})` });
    const colon = from.lastIndexOf(':');
    if (colon === 0) {
      if (!ctx.unitInputs.includes(from.slice(1))) ctx.problems.push({ path: `${path}.inputs.${name}`, message: `"${from}" reads the unit's input "${from.slice(1)}", and this flow declares no such input in spec.inputs` });
    } else ctx.refs.push({ path: `${path}.inputs.${name}`, form: 'input', text: from.slice(0, colon), output: from.slice(colon + 1), at: id, unit: ctx.unitId, level: ctx.podId });
  }
  ctx.units.push(ref);
  const before = ctx.problems.length;
  const outerUnit = ctx.unitId;
  const outerScope = ctx.tscope;
  const outerInputs = ctx.unitInputs;
  const outerGuarded = ctx.guarded;
  ctx.guarded = false;
  ctx.unitId = id;
  // A unit's templates name its own params and items: it is checked the same alone and used.
  ctx.tscope = { items: [], inCycle: false, inExit: false, params: declaredParams(flow.spec.params) };
  ctx.unitInputs = declared;
  const body = compileUnitRoot(flow.spec.root, `${path}.use(${ref}).spec.root`, id, ctx, flow.spec);
  unitOutputs(flow, `${path}.use(${ref}).spec`, id, ctx);
  ctx.unitId = outerUnit;
  ctx.tscope = outerScope;
  ctx.unitInputs = outerInputs;
  ctx.guarded = outerGuarded;
  ctx.units.pop();
  if (ctx.problems.length > before) return placeholder;
  ctx.known.generates.splice(slot, 1);
  return {
    ...base, kind: 'use', ref, with: withParams, params: flow.spec.params ?? {}, body,
    ...(ctx.units.length === 0 && ctx.request ? { request: true } : {}),
    ...(Object.keys(inputs).length > 0 ? { inputs } : {}),
    ...(flow.spec.outputs ? { gives: flow.spec.outputs } : {}),
  };
}

/**
 * A unit's declared outputs (spec.outputs), checked in the unit (`unitId` its root's step
 * id): artifacts name a step of the unit and its output, parameters are templates over what
 * the unit's steps give. The use node at `unitId` then gives them (known to references).
 */
function unitOutputs(flow: FlowDocument, path: string, unitId: string, ctx: Ctx): void {
  const outs = flow.spec.outputs;
  if (!outs) return;
  for (const [name, from] of Object.entries(outs.artifacts ?? {})) {
    const colon = from.lastIndexOf(':');
    const at = `${path}.outputs.artifacts.${name}`;
    if (colon === 0 || from.startsWith('./') || from.startsWith('../')) {
      ctx.problems.push({ path: at, message: 'must name a step of the flow from its root and the output it gives ("step:output")' });
      continue;
    }
    ctx.refs.push({ path: at, form: 'input', text: from.slice(0, colon), output: from.slice(colon + 1), at: unitId, unit: unitId, level: ctx.podId });
  }
  const params = outs.parameters ?? {};
  const checked = checkTemplateFields(Object.entries(params).map(([k, v]) => ({ path: `${path}.outputs.parameters.${k}`, value: v })), [], { items: [], inCycle: false, inExit: false, params: declaredParams(flow.spec.params) }, ctx.problems.length);
  appendAll(ctx.problems, checked.problems);
  for (const m of checked.steps) ctx.refs.push({ path: m.path, form: m.form, text: m.text, at: unitId, unit: unitId, level: ctx.podId, ...(m.shown ? { shown: m.shown } : {}), ...(m.parameter !== undefined ? { parameter: m.parameter } : {}) });
  if (unitId === '') return;
  ctx.known.unitOutputs!.set(unitId, Object.keys(outs.artifacts ?? {}));
  if (Object.keys(params).length > 0) ctx.known.parameters!.set(unitId, Object.keys(params));
}

/**
 * A pod's own output parameters (`pod.outputs.parameters`), checked at the pod's level as a
 * unit's are: templates over what its containers give (their results and output
 * parameters, by step path from the unit's root), resolved by its quarterback when it ends.
 */
function podOutputs(params: Record<string, string>, path: string, podId: string, ctx: Ctx): void {
  const checked = checkTemplateFields(Object.entries(params).map(([k, v]) => ({ path: `${path}.${k}`, value: v })), [], ctx.tscope, ctx.problems.length);
  appendAll(ctx.problems, checked.problems);
  // Read as from inside the pod: `./main` is its container main (POD_OUTPUTS_READER).
  const at = `${podId}/${POD_OUTPUTS_READER}`;
  for (const m of checked.steps) ctx.refs.push({ path: m.path, form: m.form, text: m.text, at, unit: ctx.unitId, level: podId, ...(m.shown ? { shown: m.shown } : {}), ...(m.parameter !== undefined ? { parameter: m.parameter } : {}) });
}

/**
 * Record the level of step `id` (the pod it is in: KnownSteps.levels), kept only inside a
 * pod: the macro level ('') is what a step without an entry is at, so a flow without pods
 * writes no entry for each of its steps.
 */
function levelOf(ctx: Ctx, id: string): void {
  if (ctx.podId !== '') ctx.known.levels.set(id, ctx.podId);
  else if (ctx.known.levels.size > 0) ctx.known.levels.delete(id);
}

/** Whether a dependsOn list (or none) is of names only. */
function plainNames(list: FlowNode['dependsOn']): boolean {
  if (list === undefined) return true;
  for (let i = 0; i < list.length; i++) if (typeof list[i] !== 'string') return false;
  return true;
}

/** `names` without repeats, in order: a copy (a set made for each of a million one-name lists was not free). */
function distinct(names: string[]): string[] {
  const out: string[] = [];
  for (const n of names) if (!out.includes(n)) out.push(n);
  return out;
}

/** Names of the children of the node at `parentId` (for a fan-in's "did you mean"). */
function siblingNames(parentId: string, ctx: Ctx): string[] {
  const prefix = parentId === '' ? '' : `${parentId}/`;
  const out: string[] = [];
  for (const id of ctx.order) if (id.startsWith(prefix) && !id.slice(prefix.length).includes('/')) out.push(id.slice(prefix.length));
  return out;
}

/** The references of a computed `timeout`, `deadline` or retry `limit` (resolved when the step `id` starts), judged as a task field's are. */
function checkComputed(value: Computed, path: string, id: string, ctx: Ctx): void {
  const checked = checkTemplateFields([{ path, value }], [], ctx.tscope, ctx.problems.length);
  appendAll(ctx.problems, checked.problems);
  for (const m of checked.steps) ctx.refs.push({ path: m.path, form: m.form, text: m.text, at: id, unit: ctx.unitId, level: ctx.podId, ...(m.shown ? { shown: m.shown } : {}), ...(m.parameter !== undefined ? { parameter: m.parameter } : {}) });
}
