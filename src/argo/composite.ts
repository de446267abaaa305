/**
 * Argo's `steps` and `dag` templates to strata graphs, and the dispatcher over every
 * template kind. Step and task names are the graph's node keys, so they are the strata
 * step ids (`outer/inner`). Steps: each step of group *g* depends on every step of group
 * *g−1* (after a step with continueOn, on its failure too). DAG: `dependencies` become
 * `dependsOn`, `depends` stays Argo's expression (strata reads the same syntax), `target`
 * becomes `targets`, `failFast` stays.
 */
import { addProblems, argoProblem, gather } from './argo-problems.ts';
import { findCycle } from '../flow/find-cycle.ts';
import type { Dependency, FlowNode, Logic, Outcome } from './target-types.ts';
import type { ArgoStep, ArgoTask, ArgoTemplate } from './argo-document.ts';
import { invoke, retryOf, argoSeconds, type InlineContext } from './invoke.ts';
import { containerSetNode, podTemplateNode } from './leaf.ts';
import { inField, readArtifactFrom, readField, readTags, type Outputs, type Scope, type Sibling } from './scope.ts';
import { literal, partLogic, renderField, renderLogic, stepRef, type Part, type Path, type Value } from './values.ts';
import { dagReach } from './dag-reach.ts';
import { DependsSyntaxError, parseDepends } from '../flow/depends.ts';

/** The outcomes a dependent accepts from a step: it went on (succeeded, skipped), or failed with continueOn. */
function outcomesOf(s: ArgoStep): Dependency {
  if (!s.continueOn?.failed && !s.continueOn?.error) return s.name;
  const on: Outcome[] = ['succeeded', 'skipped'];
  if (s.continueOn.failed) on.push('failed');
  if (s.continueOn.error) on.push('errored');
  return { node: s.name, on };
}

/** What a composite template gives its caller: its declared outputs, read inside it. */
function compositeOutputs(t: ArgoTemplate, scope: Scope): Outputs {
  const out: Outputs = { parameters: new Map(), artifacts: new Map() };
  for (const p of t.outputs?.parameters ?? []) {
    const from = p.valueFrom?.parameter;
    if (from === undefined) throw argoProblem(`template ${t.name}`, `output parameter "${p.name}" of a steps or dag template needs valueFrom.parameter`);
    const place = `template ${t.name}, outputs.parameters(${p.name})`;
    const v = readTags(scope, from, place);
    // Its default is read in the template's scope, a workflow parameter in it too, as Argo substitutes the template (R1).
    const fallback = p.valueFrom?.default !== undefined ? readField(scope, `template ${t.name}`, `outputs.parameters(${p.name}).valueFrom.default`, p.valueFrom.default) : undefined;
    out.parameters.set(p.name, fallback !== undefined ? orDefault(v, fallback) : required(v, `${place} "${from}"`));
  }
  for (const a of t.outputs?.artifacts ?? []) {
    if (a.from === undefined) throw argoProblem(`template ${t.name}`, `output artifact "${a.name}" of a steps or dag template needs from`);
    out.artifacts.set(a.name, readArtifactFrom(scope, a.from));
  }
  return out;
}

/**
 * `v`, or `fallback` when a step output it reads has no value (a step skipped, an output
 * not given, a failed step that did not write it): Argo's `valueFrom.default` (operator.go
 * getTemplateOutputsFromScope uses it whenever resolving the parameter fails; Argo testers
 * 3 and 5, N17, N17b). json-logic read where it is used.
 */
function orDefault(v: Value, fallback: Value): Value {
  const reads = v.filter((p) => p.kind === 'result' || p.kind === 'output');
  if (reads.length === 0) return v;
  // An output parameter by whether the step gave it (`given` never fails, where a task field's
  // reader fails on a step that gave nothing); a result by the step's status (a failed step keeps its result).
  const gave = (p: Part, from: Path): Logic =>
    p.kind === 'output' ? ({ output: [stepRef(from, p.step), p.name, 'given'] } as Logic) : { in: [{ status: stepRef(from, (p as { step: Path }).step) }, ['succeeded', 'failed']] };
  return [{ kind: 'logic', make: (from: Path) => ({ if: [{ and: reads.map((p) => gave(p, from)) }, renderLogic(v, from), renderLogic(fallback, from)] }) as Logic }];
}

/**
 * `v`, failing where it is read when a step output it reads has no value, with the error
 * named by `place` (the template, the output and its text in the document: Argo tester 3,
 * N17) rather than by strata's step path. A value that reads a result, or nothing, is kept.
 */
function required(v: Value, place: string): Value {
  if (!v.some((p) => p.kind === 'output') || v.some((p) => p.kind === 'result')) return v;
  const strict = (p: Part, from: Path): Logic => (p.kind === 'output' ? { output: [stepRef(from, p.step), p.name, 'required'] } : partLogic(p, from));
  return [{ kind: 'logic', make: (from: Path) => ({ where: [place, v.length === 1 ? strict(v[0], from) : { cat: v.map((p) => (p.kind === 'text' ? p.text : { text: strict(p, from) })) }] }) as Logic }];
}

function stepsNode(t: ArgoTemplate, scope: Scope, at: Path, ctx: InlineContext): { node: FlowNode; outputs: Outputs } {
  const nodes: Record<string, FlowNode> = {};
  let previous: ArgoStep[] = [];
  // Every step of an earlier group is visible to a later one.
  const siblings = new Map<string, Sibling>();
  const own: Scope = { ...scope, siblings };
  const loop = { ...(t.parallelism ? { concurrency: t.parallelism } : {}), ...(t.failFast === false ? { failFast: false } : {}) };
  for (const group of t.steps!) {
    for (const s of group) {
      if (Object.hasOwn(nodes, s.name)) throw argoProblem(`template ${t.name}`, `two steps are named "${s.name}"`);
      // A refused step is reported with the others (argo-problems.ts); its stand-in is never run.
      const { node, sibling } = gather(ctx.problems, () => invoke(s, own, [...at, s.name], ctx, loop, inlineTemplate), () => standIn([...at, s.name]));
      nodes[s.name] = previous.length > 0 ? { ...node, dependsOn: previous.map(outcomesOf) } : node;
      siblings.set(s.name, sibling);
    }
    previous = group;
  }
  return { node: { graph: { ...(t.parallelism ? { maxParallel: t.parallelism } : {}), nodes } }, outputs: compositeOutputs(t, own) };
}

/** What a refused step or task stands as while the import goes on to find the other problems: never run. */
function standIn(at: Path): { node: FlowNode; sibling: Sibling } {
  return { node: { task: { image: 'refused' } } as FlowNode, sibling: { path: at, looped: false, refused: true } };
}

/** The outcome words a `depends` name may end with (Argo's, as src/flow/depends.ts reads them). */
const OUTCOME = /\.(succeeded|failed|errored|skipped|omitted|completed|any|anysucceeded|allfailed|daemoned)$/i;

/** Task names a `depends` expression reads (outcome suffixes and operators left out), known or not. */
function dependsNames(depends: string, names: Set<string>): string[] {
  const found = new Set<string>();
  for (const m of depends.matchAll(/[A-Za-z0-9_][A-Za-z0-9_.-]*/g)) {
    const word = m[0];
    if (names.has(word)) found.add(word);
    else {
      const dot = word.lastIndexOf('.');
      if (dot > 0 && names.has(word.slice(0, dot))) found.add(word.slice(0, dot));
      else found.add(word.replace(OUTCOME, ''));
    }
  }
  return [...found];
}

/** A `depends` that does not parse or is past its limits, as a problem at `where` (one a line). */
function dependsProblem(depends: string, names: ReadonlySet<string>, where: string, ctx: InlineContext): void {
  try {
    parseDepends(depends, names);
  } catch (e) {
    if (!(e instanceof DependsSyntaxError)) throw e;
    addProblems(ctx.problems, [{ path: where, message: e.message }]);
  }
}

function dagNode(t: ArgoTemplate, scope: Scope, at: Path, ctx: InlineContext): { node: FlowNode; outputs: Outputs } {
  const dag = t.dag!;
  const names = new Set(dag.tasks.map((k) => k.name));
  const byName = new Map(dag.tasks.map((k) => [k.name, k]));
  // Named, as a steps template's twin step is (Argo's validateDAG refuses the pair too).
  const seen = new Set<string>();
  const twin = names.size === dag.tasks.length ? undefined : dag.tasks.find((k) => seen.has(k.name) || !seen.add(k.name));
  if (twin) throw argoProblem(`template ${t.name}`, `two tasks are named "${twin.name}"`);
  const needs = new Map<string, string[]>(dag.tasks.map((k) => [k.name, k.depends !== undefined ? dependsNames(k.depends, names) : k.dependencies ?? []]));
  // Every unknown name and the cycle are reported together, with the tasks' other problems.
  for (const [k, deps] of needs) {
    for (const d of deps) if (!names.has(d)) addProblems(ctx.problems, [{ path: `template ${t.name}, task ${k}`, message: `depends on "${d}", which is not a task of the dag` }]);
    // Its syntax and limits, named in Argo's terms here rather than by the flow's path later (Argo tester 3, N12).
    const depends = byName.get(k)!.depends;
    if (depends !== undefined && deps.every((d) => names.has(d))) dependsProblem(depends, names, `template ${t.name}, task ${k}, depends`, ctx);
    needs.set(k, deps.filter((d) => names.has(d)));
  }
  if (/\.Daemoned\b/i.test(dag.tasks.map((k) => k.depends ?? '').join(' '))) addProblems(ctx.problems, [{ path: `template ${t.name}`, message: 'the Daemoned outcome is not supported (strata has no daemon steps)' }]);
  // Inline in dependency order, so that a task's tags can read the outputs of what it depends
  // on (the tasks of a cycle, refused below, in the order written). The order's walk finds
  // whether there is a cycle; the cycle itself is looked for only then.
  const { order, reaches, acyclic } = dagReach(dag.tasks.map((k) => k.name), needs, ctx.work);
  const cycle = acyclic ? undefined : findCycle([...names], needs);
  if (cycle) addProblems(ctx.problems, [{ path: `template ${t.name}`, message: `its tasks depend on each other in a cycle: ${cycle.join(' -> ')}` }]);
  const built = new Map<string, FlowNode>();
  const siblings = new Map<string, Sibling>();
  const loop = { ...(t.parallelism ? { concurrency: t.parallelism } : {}), ...(dag.failFast === false ? { failFast: false } : {}) };
  for (const name of order) {
    const k = byName.get(name)!;
    // Argo lets a task read only what it depends on; so does this scope, asked only for the names a tag reads.
    const visible = { get: (n: string): Sibling | undefined => (reaches(n, k.name) ? siblings.get(n) : undefined) };
    const { node, sibling } = gather(ctx.problems, () => invoke(k, { ...scope, siblings: visible }, [...at, k.name], ctx, loop, inlineTemplate), () => standIn([...at, k.name]));
    const deps = k.depends !== undefined ? { depends: k.depends } : k.dependencies?.length ? { dependsOn: k.dependencies } : {};
    built.set(k.name, { ...node, ...deps });
    siblings.set(k.name, sibling);
  }
  const nodes = Object.fromEntries(dag.tasks.map((k) => [k.name, built.get(k.name)!]));
  const targets = dag.target !== undefined ? targetsOf(dag.target, scope, at) : undefined;
  if (targets && 'names' in targets) for (const x of targets.names) if (!names.has(x)) throw argoProblem(`template ${t.name}`, `target "${x}" is not a task of the dag`);
  // Argo's DAG phase is its leaves' (assessDAGPhase): graph.outcome leaves.
  const graph = { ...(t.parallelism ? { maxParallel: t.parallelism } : {}), ...(dag.failFast === false ? { failFast: false } : {}), ...(targets && 'logic' in targets ? { targets: targets.logic } : targets?.names.length ? { targets: targets.names } : {}), outcome: 'leaves', nodes };
  return { node: { graph }, outputs: compositeOutputs(t, { ...scope, siblings }) };
}

/**
 * A DAG's `target` with its tags read (Argo substitutes it; Argo tester fault 14): known at
 * import (text, or an input parameter given as text) it is the graph's list of targets; one
 * that depends on the run (`{{workflow.parameters.target}}`, given with -p) is json-logic
 * giving the text when the graph starts, which the engine splits at spaces and commas.
 */
function targetsOf(target: string, scope: Scope, at: Path): { names: string[] } | { logic: Logic } {
  const v = readField(scope, `template ${scope.template}`, 'dag.target', target);
  const text = literal(v);
  if (text === undefined) return { logic: renderLogic(v, at) };
  return { names: text.split(/[\s,]+/).filter(Boolean) };
}

/** Any template at `at`, with its retry strategy and timeouts on the node it becomes. */
export function inlineTemplate(t: ArgoTemplate, scope: Scope, at: Path, ctx: InlineContext): { node: FlowNode; outputs: Outputs } {
  const made = t.steps ? stepsNode(t, scope, at, ctx) : t.dag ? dagNode(t, scope, at, ctx) : t.containerSet ? containerSetNode(t, scope, at) : podTemplateNode(t, scope, at);
  let node = made.node;
  if (t.steps || t.dag) {
    // Argo retries a steps or dag node whole under its retryStrategy, its own or else the
    // workflow's (operator.go retryStrategy; executeTemplate's handleRetries wraps every
    // template kind): strata's retryWhole; the templates inside keep their own (Argo tester 7, R5).
    // Nested in a unit (at.length > 0: its root's whole runs again by the calling `use`), the
    // caller's default is taken at the run: `inherit` (R5).
    const whole = t.retryStrategy ? retryOf(t.retryStrategy, `template ${t.name}`, undefined, (v) => limitOf(v, scope, at, t.name)) : ctx.defaultRetry ?? (ctx.inUnit && at.length > 0 ? 'inherit' as const : undefined);
    if (whole) node = { ...node, retryWhole: whole };
  } else if (t.retryStrategy) {
    node = { ...node, retry: retryOf(t.retryStrategy, `template ${t.name}`, undefined, (v) => limitOf(v, scope, at, t.name)) };
  }
  const timeout = t.activeDeadlineSeconds !== undefined ? deadlineOf(t.activeDeadlineSeconds, scope, at, t.name, 'activeDeadlineSeconds') : t.timeout !== undefined ? deadlineOf(t.timeout, scope, at, t.name, 'timeout') : undefined;
  if (timeout !== undefined) node = { ...node, timeout };
  return { node, outputs: made.outputs };
}

/**
 * A template's `activeDeadlineSeconds` or `timeout` as the node's `timeout`: seconds, or, when
 * its `{{ }}` tags read something of the run (`{{workflow.parameters.t}}`, an input bound to
 * one), strata's substitution resolved when the step starts (engine/deadline.ts argoSeconds:
 * a value that is no duration fails the step, named), as Argo substitutes the field when it
 * runs the node (an IntOrString; workflow/controller/operator.go). Tags the import can read
 * (an input given as text) are read now, and a value that is no duration refused.
 */
function deadlineOf(v: number | string, scope: Scope, at: Path, template: string, field: 'activeDeadlineSeconds' | 'timeout'): number | string {
  if (typeof v === 'number') return v;
  if (!v.includes('{{')) return argoSeconds(v, `template ${template}, ${field}`);
  const value = readField(scope, `template ${template}`, field, v);
  const known = literal(value);
  if (known !== undefined) return field === 'timeout' || !/^[0-9]+$/.test(known.trim()) ? argoSeconds(known, `template ${template}, ${field}`) : Number(known);
  const rendered = renderField(value, at);
  // strata resolves a timeout from substitution only (docs/flow-language.md, timeout): not from an expression or a status.
  if (typeof rendered !== 'string') throw argoProblem(`template ${template}, ${field}`, `"${v}": a deadline computed by an expression, a status or an exit code is not supported; give it from a parameter or an input ({{workflow.parameters.t}}, {{inputs.parameters.t}})`);
  return rendered;
}

/**
 * A template's templated `retryStrategy.limit` (`"{{inputs.parameters.n}}"`) as the node's
 * retry limit: a number when the import can read it (an input given as text), else strata's
 * substitution resolved when the step starts (engine/retry-policy.ts resolvedRetry: a value
 * that is no whole number fails the step, named), as Argo substitutes the template's inputs
 * and globals before processNodeRetries reads the limit (workflow/controller/operator.go
 * executeTemplate: common.ProcessArgs, then processNodeRetries: intstr.Int32(retryStrategy.Limit)).
 */
function limitOf(v: string, scope: Scope, at: Path, template: string): number | string {
  const where = `template ${template}, retryStrategy.limit`;
  const value = readField(scope, `template ${template}`, 'retryStrategy.limit', v);
  const known = literal(value);
  if (known !== undefined) {
    if (!/^\s*[0-9]{1,3}\s*$/.test(known) || Number(known) > 100) throw argoProblem(where, `"${v}" is "${known}", which is not a whole number from 0 to 100 (the retries after the first attempt)`);
    return Number(known);
  }
  const rendered = renderField(value, at);
  // strata resolves a limit from substitution only: not from an expression or a status.
  if (typeof rendered !== 'string') throw argoProblem(where, `"${v}": a limit computed by an expression, a status or an exit code is not supported; give it from a parameter or an input ({{workflow.parameters.n}}, {{inputs.parameters.n}})`);
  return rendered;
}
