/**
 * A step or DAG task calling a template: its arguments are read in the caller's scope, the
 * called template is inlined beneath the step's id with those bindings (or, for a
 * `templateRef`, is a `use` of the unit the WorkflowTemplate registered), and a loop
 * (`withItems`, `withParam`, `withSequence`) wraps it in a fan-out whose items each run the
 * template. `when`, `continueOn` and the template's `retryStrategy` and timeouts land on the
 * node that runs once per item.
 */
import { clipped, invalid, StrataError, type Problem } from '../errors/strata-error.ts';
import type { FlowNode, JsonValue, Logic, RetrySpec } from './target-types.ts';
import { sequenceValueProblem, type ArgoRetry, type ArgoStep, type ArgoTask, type ArgoTemplate } from './argo-document.ts';
import { argoProblem, gather, gathered, throwGathered, type Gathered } from './argo-problems.ts';
import type { ReachWork } from './dag-reach.ts';
import { whenLogic } from './expressions.ts';
import { MAX_RANGE } from '../logic/range.ts';
import { printf } from '../logic/printf.ts';
import { losslessJson } from '../logic/json-text.ts';
import { jsonTooDeep, MAX_DATA_DEPTH, tooDeepText } from '../logic/json-nesting.ts';
import { DEFAULT_LIMITS, LIMIT_VARIABLES } from '../flow/limits.ts';
import { artifactRef } from './leaf.ts';
import { inField, ownInput, readArtifactFrom, readField, readTags, resolveVariable, type ArtifactSource, type Outputs, type Scope, type Sibling } from './scope.ts';
import { literal, REFUSED, renderLogic, text, type Path, type Value } from './values.ts';
import { exactItems } from './loop-integers.ts';
import type { GlobalLinks } from './globals.ts';

/** A registered unit a templateRef resolves to (a WorkflowTemplate's template). */
export interface UnitRef {
  ref: string;
  /** the unit's root has a result of its own (a container, script or containerSet template), not a steps or dag template's */
  result: boolean;
  /** its root is a pod (a containerSet template), whose main container's exit code the unit does not give out */
  podRoot?: boolean;
  /** a steps or dag template with a retryStrategy of its own: it runs again whole itself, so a caller's default adds none */
  ownRetry?: boolean;
  params: string[];
  /** the params with no value or default (an input parameter Argo requires of every call) */
  required?: string[];
  inputs: string[];
  outputs: { parameters: string[]; artifacts: string[] };
}

export interface InlineContext {
  templates: Map<string, ArgoTemplate>;
  /** the unit of template `template` of WorkflowTemplate `name`; throws when there is none */
  unit(name: string, template: string): UnitRef;
  /** the unit a template of this document registers as when it is called recursively */
  local(template: string): UnitRef;
  /** templates being inlined, outermost first: a template met again is recursion */
  stack: string[];
  /** the import's unit calls, linked at its end (globals.ts) */
  links: GlobalLinks;
  inExit: boolean;
  /** `as` names in use by enclosing loops */
  asNames: string[];
  /** the problems found so far, all reported together at the end (argo-problems.ts) */
  problems: Gathered;
  /** counts the work of DAG ancestor queries, when given (dag-reach.ts) */
  work?: ReachWork;
  /** how many templates may nest, one inside another (Limits.maxDepth, STRATA_MAX_FLOW_DEPTH) */
  maxDepth: number;
  /**
   * The workflow's `spec.retryStrategy`: the default of every template without one of its own
   * (argo-workflows operator.go retryStrategy), so a steps or dag template, and a unit called
   * by templateRef or recursion whose root is one, runs again whole under it (`retryWhole`).
   */
  defaultRetry?: RetrySpec;
  /**
   * Inlining a unit's flow (a WorkflowTemplate's template, a recursive template): the calling
   * Workflow's spec.retryStrategy is not known here, so the steps and dag templates nested in
   * it (and the units they call) take `retryWhole: inherit`, the retry the call's place gives
   * (the calling Workflow's default on its root reaches them through the `use`).
   */
  inUnit?: boolean;
}

/** Inlines a template's body (steps/dag/pod templates); set by the template dispatcher. */
export type InlineTemplate = (t: ArgoTemplate, scope: Scope, at: Path, ctx: InlineContext) => { node: FlowNode; outputs: Outputs };

const problem = argoProblem;

/**
 * Argo's retryStrategy as strata's retry; a strategy without a limit (Argo: forever) is
 * refused, and so is every bad field of its backoff, each named `at.x` (`at`: the backoff's
 * place, `template t, retryStrategy.backoff` by default), all at once. A templated limit
 * (`"{{inputs.parameters.n}}"`) is `templated`'s: a number read now, or strata's substitution
 * resolved when the step starts (engine/retry-policy.ts resolvedRetry).
 */
export function retryOf(r: ArgoRetry, where: string, at = `${where}, retryStrategy.backoff`, templated?: (text: string) => number | string): RetrySpec {
  if (r.limit === undefined) throw problem(where, 'retryStrategy without a limit retries forever in Argo; give a limit');
  if (typeof r.limit === 'string' && !templated) throw problem(`${where}, retryStrategy.limit`, `"${clipped(r.limit, 80)}": a templated limit is not supported here`);
  const limit = typeof r.limit === 'string' ? templated!(r.limit) : r.limit;
  // OnTransientError: only a failure Argo's IsTransientErr calls transient (engine/transient-fault.ts, decided by the runtime).
  const on = ({ Always: 'always', OnFailure: 'failed', OnError: 'error', OnTransientError: 'transient' } as const)[r.retryPolicy ?? 'OnFailure'];
  const b = r.backoff;
  if (!b) return { limit, on };
  const mine = gathered();
  const read = <T>(fn: () => T): T | undefined => gather(mine, fn, () => undefined);
  // Argo fails the node before its first retry without a base duration (operator.go
  // processNodeRetries: "no base duration specified for retryStrategy"), after reading
  // maxDuration; strata refuses it when the document is read (Argo tester 8, S15).
  if (b.duration === undefined) read(() => { throw problem(at, 'no duration: Argo fails the node before its first retry ("no base duration specified for retryStrategy"); give backoff.duration (seconds, or a duration like 30s, 2m)'); });
  const duration = b.duration === undefined ? undefined : read(() => durationOf(b.duration!, `${at}.duration`));
  // Argo's factor is an int-or-string it reads as a number (intstr.Int32); anything else fails the node.
  const factor = b.factor === undefined ? undefined : read(() => {
    const n = typeof b.factor === 'number' ? b.factor : NaN; // text that is a number is one already (argo-document.ts)
    if (!Number.isFinite(n) || n <= 0) throw problem(`${at}.factor`, `${JSON.stringify(b.factor)} is not a number above 0`);
    return n;
  });
  const max = b.cap === undefined ? undefined : read(() => durationOf(b.cap!, `${at}.cap`));
  const maxDuration = b.maxDuration === undefined ? undefined : read(() => durationOf(b.maxDuration!, `${at}.maxDuration`));
  throwGathered(mine);
  const backoff = { duration: duration!, ...(factor !== undefined ? { factor } : {}), ...(max !== undefined ? { max } : {}), ...(maxDuration !== undefined ? { maxDuration } : {}) };
  return { limit, on, backoff };
}

/** An Argo duration (`"30"`, `"2m"`, `"1h30m"`) as strata's (seconds, or text with one unit); refused naming `where` (template and field) otherwise. */
export function durationOf(d: string, where: string): number | string {
  if (/^[0-9]+(\.[0-9]+)?$/.test(d)) return Number(d);
  const parts = [...d.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== d) {
    const templated = d.includes('{{') ? ': a templated duration is not supported, strata needs it when it imports the workflow' : '';
    throw problem(where, `${JSON.stringify(clipped(d, 80))} is not a number of seconds or a duration like 30s, 2m, 1h30m${templated}`);
  }
  if (parts.length === 1) return d;
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600 } as const;
  return parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2] as keyof typeof unit], 0);
}

/**
 * An Argo duration in seconds, read when the workflow is imported; refused naming `where` as
 * durationOf. Not engine/deadline.ts secondsOf, which resolves a computed timeout when its step
 * starts and fails the step: this one refuses the document with a problem at its place.
 */
export function argoSeconds(d: string, where: string): number {
  const v = durationOf(d, where);
  if (typeof v === 'number') return v;
  return durationOf(`${v}0s`, where) as number; // one unit: add a zero-second part so it sums
}

/** A fresh `as` name for a loop step: its name made a json-logic name, unique among enclosing loops. */
function asName(step: string, ctx: InlineContext): string {
  const base = `${step.replace(/[^A-Za-z0-9_]/g, '_').replace(/^([0-9])/, '_$1')}_item`;
  let name = base;
  for (let i = 2; ctx.asNames.includes(name); i++) name = `${base}${i}`;
  return name;
}

/** The list a loop goes over, as json-logic read at `at` (the fan-out). */
function loopOver(call: ArgoStep, scope: Scope, at: Path, where: string): Logic {
  // A list holding a number Argo keeps as written (a big integer; any in a JSON document) is read at the run.
  if (call.withItems) return exactItems(call.withItems as JsonValue[]) as Logic;
  if (call.withParam !== undefined) {
    const v = readField(scope, where, 'withParam', call.withParam!);
    const lit = literal(v);
    if (lit !== undefined) {
      if (jsonTooDeep(lit)) throw problem(where, `withParam is JSON ${tooDeepText()} (data a run carries is bounded at ${MAX_DATA_DEPTH} levels)`);
      try {
        const list = JSON.parse(lit) as unknown;
        // A list whose numbers JavaScript would write back otherwise (`9.90`) stays text, read
        // at the run by fromJson, which keeps number text (Argo keeps an item's JSON text).
        if (Array.isArray(list)) return losslessJson(lit) !== undefined ? (list as JsonValue[]) : ({ fromJson: lit } as Logic);
      } catch {
        /* refused below */
      }
      throw problem(where, `withParam "${call.withParam}" is not a JSON list`);
    }
    // Argo reads withParam's value as JSON text: a parameter's text, or a result that is text.
    // Its errors are said of the withParam (Argo's "withParam value could not be parsed as a JSON list").
    return { where: [`${where}, withParam "${call.withParam}"`, { fromJson: [renderLogic(v, at), 'list'] }] } as Logic;
  }
  const seq = call.withSequence!;
  // A literal format is checked now, not when the loop starts (Argo tester 6, Q15).
  if (seq.format !== undefined && !seq.format.includes('{{')) {
    try {
      printf(seq.format, 0);
    } catch (e) {
      throw problem(where, `withSequence.format: ${(e as Error).message}`);
    }
  }
  const num = (s: string | undefined, dflt: number, field: 'count' | 'start' | 'end'): Logic => {
    if (s === undefined) return dflt;
    const v = readField(scope, where, 'withSequence', s);
    const lit = literal(v);
    if (lit !== undefined) {
      // A reference known now (a workflow parameter's value) is held to what a value written there is (argo-document.ts).
      const why = sequenceValueProblem(field, lit);
      if (why) throw problem(where, lit === s ? why : `${why} (${s})`);
      return Number(lit.trim());
    }
    // Argo reads a sequence's bound with strconv.ParseInt: a whole number, the whole text.
    return { int: renderLogic(v, at) };
  };
  if ((seq.count === undefined) === (seq.end === undefined)) throw problem(where, 'withSequence needs exactly one of count and end (Argo\'s withSequence counts from start either count items or up to end)');
  const start = num(seq.start, 0, 'start');
  const end = seq.end !== undefined ? num(seq.end, 0, 'end') : typeof start === 'number' && typeof num(seq.count, 0, 'count') === 'number' ? start + (num(seq.count, 0, 'count') as number) - 1 : { '-': [{ '+': [start, num(seq.count, 0, 'count')] }, 1] };
  // Known now: a sequence longer than a range may give is refused naming the limit, not
  // json-logic's work budget (Argo tester fault 20).
  if (typeof start === 'number' && typeof end === 'number' && Math.abs(end - start) + 1 > MAX_RANGE) {
    throw problem(where, `withSequence gives ${Math.abs(end - start) + 1} items, more than the ${MAX_RANGE} one sequence may give (a run makes at most ${DEFAULT_LIMITS.maxNodes} steps)`);
  }
  // Argo's sequence counts up or down to end by 1; strata's range does the same with step 1 or -1.
  const over = { range: [start, end, ...(seq.format ? [{ if: [{ '<': [end, start] }, -1, 1] }, seq.format] : [])] } as Logic;
  if (seq.count === undefined) return over;
  // Argo gives no items for a count of 0 (operator.go expandSequence), where start..start-1
  // would count down over two: known now, an empty list; from a parameter, checked at the run.
  const count = num(seq.count, 0, 'count');
  if (count === 0) return [];
  if (typeof count === 'number') return over;
  // A count known at the run only: below 0 it gives no list (the fan-out fails saying so, naming the step), where Argo counts down.
  const below = { cat: ['withSequence.count is ', count, ': a count of items must be 0 or more'] };
  return { where: [`${where}, withSequence.count "${seq.count}"`, { if: [{ '<': [count, 0] }, below, { '==': [count, 0] }, [], over] }] } as Logic;
}

/** A step's `when` as json-logic read at `inner` (the node that runs once per item). */
function whenOf(text: string, scope: Scope, inner: Path, where: string): Logic {
  // The run's and pod's names are text for a task's fields (the runtime fills them in), not data a condition reads.
  const noRun = (v: Value): Value => {
    if (v.some((p) => p.kind === 'run' || (p.kind === 'param' && p.runBound))) throw new StrataError('invalid_document', 'workflow.name, workflow.uid and pod.name are given to a task\'s fields only, not to a condition');
    return v;
  };
  const build = inField(where, 'when', () => whenLogic(text, (v) => noRun(resolveVariable(scope, v)), (s) => noRun(readTags(scope, s, `${where}, when`)), `${where}, when`));
  const logic = inField(where, 'when', () => build(inner));
  // Argo substitutes a when's tags first and runs the step when the text is then empty
  // (workflow/controller/steps.go and dag.go shouldExecute: `if when == "" { return true }`),
  // before govaluate reads it (Argo tester 8, S11): a when of tags only runs when they give "".
  if (!ONLY_TAGS.test(text)) return logic;
  const all = inField(where, 'when', () => noRun(readTags(scope, text, `${where}, when`)));
  return { if: [{ '===': [{ text: renderLogic(all, inner) }, ''] }, true, logic] } as Logic;
}

/** A `when` of `{{ }}` tags only (no text around them, no `{{= }}` expression): its substituted text may be empty. */
const ONLY_TAGS = /^(?:\{\{(?!=)[^{}]*\}\})+$/;

/** A chain of template names for a message: `a -> b -> c`, its middle left out past 7 names. */
function chainText(names: string[]): string {
  const shown = names.length > 7 ? [...names.slice(0, 3), '…', ...names.slice(-3)] : names;
  return shown.join(' -> ');
}


/** What a refused step stands as while the import goes on to find the other problems: never run. */
const REFUSED_NODE = { task: { image: 'refused' } } as FlowNode;

/**
 * The node for one step or task at `at` (its parent's path plus its name), and what it
 * gives its siblings. Every problem of the step is said at once, into `ctx.problems`: its
 * arguments, its when, the template it calls (inlined even when an argument is refused, a
 * stand-in in its place), its loop (Argo tester 8, S3). A refused step still gives its
 * siblings what its template declares (outputs.result, output parameters and artifacts), so
 * a step reading it is checked as well; only a step whose template is unknown is read unchecked.
 */
export function invoke(call: ArgoStep | ArgoTask, scope: Scope, at: Path, ctx: InlineContext, loop: { concurrency?: number; failFast?: boolean }, inline: InlineTemplate): { node: FlowNode; sibling: Sibling } {
  const where = `template ${scope.template}, step ${call.name}`;
  // As Argo's ShouldExpand: a literal empty withItems or withParam ("") is no loop (the step runs once).
  const looped = (call.withItems !== undefined && call.withItems.length > 0) || (call.withParam !== undefined && call.withParam !== '') || call.withSequence !== undefined;
  const as = looped ? asName(call.name, ctx) : undefined;
  const argScope: Scope = { ...scope, ...(as ? { item: as } : {}) };
  const inner: Path = as ? [...at, { item: as }] : at;
  let refused = false;
  const here = <T>(fn: () => T, fallback: () => T): T => gather(ctx.problems, fn, () => {
    refused = true;
    return fallback();
  });
  const params = new Map<string, Value>();
  for (const p of call.arguments?.parameters ?? []) {
    params.set(p.name, here(() => {
      if (p.value === undefined) throw problem(where, `argument parameter "${p.name}" needs a value`);
      return readField(argScope, where, `arguments.parameters(${p.name})`, p.value);
    }, () => REFUSED));
  }
  const artifacts = new Map<string, ArtifactSource>();
  for (const a of call.arguments?.artifacts ?? []) {
    const src = here((): ArtifactSource | undefined => {
      if (a.from === undefined) throw problem(where, `argument artifact "${a.name}" needs from`);
      const from = readArtifactFrom(argScope, a.from);
      // Argo goes on without an optional argument it cannot resolve (dag.go and steps.go,
      // resolveDependencyReferences): optional when this argument and every binding before it are.
      return { ...from, optional: a.optional === true && from.optional !== false };
    }, () => undefined);
    artifacts.set(a.name, src ?? { unitInput: a.name, optional: true });
  }
  // A when written empty is no condition: Argo runs the step (shouldExecute, S11).
  const when = call.when === undefined || call.when === '' ? undefined : here(() => whenOf(call.when!, argScope, inner, where), () => undefined);
  // A template met again on the way down is recursion: it runs as a unit of its own (a
  // `use` of itself, which strata expands as deep as the `when` on the way lets it).
  const recursive = !call.templateRef && ctx.stack.includes(call.template!) ? call.template! : undefined;
  const called = here(() => callTemplate(call, scope, { where, at, inner, as, params, artifacts, recursive }, ctx, inline), () => undefined);
  const over = looped ? here(() => loopOver(call as ArgoStep, argScope, at, where), () => undefined) : undefined;
  if (refused) {
    const outputs = called?.outputs ?? declaredOutputs(call, ctx, inner, recursive);
    return { node: REFUSED_NODE, sibling: outputs ? siblingOf(at, inner, looped, outputs) : { path: at, looped, refused: true } };
  }
  let body = called!.body;
  const outputs = called!.outputs;
  if (when !== undefined) body = { ...body, when };
  if (call.continueOn && (call.continueOn.failed || call.continueOn.error)) body = { ...body, continueOn: { ...call.continueOn } };
  if (!looped) return { node: body, sibling: siblingOf(at, inner, false, outputs) };
  const fan: FlowNode = {
    fanOut: {
      over: over!,
      as: as!,
      ...(loop.concurrency ? { concurrency: loop.concurrency } : {}),
      ...(loop.failFast === false ? { failFast: false } : {}),
      // Argo aggregates the outputs of the items that succeeded (processAggregateNodeOutputs):
      // a skipped item, or one that failed under continueOn, is left out, not null.
      ...(call.when !== undefined || call.continueOn?.failed || call.continueOn?.error ? { results: 'succeeded' } : {}),
      // A loop over an empty list is a Skipped node in Argo ("Skipped, empty params"; Argo tester 6, Q2).
      empty: 'skipped',
      do: body,
    },
  };
  return { node: fan, sibling: siblingOf(at, inner, true, outputs) };
}

/** What a step at `at` gives its siblings: its outputs, or for a loop (items at `inner`) the lists the fan-out aggregates. */
function siblingOf(at: Path, inner: Path, looped: boolean, outputs: Outputs): Sibling {
  if (!looped) return { path: at, looped: false, outputs };
  // An output parameter the item's own step gives is the loop's list of them (the fan-out aggregates it).
  const loopParameters = new Map<string, Value>();
  for (const [n, v] of outputs.parameters) {
    if (v.length === 1 && v[0].kind === 'output' && v[0].name === n && JSON.stringify(v[0].step) === JSON.stringify(inner)) loopParameters.set(n, [{ kind: 'output', step: at, name: n }]);
  }
  return { path: at, looped: true, loopParameters, itemResult: outputs.result !== undefined };
}

/**
 * The outputs the template a refused step calls declares, as the step at `inner` would give
 * them: a result when it is a container, script or containerSet template, its output
 * parameters and artifacts by name. Undefined when the template is not known.
 */
function declaredOutputs(call: ArgoStep | ArgoTask, ctx: InlineContext, inner: Path, recursive: string | undefined): Outputs | undefined {
  let declared: { result: boolean; parameters: string[]; artifacts: string[] } | undefined;
  if (call.templateRef && !recursive) {
    try {
      const unit = ctx.unit(call.templateRef.name, call.templateRef.template);
      declared = { result: unit.result, ...unit.outputs };
    } catch (e) {
      if ((e as StrataError).code !== 'invalid_document') throw e;
      return undefined; // said where the call is read (callTemplate)
    }
  } else {
    const t = ctx.templates.get(call.template ?? '');
    if (!t) return undefined;
    declared = { result: !t.steps && !t.dag, parameters: (t.outputs?.parameters ?? []).map((p) => p.name), artifacts: (t.outputs?.artifacts ?? []).map((a) => a.name) };
  }
  return {
    ...(declared.result ? { result: [{ kind: 'result', step: inner, path: [] }] as Value } : {}),
    parameters: new Map(declared.parameters.map((n) => [n, [{ kind: 'output', step: inner, name: n }]])),
    artifacts: new Map(declared.artifacts.map((n) => [n, { step: inner, name: n }])),
  };
}

/**
 * The body of a step calling its template (inlined, or a `use` of a templateRef's or a
 * recursive template's unit) with `params` and `artifacts` bound, and what it gives its
 * caller. Every mismatch of the call with the template's inputs is said at once.
 */
function callTemplate(call: ArgoStep | ArgoTask, scope: Scope, c: { where: string; at: Path; inner: Path; as: string | undefined; params: Map<string, Value>; artifacts: Map<string, ArtifactSource>; recursive: string | undefined }, ctx: InlineContext, inline: InlineTemplate): { body: FlowNode; outputs: Outputs } {
  const { where, inner, as, params, artifacts, recursive } = c;
  const bad: Problem[] = [];
  const refuse = (message: string, limit?: string) => bad.push({ path: where, message, ...(limit ? { limit } : {}) });
  if (call.templateRef || recursive) {
    const unit = recursive ? ctx.local(recursive) : ctx.unit(call.templateRef!.name, call.templateRef!.template);
    for (const k of params.keys()) if (!unit.params.includes(k)) refuse(`${unit.ref} has no input parameter "${k}"`);
    for (const k of artifacts.keys()) if (!unit.inputs.includes(k)) refuse(`${unit.ref} has no input artifact "${k}"`);
    for (const k of unit.inputs) if (!artifacts.has(k)) refuse(`${unit.ref} needs input artifact "${k}"`);
    // Argo's validator refuses a call leaving out an input without value or default
    // (validate.go: "inputs.parameters.m was not supplied"), a templateRef's too (Argo tester 8, R16).
    const callee = recursive ? `template ${recursive}` : `templateRef ${call.templateRef!.name}/${call.templateRef!.template}`;
    for (const k of unit.required ?? []) if (!params.has(k)) refuse(`${callee} needs input parameter "${k}"`);
    if (bad.length > 0) throw invalid(bad);
    const withs = Object.fromEntries([...params].map(([k, v]) => [k, renderLogic(v, inner)])) as Record<string, JsonValue>;
    const inputs = Object.fromEntries([...artifacts].map(([k, src]) => [k, artifactRef(src, inner)]));
    // The workflow parameters the unit reads are added to `with` when the import ends (globals.ts).
    ctx.links.calls.push({ ref: unit.ref, callee, caller: scope.globals, with: withs, where, inExit: scope.inExit });
    // A steps or dag template run as a unit runs again whole under the workflow's default (R5).
    // Inside a unit the default is the caller's, taken at the run (`inherit`; R5).
    const whole = unit.result || unit.ownRetry ? {} : ctx.defaultRetry ? { retryWhole: ctx.defaultRetry } : ctx.inUnit ? { retryWhole: 'inherit' as const } : {};
    return {
      body: { use: unit.ref, with: withs, ...(artifacts.size > 0 ? { inputs } : {}), ...whole } as FlowNode,
      outputs: {
        ...(unit.result ? { result: [{ kind: 'result', step: inner, path: [] }] as Value } : {}),
        // Its exit code would be its pod's quarterback's, not its main container's (leaf.ts containerSetNode): none.
        ...(unit.podRoot ? { exitCode: 'it is a containerSet reached by templateRef, whose main container\'s exit code strata does not give out of the unit' } : {}),
        parameters: new Map(unit.outputs.parameters.map((n) => [n, [{ kind: 'output', step: inner, name: n }]])),
        artifacts: new Map(unit.outputs.artifacts.map((n) => [n, { step: inner, name: n }])),
      },
    };
  }
  const t = ctx.templates.get(call.template!);
  if (!t) throw problem(where, `no template named "${call.template}"`);
  const calleeParams = new Map<string, Value>();
  for (const p of t.inputs?.parameters ?? []) {
    const v = params.get(p.name) ?? gather(ctx.problems, () => ownInput(scope, p, where, t.name), () => REFUSED);
    if (!v) refuse(`template ${t.name} needs input parameter "${p.name}"`);
    else calleeParams.set(p.name, v);
  }
  for (const k of params.keys()) if (!(t.inputs?.parameters ?? []).some((p) => p.name === k)) refuse(`template ${t.name} has no input parameter "${k}"`);
  for (const [k, src] of artifacts) {
    const input = (t.inputs?.artifacts ?? []).find((a) => a.name === k);
    if (!input) refuse(`template ${t.name} has no input artifact "${k}"`);
    // Argo refuses an input not supplied unless it is optional too.
    else if (!input.optional) src.optional = false;
  }
  // Each nested template is at least one node level deeper, so the flow's depth limit bounds
  // the chain here, before inlining it call by call (Argo tester 6, Q14: 1,000 templates
  // each calling the next exhausted the stack).
  if (ctx.stack.length >= ctx.maxDepth) refuse(`templates nested more than ${ctx.maxDepth} deep (${chainText([...ctx.stack, t.name])}), the limit (${LIMIT_VARIABLES.maxDepth})`, LIMIT_VARIABLES.maxDepth);
  if (bad.length > 0) throw invalid(bad);
  const calleeScope: Scope = { template: t.name, params: calleeParams, artifacts, siblings: new Map(), inExit: scope.inExit, globals: scope.globals, ...(scope.workflow ? { workflow: scope.workflow } : {}) };
  const done = inline(t, calleeScope, inner, { ...ctx, stack: [...ctx.stack, t.name], asNames: as ? [...ctx.asNames, as] : ctx.asNames });
  return { body: done.node, outputs: done.outputs };
}
