/** `strata plan FILE... [--dry-run] [--format json|dot|mermaid]` */
import { selectTargets } from '../plan/targets.ts';
import { StrataError } from '../errors/strata-error.ts';
import { loadLimits, loadParamsLimits } from '../app/config.ts';
import { dryRun, dryRunAnswer, type DryRun } from '../engine/dry-run.ts';
import { toPlanDocument } from '../plan/plan-document.ts';
import { renderDot, renderMermaid } from '../plan/render.ts';
import { validateFlowDocument } from '../flow/flow-document.ts';
import { importDocuments, looksLikeArgo, readArgoFiles, readText } from './argo-files.ts';
import { checkFlowParams, flowsOf, readDocuments } from './local-flows.ts';
import { mainFlow, refOf } from './main-flow.ts';
import { GENERATORS, GENERATOR_NAMES } from '../../generators/index.ts';
import { validateDataset } from '../dataset/dataset-document.ts';
import { anchorLocation } from '../dataset/dataset-location.ts';
import { MemoryFlowRegistry } from '../plan/flow-registry.ts';
import { validateRule } from '../rules/rule-document.ts';
import { planDataset } from '../service/plan-dataset.ts';
import { planFlow } from '../service/plan-flow.ts';
import { loadBuiltinRules } from '../store/builtin-rules.ts';
import { checkRequiredParams } from '../argo/required-params.ts';
import { refuseUndeclaredParams } from '../flow/undeclared-params.ts';
import { withSubmitParams } from '../argo/submit-params.ts';
import { typedParams } from './params.ts';
import { argoLabel, inArgoWords } from '../argo/argo-places.ts';
import type { FlowDocument } from '../flow/types.ts';

export interface PlanOptions {
  format?: string;
  dryRun?: boolean;
  flow?: string;
  /** `-p key=value`: over the flow's own parameters, as given (text; params.ts) */
  param?: Record<string, string>;
  /** `--target STEP`: only these steps and what they depend on */
  target?: string[];
  /** where a note to the user goes (stderr) */
  say?: (s: string) => void;
}

/**
 * The text `strata plan` prints. With a Dataset among the files, its flow is generated
 * first: by the built-in rules and the Rules in the files, with the Flows in the files as
 * registered units. Otherwise the main flow is planned (main-flow.ts); the others serve its `use` nodes.
 */
export async function planCommand(files: string[], opts: PlanOptions): Promise<string> {
  return (await planOutput(files, opts)).text;
}

/**
 * Error `e` of a plan made here in this command's words: a `use` of a flow none of the files
 * holds says so, where it said "no registered flow", though `strata plan` reads none (tester 17).
 */
function inPlanWords(e: unknown): unknown {
  const err = e as StrataError;
  const unregistered = /no registered flow "([^"]*)"/g;
  if (!(err instanceof Error) || typeof err.code !== 'string' || !unregistered.test(err.message)) return e;
  const say = (text: string) => text.replace(unregistered, 'no flow "$1" among the files given (strata plan reads no registered flow: give the file that holds it)');
  const problems = err.details?.problems?.map((p) => ({ ...p, message: say(p.message) }));
  return new StrataError(err.code, say(err.message), { ...err.details, ...(problems ? { problems } : {}) });
}

/** What `strata plan` prints, and whether the simulated run failed (the CLI then exits 1). */
export async function planOutput(files: string[], opts: PlanOptions): Promise<{ text: string; failed?: string }> {
  const format = opts.format ?? 'json';
  // The same limits as the service's, from the same variables (a bad value: exit 2 naming it).
  const limits = loadLimits();
  const paramsLimits = loadParamsLimits();
  const { maxSteps, maxUnitDepth, maxFanOutItems, maxCompositeResultBytes } = limits;
  if (!['json', 'dot', 'mermaid'].includes(format)) throw new StrataError('invalid_request', `--format must be json, dot or mermaid, not "${format}"`);
  // Argo files become flows first (docs/argo.md); a Workflow among them is the flow planned.
  const argoFiles = files.filter((f) => looksLikeArgo(readText(f)));
  const argo = argoFiles.length > 0 ? await importDocuments(readArgoFiles(argoFiles, limits).map((d) => ({ ...d, doc: withSubmitParams(d.doc, opts.param) }))) : { units: [], workflows: [] };
  const docs = readDocuments(files.filter((f) => !argoFiles.includes(f)), limits);
  const argoFlows = [...argo.units, ...argo.workflows].map((f) => validateFlowDocument(structuredClone(f), limits));
  const flows = [...flowsOf(docs, limits), ...argoFlows];
  // The parameters the service would refuse (its POST /v1/flows, /v1/runs), with this command's limits.
  checkFlowParams(flows, opts.param && argoFiles.length === 0 ? typedParams(opts.param) : opts.param, paramsLimits);
  const datasetDoc = opts.flow ? undefined : docs.find((d) => (d.doc as { kind?: string })?.kind === 'Dataset');
  let compiled;
  let planned: FlowDocument | undefined;
  let argoPlanned = false;
  if (datasetDoc) {
    const rules = [...loadBuiltinRules(GENERATOR_NAMES), ...docs.filter((d) => (d.doc as { kind?: string })?.kind === 'Rule').map((d) => validateRule(d.doc, GENERATORS))];
    compiled = (await planDataset(anchorLocation(validateDataset(datasetDoc.doc, limits), process.cwd()), rules, new MemoryFlowRegistry(flows), GENERATORS, limits).catch((e: unknown) => Promise.reject(inPlanWords(e)))).compiled;
  } else {
    if (flows.length === 0) throw new StrataError('invalid_document', `${files.join(', ')}: no Flow or Dataset document found`);
    // The same main flow `strata apply --run` runs (main-flow.ts); said on stderr when there was a choice.
    const argoMain = opts.flow === undefined && argo.workflows.length > 0 ? argoFlows[argo.units.length] : undefined;
    const { flow: target, why } = argoMain ? { flow: argoMain, why: 'the first Argo Workflow' } : mainFlow(flows, opts.flow);
    if (flows.length > 1 && opts.flow === undefined) opts.say?.(`planning flow ${refOf(target)} (${why})`);
    try {
      // As a run of it would start (run: the volumes its Argo templates mount from the Workflow, run-volumes.ts).
      compiled = await planFlow(target, new MemoryFlowRegistry(flows), limits, { run: true });
    } catch (e) {
      throw argoMain ? inArgoWords(e, argoLabel(target)) : inPlanWords(e);
    }
    planned = target;
    argoPlanned = argoMain !== undefined;
  }
  // An Argo Workflow takes -p values as text, as argo submit does; a strata flow as JSON where they read as JSON.
  // A -p key the planned flow does not declare would be dropped for its default: refused by name (undeclared-params.ts).
  if (opts.param && planned) refuseUndeclaredParams(opts.param, planned.spec.params, '-p', argoPlanned ? argoLabel(planned) : refOf(planned));
  if (opts.param) compiled = { ...compiled, params: { ...compiled.params, ...((argoPlanned ? opts.param : typedParams(opts.param)) as typeof compiled.params) } };
  if (planned) checkRequiredParams(planned, compiled.params); // an Argo Workflow's parameters without value or default
  if (opts.target) compiled = { ...compiled, root: selectTargets(compiled.root, opts.target, compiled.stepIds) };
  if (opts.dryRun) {
    const r = dryRun(compiled.root, compiled.params, { maxSteps, maxUnitDepth, maxFanOutItems, maxCompositeResultBytes });
    if (r.overLimit) dryRunAnswer(r); // throws: the step limit is a limit exceeded (exit 2), its ticks too many to print
    return { text: formatDryRun(r), ...(r.status === 'failed' ? { failed: r.error ?? 'a step failed' } : {}) };
  }
  const plan = toPlanDocument(compiled);
  if (format === 'dot') return { text: renderDot(plan.graph, plan.metadata.name) };
  if (format === 'mermaid') return { text: renderMermaid(plan.graph) };
  return { text: JSON.stringify(plan, null, 2) + '\n' };
}

/**
 * `{ "order": [...] }` with one tick a line: valid JSON that reads well in a terminal;
 * `notes` when the dry run could not know something, `status` and `error` when the
 * simulated run failed (the order up to there is kept).
 */
export function formatDryRun(r: DryRun): string {
  const order = r.order.length === 0 ? '[]' : `[\n${r.order.map((t) => `  ${JSON.stringify(t)}`).join(',\n')}\n]`;
  const rest: string[] = [];
  if (r.notes) rest.push(`"notes": [\n${r.notes.map((n) => `  ${JSON.stringify(n)}`).join(',\n')}\n]`);
  if (r.status === 'failed') rest.push(`"status": "failed", "error": ${JSON.stringify(r.error ?? 'a step failed')}`);
  return `{ "order": ${order}${rest.map((x) => `,\n${x}`).join('')} }\n`;
}
