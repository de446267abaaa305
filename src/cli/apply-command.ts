/**
 * `strata apply FILE... [--run] [--watch]`: send documents to a running strata. Every
 * document is checked here first (validated, every flow compiled against the others and
 * the registered ones, Argo required parameters, the flows Rules, Schedules and Hooks
 * `use`), so a bad one stores nothing. What only the service can judge (a Schedule's tick
 * planned, a Dataset through the rules) stops the apply at that document, named with its
 * file and index (`f.yaml#1: spec.dataset...`), what came before it kept. Then everything in the
 * files is registered before anything runs: Flows (each after the Flows it uses), Rules,
 * Schedules and Hooks (they name a flow), then Datasets. `--run` runs each Dataset, or,
 * when the files hold none, the main flow: the one `strata plan` picks (main-flow.ts),
 * named in the output. Argo files become flows as Argo reads them (docs/argo.md): their
 * WorkflowTemplates are registered first, and each Workflow is a run. `--watch` follows the runs.
 */
import { printable } from './output.ts';
import { GENERATORS } from '../../generators/index.ts';
import { validateDataset, type Dataset } from '../dataset/dataset-document.ts';
import { anchorLocation } from '../dataset/dataset-location.ts';
import { invalid, isRefusal, pathUnder, problemsUnder, refusedUnder, StrataError, type CaughtProblems, type Problem } from '../errors/strata-error.ts';
import { useNodes } from '../flow/uses.ts';
import type { FlowDocument } from '../flow/types.ts';
import type { ParamsLimits } from '../flow/params-limits.ts';
import { validateRule } from '../rules/rule-document.ts';
import { checkRequiredParams } from '../argo/required-params.ts';
import { undeclaredParamProblems } from '../flow/undeclared-params.ts';
import { appendAll } from '../flow/append-all.ts';
import { withSubmitParams } from '../argo/submit-params.ts';
import { argoLabel, inArgoWords } from '../argo/argo-places.ts';
import { WORKFLOW_UNIT } from '../argo/import-argo.ts';
import { fixedWorkflowName, workflowLabel, workflowSelector } from '../argo/workflow-name.ts';
import { validateFlowDocument } from '../flow/flow-document.ts';
import { planFlow } from '../service/plan-flow.ts';
import { loadLimits, loadParamsLimits } from '../app/config.ts';
import type { Client } from './api-client.ts';
import { importDocuments, looksLikeArgo, readArgoFiles, readText } from './argo-files.ts';
import { checkFlowParams, flowsOf, readDocuments } from './local-flows.ts';
import { typedParams } from './params.ts';
import { inUseOrder, mainFlow, refOf } from './main-flow.ts';
import { summarize, watchRun } from './watch.ts';

const KINDS = ['Flow', 'Rule', 'Schedule', 'Hook', 'Dataset'];

export interface ApplyOptions {
  run?: boolean;
  watch?: boolean;
  /** `-p`: parameters of the main flow's run, as given (text: typedParams for a strata flow; an Argo Workflow takes them as text) */
  param?: Record<string, string>;
  /** `--flow name@version`: the Flow to run instead of the main one */
  flow?: string;
  /** `--target STEP`: run only these steps of the main flow and what they depend on */
  target?: string[];
}

export async function applyCommand(files: string[], opts: ApplyOptions, client: Client, out: (s: string) => void): Promise<number> {
  // Checked with the service's limits, from the same variables (a bad value: exit 2 naming it).
  const limits = loadLimits();
  const paramsLimits = loadParamsLimits(); // a bad STRATA_MAX_PARAMS_* stops the command before anything is read (exit 2)
  const argoFiles = files.filter((f) => looksLikeArgo(readText(f)));
  const docs = readDocuments(files.filter((f) => !argoFiles.includes(f)), limits).map((d) => ({ ...d, kind: (d.doc as { kind?: string })?.kind }));
  for (const d of docs) {
    if (!KINDS.includes(d.kind as string)) throw new StrataError('invalid_document', `${d.file}#${d.index}: kind must be Flow, Rule, Schedule, Hook or Dataset, not ${JSON.stringify(d.kind)}`);
  }
  // Checked before anything is sent: a bad third document must not leave the first two stored.
  const flows = inUseOrder(flowsOf(docs, limits));
  const checked: CaughtProblems = { problems: [], more: 0, limits: [] };
  const rules = docs.filter((d) => d.kind === 'Rule');
  const datasets = docs.filter((d) => d.kind === 'Dataset');
  for (const d of rules) checkLocally(() => validateRule(structuredClone(d.doc), GENERATORS), `${d.file}#${d.index}`, checked);
  for (const d of datasets) checkLocally(() => validateDataset(structuredClone(d.doc), limits), `${d.file}#${d.index}`, checked);
  if (checked.problems.length > 0) throw invalid(checked.problems, 'invalid_document', checked.more, checked.limits);
  const runFlow: FlowDocument | undefined = opts.run && datasets.length === 0 && flows.length > 0 ? pickMain(flows, opts.flow, out) : undefined;
  const argoDocs = argoFiles.length > 0 ? readArgoFiles(argoFiles, limits).map((d) => ({ ...d, doc: withSubmitParams(d.doc, opts.param) })) : [];
  const argo = argoDocs.length > 0 ? await importDocuments(argoDocs, client) : { units: [], workflows: [] };
  const argoMade = [...argo.units, ...argo.workflows] as unknown as FlowDocument[];
  await checkAll([...(argo.units as unknown as FlowDocument[]), ...flows], argo.workflows as unknown as FlowDocument[], runFlow, opts.param ?? {}, client, argoMade, paramsLimits);
  // A flow a Rule, Schedule or Hook uses that is neither in the files nor registered: the
  // service would refuse it after the documents before it were stored.
  await checkUses(docs, new Set([...argoMade, ...flows].map(refOf)), client);
  // Each Workflow's fixed name, in the order its flow is made (importArgo: document order), and the run it has already (R6).
  const names = argoDocs.filter((d) => (d.doc as { kind?: unknown } | null)?.kind === 'Workflow').map((d) => fixedWorkflowName(d.doc));
  const earlier = await earlierRuns(argo.workflows as unknown as FlowDocument[], names, client);
  for (const unit of argo.units) {
    const r = await client.call('POST', '/v1/flows', unit);
    const of = (unit.metadata as { annotations?: Record<string, string> }).annotations?.[WORKFLOW_UNIT];
    out(`flow ${r.name}@${r.version} ${r.outcome} (${of ? `Argo Workflow ${of}: a template it calls recursively` : 'Argo WorkflowTemplate'})`);
  }
  for (const f of flows) {
    // flowsOf validated each document in place: f is the document as read, versions as written.
    const r = await client.call('POST', '/v1/flows', f);
    out(`flow ${r.name}@${r.version} ${r.outcome}`);
  }
  for (const d of rules) {
    const r = await sent(d, () => client.call('POST', '/v1/rules', d.doc));
    out(`rule ${(d.doc as { metadata?: { name?: string } }).metadata?.name} ${r.outcome}`);
  }
  for (const d of docs.filter((x) => x.kind === 'Schedule' || x.kind === 'Hook')) {
    const name = (d.doc as { metadata?: { name?: string } }).metadata?.name;
    if (d.kind === 'Schedule') {
      const r = await sent(d, () => client.call('POST', '/v1/schedules', d.doc));
      out(`schedule ${name} ${r.outcome}`);
    } else {
      const r = await sent(d, () => client.call('POST', '/v1/hooks', d.doc));
      out(`hook ${name} ${r.outcome}: POST ${client.base}${r.url} with Authorization: Bearer ${r.token}`);
    }
  }
  const runs: string[] = [];
  for (const d of datasets) {
    // A relative file:// location is the CLI's working directory's: made absolute before it is sent (dataset-location.ts).
    const r = await sent(d, () => client.call('POST', `/v1/datasets${opts.run ? '?run=true' : ''}`, anchorLocation(d.doc as Dataset, process.cwd())));
    out(`dataset ${(d.doc as { metadata?: { name?: string } }).metadata?.name}: rules ${r.matchedRules.join(', ')} -> flow ${r.flow.name}@${r.flow.version} (${r.plan.stepCount} steps)`);
    if (r.runId) {
      out(`run ${r.runId} started`);
      runs.push(r.runId);
    }
  }
  if (runFlow) {
    const run = await client.call('POST', '/v1/runs', { flow: runFlow, ...(opts.param ? { params: typedParams(opts.param) } : {}), ...(opts.target ? { targets: opts.target } : {}) });
    out(`run ${run.runId} started for flow ${refOf(runFlow)}`);
    runs.push(run.runId);
  }
  for (const [i, wf] of argo.workflows.entries()) {
    const name = names[i];
    if (earlier[i] !== undefined) {
      // The same document applied again: as `kubectl apply` of an unchanged object, nothing changes.
      out(`run ${earlier[i]} of Argo Workflow ${name} unchanged (this document was applied already; a Workflow's name is one run's: for another run, strata runs submit the file or use metadata.generateName)`);
      runs.push(earlier[i]!);
      continue;
    }
    const run = await client.call('POST', '/v1/runs', { flow: wf, ...(opts.param ? { params: opts.param } : {}), ...(opts.target ? { targets: opts.target } : {}), ...(name ? { labels: workflowLabel(name) } : {}) });
    out(`run ${run.runId} started for Argo Workflow ${wf.metadata.name}`);
    runs.push(run.runId);
  }
  let failed = 0;
  if (opts.watch) {
    for (const id of runs) {
      const run = await watchRun(client, id, out, { note: (s) => void process.stderr.write(`${printable(s, { lines: true })}\n`) });
      out(summarize(run));
      if (run.status !== 'succeeded') failed++;
    }
  }
  return failed > 0 ? 1 : 0;
}

/**
 * Every flow to register, every Argo Workflow to run and the main flow to run, compiled
 * here against each other and the flows strata has, before anything is sent: so a flow the
 * server would refuse (a missing unit, a loop too large, a use cycle), or a run missing a
 * required parameter, leaves nothing of the files registered (POST /v1/runs checks its
 * body whole the same way). Problems are gathered, each with its flow; parameters are
 * checked with `paramsLimits`, the command's own (loadParamsLimits, read once at its start).
 */
export async function checkAll(flows: FlowDocument[], workflows: FlowDocument[], runFlow: FlowDocument | undefined, params: Record<string, unknown>, client: Client, argo: FlowDocument[], paramsLimits: ParamsLimits): Promise<void> {
  const given = new Map([...flows, ...workflows].map((f) => [refOf(f), f]));
  const registry = {
    async get(ref: string): Promise<FlowDocument | undefined> {
      return given.get(ref) ?? registeredFlow(ref, client);
    },
  };
  // The parameters the service would refuse, with this command's limits: each flow's, and the run's -p (typed for a strata flow, as sent).
  checkFlowParams([...flows, ...workflows], runFlow ? typedParams(params as Record<string, string>) : workflows.length > 0 && Object.keys(params).length > 0 ? params : undefined, paramsLimits);
  const g: CaughtProblems = { problems: [], more: 0, limits: [] };
  for (const f of [...flows, ...workflows]) {
    try {
      // A Workflow (a run starting) also as its run would start: the volumes its templates mount (argo/run-volumes.ts).
      await planFlow(validateFlowDocument(structuredClone(f), loadLimits()), registry, loadLimits(), { run: workflows.includes(f) });
    } catch (caught) {
      const argoMade = argo.includes(f);
      const err = (argoMade ? inArgoWords(caught, argoLabel(f)) : caught) as StrataError;
      if (!err.code || err.code === 'unavailable') throw caught;
      problemsUnder(`flow ${refOf(f)}`, err, g);
    }
  }
  // A -p key the flow run does not declare would be dropped for its default: refused by name, gathered with the rest (undeclared-params.ts).
  for (const f of [...workflows, ...(runFlow ? [runFlow] : [])]) appendAll(g.problems, undeclaredParamProblems(params, f.spec.params, `flow ${refOf(f)}: -p`, argo.includes(f) ? argoLabel(f) : refOf(f)));
  for (const f of [...workflows, ...(runFlow ? [runFlow] : [])]) checkLocally(() => checkRequiredParams(f, { ...f.spec.params, ...params }), `flow ${refOf(f)}`, g);
  if (g.problems.length > 0) throw invalid(g.problems, 'invalid_document', g.more, g.limits);
}

/**
 * The run each Workflow with a fixed name (`names[i]`, undefined for a generateName one) has
 * already, found by its label (argo/workflow-name.ts): a run of the same document (its flow's
 * version) is given back, and apply starts none, as `kubectl apply` of an unchanged object
 * changes nothing; a run of another document of the name refuses the apply (conflict, exit 5)
 * before anything is registered, as Argo refuses a second Workflow of a name ("already
 * exists"), naming the run and the ways to run the document (Argo tester 7, R6).
 */
async function earlierRuns(workflows: FlowDocument[], names: Array<string | undefined>, client: Client): Promise<Array<string | undefined>> {
  const out: Array<string | undefined> = [];
  const problems: Problem[] = [];
  for (const [i, wf] of workflows.entries()) {
    const name = names[i];
    if (name === undefined) {
      out.push(undefined);
      continue;
    }
    const found = (await client.call('GET', `/v1/runs?limit=1000&selector=${encodeURIComponent(workflowSelector(name))}`)) as { runs: Array<{ id: string; flow: string }> };
    const same = found.runs.find((r) => r.flow === refOf(wf));
    out.push(same?.id);
    if (same || found.runs.length === 0) continue;
    const ids = found.runs.map((r) => r.id);
    problems.push({ path: `Argo Workflow ${name}`, message: `Workflow ${name} already exists: run ${ids.join(', ')} was started from another document of that name (a Workflow's name is one run's, as in Argo); to run this one, delete ${ids.length > 1 ? 'them' : 'it'} (strata runs delete ${ids.join(' ')}) and apply again, give the Workflow metadata.generateName for a run at each apply, or start another run with strata runs submit FILE` });
  }
  if (problems.length > 0) throw invalid(problems, 'conflict');
  return out;
}

function pickMain(flows: FlowDocument[], pick: string | undefined, out: (s: string) => void): FlowDocument {
  const { flow, why } = mainFlow(flows, pick);
  out(`main flow ${refOf(flow)} (${why})`);
  return flow;
}

/**
 * The `use`s of the Rules (`spec.emit`, as written: a json-logic one is known only at an
 * ingest), Schedules and Hooks (`spec.use`) among `docs` whose flow is not in `given` (the
 * files' flows) nor registered: refused, each at its file, document and path, every one at
 * once (not_found, as the service answers each), before anything is sent.
 */
async function checkUses(docs: Array<{ file: string; index: number; doc: unknown; kind?: string }>, given: Set<string>, client: Client): Promise<void> {
  const problems: Problem[] = [];
  const registered = new Map<string, boolean>();
  for (const d of docs) {
    const spec = (d.doc as { spec?: { emit?: unknown; use?: unknown } }).spec;
    const uses = d.kind === 'Rule' ? useNodes(spec?.emit, 'spec.emit').map((u) => ({ ref: u.ref, path: `${u.path}.use` }))
      : (d.kind === 'Schedule' || d.kind === 'Hook') && typeof spec?.use === 'string' ? [{ ref: spec.use, path: 'spec.use' }] : [];
    for (const u of uses) {
      if (given.has(u.ref)) continue;
      if (!registered.has(u.ref)) registered.set(u.ref, (await registeredFlow(u.ref, client)) !== undefined);
      if (!registered.get(u.ref)) problems.push({ path: pathUnder(`${d.file}#${d.index}`, u.path), message: `no flow ${u.ref} is in the files or registered` });
    }
  }
  if (problems.length > 0) throw invalid(problems, 'not_found');
}

/** Registered flow `ref` (name@version) as the service has it, or undefined when it has none. */
async function registeredFlow(ref: string, client: Client): Promise<FlowDocument | undefined> {
  const at = ref.lastIndexOf('@');
  try {
    return (await client.call('GET', `/v1/flows/${encodeURIComponent(ref.slice(0, at))}/${encodeURIComponent(ref.slice(at + 1))}`)) as FlowDocument;
  } catch (e) {
    if ((e as StrataError).code === 'not_found') return undefined;
    throw e;
  }
}

/** `send()`'s answer; a refusal of document `d` by the service is said at its file and document (refusedUnder), its code and details (the service's hint on a limit) kept. */
async function sent<T>(d: { file: string; index: number }, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (e) {
    if (!isRefusal(e)) throw e;
    const placed = refusedUnder(`${d.file}#${d.index}`, e);
    throw new StrataError(placed.code, placed.message, { ...e.details, ...placed.details });
  }
}

function checkLocally(fn: () => unknown, where: string, g: CaughtProblems): void {
  try {
    fn();
  } catch (e) {
    problemsUnder(where, e, g);
  }
}
