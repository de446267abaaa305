/**
 * The CPU-heavy half of the routes that take documents: parse, validate, match rules,
 * generate, compile, dry-run and serialize. Each task reads the definitions it needs
 * (rules, units) but writes nothing; the route stores what a task returns and answers.
 * Results are strings and small values, so handing them back from a worker thread costs a
 * copy, not a walk of a large object.
 */
import { selectTargets } from '../../plan/targets.ts';
import { createHash } from 'node:crypto';
import { validateDataset } from '../../dataset/dataset-document.ts';
import { anchorLocation } from '../../dataset/dataset-location.ts';
import { dryRun, dryRunAnswer } from '../../engine/dry-run.ts';
import { invalid, StrataError, toStrataError, type Problem } from '../../errors/strata-error.ts';
import { checkParamsAt, withsOf, type ParamsLimits } from '../../flow/params-limits.ts';
import { paramNameProblems } from '../../flow/param-names.ts';
import { validateFlowDocument } from '../../flow/flow-document.ts';
import { DEFAULT_LIMITS, type Limits } from '../../flow/limits.ts';
import { argoBody } from '../argo-body.ts';
import { flagValue } from '../query-params.ts';
import { currentVersions } from '../../argo/import-argo.ts';
import { flowFromBody } from '../flow-from-body.ts';
import { readRunRequest } from '../run-request.ts';
import type { FlowDocument } from '../../flow/types.ts';
import type { FlowRegistry } from '../../plan/flow-registry.ts';
import { toPlanDocument } from '../../plan/plan-document.ts';
import { renderDot, renderMermaid } from '../../plan/render.ts';
import { buildFlow } from '../../rules/build-flow.ts';
import type { Generator } from '../../rules/generator.ts';
import { matchRules } from '../../rules/match-rules.ts';
import { validateRule, type Rule } from '../../rules/rule-document.ts';
import { useNodes } from '../../flow/uses.ts';
import { prepareRun, type PreparedRun } from '../../run/prepared-run.ts';
import { planDataset } from '../../service/plan-dataset.ts';
import { planFlow } from '../../service/plan-flow.ts';
import { checkRulePlan } from '../../service/check-rule-plan.ts';
import { rulesInForce } from '../../store/builtin-rules.ts';
import type { RunMeta } from '../../store/run-store.ts';
import { parseBody, type BodyLimits, type RawBody } from './parse-body.ts';
import { paramsAsWritten } from '../params-as-written.ts';
import { checkRequiredParams } from '../../argo/required-params.ts';
import { NAME_PATTERN } from '../../flow/task-schema.ts';
import { refuseParamProblems, refuseUndeclaredParams, requestParamProblems } from '../../flow/undeclared-params.ts';
import { workflowLabel } from '../../argo/workflow-name.ts';
import { argoLabel, inArgoWords } from '../../argo/argo-places.ts';

/** What tasks read: definitions (their own Redis connection in a worker thread) and the built-in parts. */
export interface TaskContext {
  defs: FlowRegistry & { listRules(): Promise<Rule[]>; flowVersions?(name: string): Promise<FlowDocument[]>; latestFlowVersion?(name: string): Promise<string | undefined>; listFlows?(): Promise<Array<{ name: string }>> };
  builtinRules: Rule[];
  generators: ReadonlyMap<string, Generator>;
  limits: BodyLimits;
  /** bounds on parameters (DEFAULT_PARAMS_LIMITS when unset) */
  paramsLimits?: ParamsLimits;
  /** size limits of documents, plans and runs (DEFAULT_LIMITS when unset) */
  sizeLimits?: Limits;
  /** what a Dataset's relative file:// location is taken from (dataset-location.ts): the directory strata was started in when unset */
  baseDir?: string;
}

/** The base of Datasets' relative file:// locations; strata never changes its working directory, so it is the one it was started in. */
function baseDir(ctx: TaskContext): string {
  return ctx.baseDir ?? process.cwd();
}

/** The limits a task applies, and the options of its dry run (the run's own limits, so it fails where the run would). */
function sizes(ctx: TaskContext): { limits: Limits; dry: Parameters<typeof dryRun>[2] } {
  const limits = ctx.sizeLimits ?? DEFAULT_LIMITS;
  const { maxSteps, maxUnitDepth, maxFanOutItems, maxCompositeResultBytes } = limits;
  return { limits, dry: { maxSteps, maxUnitDepth, maxFanOutItems, maxCompositeResultBytes } };
}

/** 422 naming each place whose parameters are past the limits, 400 naming a parameter holding a NUL: checked before anything is compiled or stored. */
function checkParams(ctx: TaskContext, places: Array<[unknown, string]>): void {
  const names = places.flatMap(([v, p]) => paramNameProblems(v, p));
  if (names.length > 0) throw invalid(names);
  checkParamsAt(places, ctx.paramsLimits);
}

/**
 * A run (or plan) request body as data, its `params` and a `{ use, with }` request's `with` as
 * written (a number JSON would write back otherwise kept as its text: params-as-written.ts;
 * `with` since tester 17, where `1e309` had become null and 20 digits a rounded number). A
 * number elsewhere that a JavaScript number cannot hold is refused (parse-body.ts).
 */
function nativeRunBody(body: RawBody, limits: BodyLimits, envelope = true): unknown {
  const kept = body.type === 'json' ? ['params', 'with'] : [];
  const parsed = parseBody(body, limits, envelope, kept);
  if (body.type !== 'json' || parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return parsed;
  const text = new TextDecoder().decode(body.bytes);
  let out = parsed as Record<string, unknown>;
  for (const key of kept) if (key in out) out = { ...out, [key]: paramsAsWritten(text, out[key], false, key) };
  return out;
}

/**
 * A request by name `{ use: "name" }` without a version runs the version registered last,
 * as `strata runs submit --use name` does: pinned here, before the request is read (a name
 * nothing is registered under: 404).
 */
async function pinLatest(body: unknown, defs: TaskContext['defs']): Promise<unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const use = (body as { use?: unknown }).use;
  if (typeof use !== 'string' || !NAME_PATTERN.test(use) || !defs.latestFlowVersion) return body;
  const latest = await defs.latestFlowVersion(use);
  if (latest === undefined) throw new StrataError('not_found', `use: no registered flow "${use}" (give name or name@version of a registered flow)`, { problems: [{ path: 'use', message: `no registered flow "${use}"` }] });
  return { ...body, use: `${use}@${latest}` };
}

export interface TaskInput {
  body: RawBody;
  query: Record<string, string>;
}

/** A boolean query flag: `?x=true` or `?x` or `?x=1`. */

const ref = (flow: FlowDocument) => `${flow.metadata.name}@${flow.metadata.version}`;
const digest = (body: RawBody) => createHash('sha256').update(body.bytes).digest('hex');

export const TASKS = {
  /** POST /v1/rules: a validated Rule, serialized. */
  async rule(ctx: TaskContext, input: TaskInput) {
    const rule = validateRule(parseBody(input.body, ctx.limits), ctx.generators);
    // A flow the rule would make use of, named as it is written (not computed by json-logic),
    // must be registered: known now, it is refused now rather than at every ingest (404, as
    // every route answers an unknown flow).
    const missing: Problem[] = [];
    for (const u of useNodes(rule.spec.emit, 'spec.emit')) if (!(await ctx.defs.get(u.ref))) missing.push({ path: `${u.path}.use`, message: `no registered flow "${u.ref}"` });
    if (missing.length > 0) throw invalid(missing, 'not_found');
    // Planned as a flow registered directly is: a node no Dataset can make plannable is refused now, naming its place.
    await checkRulePlan(rule, ctx.defs, sizes(ctx).limits);
    return { name: rule.metadata.name, json: JSON.stringify(rule) };
  },

  /** POST /v1/flows: a validated Flow whose units exist and which compiles. */
  async flow(ctx: TaskContext, input: TaskInput) {
    const flow = validateFlowDocument(parseBody(input.body, ctx.limits), sizes(ctx).limits);
    checkParams(ctx, [[flow.spec.params, 'spec.params'], ...withsOf(flow.spec.root, 'spec.root')]);
    const compiled = await planFlow(flow, ctx.defs, sizes(ctx).limits); // missing units and use cycles are rejected here
    return { name: flow.metadata.name, version: flow.metadata.version!, json: JSON.stringify(flow), steps: compiled.stepIds.length };
  },

  /** POST /v1/plans: the plan as JSON (with the dry-run order when asked), DOT or Mermaid. */
  async plan(ctx: TaskContext, input: TaskInput) {
    const format = input.query.format ?? 'json';
    if (!['json', 'dot', 'mermaid'].includes(format)) throw new StrataError('invalid_request', `format must be json, dot or mermaid, not "${format}"`);
    const { flow, request } = flowFromBody(await pinLatest(nativeRunBody(input.body, ctx.limits, false), ctx.defs), sizes(ctx).limits);
    checkParams(ctx, [[flow.spec.params, 'spec.params'], ...withsOf(flow.spec.root, request ? '' : 'spec.root')]);
    const compiled = await planFlow(flow, ctx.defs, sizes(ctx).limits, { request });
    const plan = toPlanDocument(compiled);
    if (format === 'dot') return { contentType: 'text/vnd.graphviz; charset=utf-8', text: renderDot(plan.graph, plan.metadata.name) };
    if (format === 'mermaid') return { contentType: 'text/plain; charset=utf-8', text: renderMermaid(plan.graph) };
    // A simulated run that fails is an answer about the flow (dryRun.status), not an error of the request.
    const simulated = flagValue('dryRun', input.query.dryRun) ? dryRunAnswer(dryRun(compiled.root, compiled.params, sizes(ctx).dry)) : undefined;
    return { contentType: 'application/json; charset=utf-8', text: JSON.stringify({ plan, ...simulated }) };
  },

  /** POST /v1/rules/explain: every rule tried, and the plan that would result. */
  async explain(ctx: TaskContext, input: TaskInput) {
    const dataset = anchorLocation(validateDataset(parseBody(input.body, ctx.limits), sizes(ctx).limits), baseDir(ctx));
    const match = matchRules(await rulesInForce(ctx.defs, ctx.builtinRules), dataset);
    let plan = null;
    let error = match.blocked ? match.blocked.toJSON().error : null;
    if (match.chosen) {
      try {
        plan = toPlanDocument(await planFlow(buildFlow(dataset, match.chosen, ctx.generators), ctx.defs, sizes(ctx).limits));
      } catch (e) {
        error = toStrataError(e).toJSON().error;
      }
    }
    return { text: JSON.stringify({ rules: match.traces, chosen: match.chosen?.metadata.name ?? null, plan, ...(error ? { error } : {}) }) };
  },

  /**
   * POST /v1/datasets: the generated flow, its Plan document and, when asked, the dry-run
   * order and the run to start. `head` is the answer without its plan and run id.
   */
  async dataset(ctx: TaskContext, input: TaskInput) {
    // Taken in here, once: a relative file:// location is the server's start directory's from now on.
    const dataset = anchorLocation(validateDataset(parseBody(input.body, ctx.limits), sizes(ctx).limits), baseDir(ctx));
    const kept: { datasetJson?: string } = {};
    const { match, flow, compiled } = await planDataset(dataset, await rulesInForce(ctx.defs, ctx.builtinRules), ctx.defs, ctx.generators, sizes(ctx).limits, kept);
    const simulated = flagValue('dryRun', input.query.dryRun) ? dryRunAnswer(dryRun(compiled.root, compiled.params, sizes(ctx).dry)) : undefined;
    const run: PreparedRun | undefined = flagValue('run', input.query.run) ? prepareRun(ref(flow), compiled.root, compiled.params, compiled.stepIds) : undefined;
    // The Dataset serialized once, for the flow's version, the stored copy and the answer's head.
    const datasetJson = kept.datasetJson ?? JSON.stringify(dataset);
    const head = `{"dataset":${datasetJson},${JSON.stringify({ flow: { name: flow.metadata.name, version: flow.metadata.version }, matchedRules: match.matchedRules, ...simulated }).slice(1)}`;
    return {
      name: dataset.metadata.name,
      /** a run made from it carries its flow's labels, then the Dataset's */
      labels: { ...(flow.metadata.labels ?? {}), ...(dataset.metadata.labels ?? {}) },
      datasetJson,
      /** the flow's JSON as UTF-8, encoded once here: sent to Redis as these bytes */
      flow: { name: flow.metadata.name, version: flow.metadata.version!, json: Buffer.from(JSON.stringify(flow), 'utf8') as Uint8Array },
      /** the Plan document's JSON as UTF-8, encoded once here: stored in parts and answered as these bytes */
      plan: Buffer.from(JSON.stringify(toPlanDocument(compiled)), 'utf8') as Uint8Array,
      head,
      run,
      digest: digest(input.body),
    };
  },

  /**
   * POST /v1/runs: `{ flow }` or `{ use, with }` (with params, labels, onEnd) compiled into a
   * run to start; or an Argo Workflow, whose units (templateRefs) come back to be registered.
   */
  async run(ctx: TaskContext, input: TaskInput) {
    // An edited WorkflowTemplate applied again is the one its templateRefs mean (currentVersions).
    const versions = async (n: string) => (ctx.defs.flowVersions ? currentVersions(await ctx.defs.flowVersions(n), await ctx.defs.latestFlowVersion?.(n)) : []);
    const names = ctx.defs.listFlows ? async () => (await ctx.defs.listFlows!()).map((f) => f.name) : undefined;
    const argo = await argoBody(input.body, { ...ctx.limits, maxDepth: sizes(ctx).limits.maxDepth }, versions, names);
    const req = argo ? readRunRequest({ ...argo.request, flow: argo.workflow }, sizes(ctx).limits) : readRunRequest(await pinLatest(nativeRunBody(input.body, ctx.limits), ctx.defs), sizes(ctx).limits);
    const isUse = req.request;
    checkParams(ctx, [[req.params, 'params'], ...(isUse ? [] : [[req.flow.spec.params, argo ? 'spec.params' : 'flow.spec.params'] as [unknown, string]]), ...withsOf(req.flow.spec.root, argo ? 'spec.root' : isUse ? '' : 'flow.spec.root')]);
    const units = argo?.units.map((u) => validateFlowDocument(u, sizes(ctx).limits)) ?? [];
    // The units this request registers are the latest of their names (a WorkflowTemplate sent to run, P2).
    const latestVersion = ctx.defs.latestFlowVersion?.bind(ctx.defs);
    const defs: FlowRegistry = units.length === 0 ? ctx.defs : {
      get: async (r) => units.find((u) => ref(u) === r) ?? ctx.defs.get(r),
      ...(latestVersion ? { latestFlowVersion: async (n: string) => units.find((u) => u.metadata.name === n)?.metadata.version ?? latestVersion(n) } : {}),
    };
    const compiled = await planFlow(req.flow, defs, sizes(ctx).limits, { ...(isUse ? { pinned: req.ref, request: true } : {}), run: true }).catch((e: unknown) => {
      throw argo ? inArgoWords(e, argoLabel(req.flow)) : e;
    });
    // A run carries its flow's labels, then its own.
    const used = isUse ? await ctx.defs.get(req.ref) : req.flow;
    // A flow registered before the bounds existed may hold more: refused here, not carried into every step.
    if (isUse) checkParams(ctx, [[used?.spec.params, `use ${req.ref}: spec.params`]]);
    // An Argo Workflow's fixed name too (Argo tester 7, R6: `strata apply` finds its run by it).
    const labels = { ...(used?.metadata.labels ?? {}), ...(argo?.workflowName ? workflowLabel(argo.workflowName) : {}), ...req.labels };
    // A key the flow does not declare, or that no with of a { use } reads, would be dropped for its default: refused by name (undeclared-params.ts).
    if (isUse) refuseParamProblems(requestParamProblems(req.params, usedWith(req.flow), req.ref, used?.spec.params));
    else refuseUndeclaredParams(req.params, req.flow.spec.params, 'params', argo ? argoLabel(req.flow) : ref(req.flow));
    const params = { ...compiled.params, ...req.params };
    // An Argo Workflow's parameters without value or default; a `{ use }` of a WorkflowTemplate's
    // entry flow (runs submit --from) gives them in `with` (Argo tester 7, R4).
    if (used) checkRequiredParams(used, isUse ? { ...used.spec.params, ...usedWith(req.flow) } : params);
    // Last: the document's own problems are said first, whatever is registered.
    if (!argo && !isUse) await refuseOtherContent(req.flow, ctx.defs);
    return {
      run: prepareRun(req.ref, req.targets ? selectTargets(compiled.root, req.targets, compiled.stepIds) : compiled.root, params, compiled.stepIds),
      meta: { labels, ...(req.onEnd ? { onEnd: req.onEnd } : {}) } as RunMeta,
      digest: digest(input.body),
      /** flows to register before the run starts (an Argo Workflow's templateRefs) */
      units: units.map((u) => ({ name: u.metadata.name, version: u.metadata.version, json: JSON.stringify(u) })),
    };
  },
};

/**
 * A flow sent whole to run (`{ flow }`) whose name@version is registered runs only as that
 * version is: registered versions are immutable, so other content under its name would run
 * steps its run's `flow` does not hold (tester 18, fault 9). 409 `conflict` naming it.
 */
async function refuseOtherContent(flow: FlowDocument, defs: FlowRegistry): Promise<void> {
  const registered = await defs.get(ref(flow));
  if (!registered || JSON.stringify(registered) === JSON.stringify(flow)) return;
  const message = `is registered with other content; versions are immutable: give this document another metadata.version to run it, or run the registered one (strata runs submit --use ${ref(flow)})`;
  throw new StrataError('conflict', `flow ${ref(flow)} ${message}`, { ref: ref(flow), problems: [{ path: 'flow.metadata.version', message }] });
}

/** The `with` of a `{ use, with }` request's wrapper flow (flow-from-body.ts): the used flow's params it gives. */
function usedWith(wrapper: FlowDocument): Record<string, unknown> {
  const w = (wrapper.spec.root as { with?: unknown }).with;
  return typeof w === 'object' && w !== null && !Array.isArray(w) ? (w as Record<string, unknown>) : {};
}

export type TaskName = keyof typeof TASKS;
export type TaskResult<N extends TaskName> = Awaited<ReturnType<(typeof TASKS)[N]>>;
