/** `strata runs list|get|watch|submit|cancel|retry|resubmit|delete`, with argo's and tkn's habits. */
import { StrataError } from '../errors/strata-error.ts';
import type { RunSummary, RunView } from '../run/run-view.ts';
import type { Client } from './api-client.ts';
import { age, duration, labelText, outputFormat, serialize, table } from './output.ts';
import { planOrderOf } from './plan-order-of.ts';
import { progress, runTree } from './run-tree.ts';
import { summarize, watchRun } from './watch.ts';
import { appendAll } from '../flow/append-all.ts';
import { typedParams } from './params.ts';

type Out = (s: string) => void;
const path = (id: string, tail = '') => `/v1/runs/${encodeURIComponent(id)}${tail}`;

export interface ListOptions {
  selector?: string;
  status?: string;
  flow?: string;
  dataset?: string;
  limit?: string;
  all?: boolean;
  output?: string;
}

/** `strata runs list`: newest first; `-o wide` adds labels and the Dataset; `--all` follows every page. */
export async function listRuns(client: Client, o: ListOptions, out: Out): Promise<void> {
  const format = outputFormat(o.output);
  const q = new URLSearchParams();
  if (o.selector) q.set('selector', o.selector);
  if (o.status) q.set('status', o.status);
  if (o.flow) q.set('flow', o.flow);
  if (o.dataset) q.set('dataset', o.dataset);
  q.set('limit', o.limit ?? '100');
  const runs: RunSummary[] = [];
  let next: string | null = null;
  do {
    if (next) q.set('cursor', next);
    const page = (await client.call('GET', `/v1/runs?${q}`)) as { runs: RunSummary[]; next: string | null };
    appendAll(runs, page.runs);
    next = o.all ? page.next : null;
  } while (next);
  if (format === 'json' || format === 'yaml') return out(await serialize({ runs }, format));
  if (format === 'name') return out(runs.map((r) => r.id).join('\n'));
  if (runs.length === 0) return out('no runs');
  const now = Date.now();
  const took = (r: RunSummary) => duration((r.finishedAt ? Date.parse(r.finishedAt) : now) - Date.parse(r.createdAt));
  const header = ['name', 'run', 'status', 'age', 'duration', 'flow', ...(format === 'wide' ? ['dataset', 'labels'] : [])];
  out(table(header, runs.map((r) => [r.name, r.id, r.status, age(r.createdAt, now), took(r), r.flow, ...(format === 'wide' ? [r.dataset ?? '', labelText(r.labels)] : [])])));
}

/**
 * `strata runs get RUN`: the run as a tree, or the API's answer with `-o json|yaml`. A run
 * of more than VIEW_STEPS steps shows its first ones and counts by status (`?summary=true`:
 * the API's `stepsSummary`); `all` asks for every step.
 */
export async function getRun(client: Client, id: string, o: { output?: string; all?: boolean | string }, out: Out): Promise<void> {
  const format = outputFormat(o.output, ['table', 'wide', 'json', 'yaml']);
  const run = (await client.call('GET', path(id, o.all ? '' : '?summary=true'))) as RunView;
  if (format === 'json' || format === 'yaml') return out(await serialize(run, format));
  // The tree in plan order (the API's answer is in step-id order, its pages' order): the run's plan says it.
  out(runTree(run, Date.now(), await planOrderOf(client, id)));
}

/** `strata runs watch RUN`: live progress until the run ends; exit 1 unless it succeeded. */
export async function watch(client: Client, id: string, out: Out, note: Out): Promise<number> {
  const run = await watchRun(client, id, out, { note });
  out(`${summarize(run)}  (${progress(run)} steps)`);
  return run.status === 'succeeded' ? 0 : 1;
}

/** cancel, retry, resubmit, delete: one line saying what happened. */
export async function act(client: Client, verb: 'cancel' | 'retry' | 'resubmit' | 'delete', id: string, out: Out): Promise<string> {
  if (verb === 'delete') {
    await client.call('DELETE', path(id));
    out(`run ${id} deleted`);
    return id;
  }
  const r = await client.call('POST', path(id, `/${verb}`));
  if (verb === 'resubmit') {
    out(`run ${r.runId} submitted (resubmit of ${id})`);
    return r.runId as string;
  }
  out(`run ${id} ${verb === 'cancel' ? 'cancelled' : `retried: ${(r as RunView).status}`}`);
  return id;
}

export interface SubmitOptions {
  /** a registered flow: name@version, or name for its latest version */
  use?: string;
  /** argo submit's `--from workflowtemplate/NAME`: the same as --use NAME */
  from?: string;
  /** -p values as given (text) */
  param?: Record<string, string>;
  /** argo submit's `--entrypoint NAME`: the template the Workflow (or the file's WorkflowTemplate) starts from */
  entrypoint?: string;
  target?: string[];
  label?: Record<string, string>;
  watch?: boolean;
}

/**
 * The registered flow `--use` names: `name@version`, or `name` alone for the version
 * registered last (the registry's `latest`, as a templateRef resolves; Argo tester 6, Q18:
 * the version strata made up for a WorkflowTemplate had to be looked up first). Refused
 * naming `--use` when there is no such flow or version (exit 4), and whether it was made
 * from an Argo WorkflowTemplate (its params are text).
 */
async function registeredRef(client: Client, use: string): Promise<{ ref: string; argo: boolean; workflowTemplate?: string; latest?: string }> {
  const at = use.indexOf('@');
  const name = at < 0 ? use : use.slice(0, at);
  if (name === '' || at === use.length - 1) throw new StrataError('invalid_request', `--use ${use}: give a registered flow as name or name@version`);
  let found: { versions: Array<{ metadata: { version: string; annotations?: Record<string, string> } }>; latest?: string };
  try {
    found = (await client.call('GET', `/v1/flows/${encodeURIComponent(name)}`)) as typeof found;
  } catch (e) {
    if ((e as StrataError).code !== 'not_found' && (e as StrataError).code !== 'invalid_request') throw e;
    const library = at < 0 ? await libraryUnits(client, name) : [];
    if (library.length > 0) {
      throw new StrataError('invalid_request', `--use ${use}: WorkflowTemplate ${name} was applied without an entrypoint, so it has no flow of its own to run (its templates' flows: ${library.join(', ')}): give --from workflowtemplate/${name} --entrypoint TEMPLATE, as argo submit needs for a WorkflowTemplate without one`);
    }
    throw new StrataError('not_found', `--use ${use}: no flow "${name}" is registered (strata flows list shows them)`);
  }
  const versions = found.versions.map((v) => v.metadata.version);
  const version = at < 0 ? found.latest ?? (versions.length === 1 ? versions[0] : undefined) : use.slice(at + 1);
  if (version === undefined) throw new StrataError('invalid_request', `--use ${use}: flow "${name}" has several versions (${versions.sort().join(', ')}) and none was registered last; give one as ${name}@VERSION`);
  const flow = found.versions.find((v) => v.metadata.version === version);
  if (!flow) throw new StrataError('not_found', `--use ${use}: flow "${name}" has no version "${version}" (it has ${versions.sort().join(', ')})`);
  const { WORKFLOW_TEMPLATE } = await import('../argo/import-argo.ts');
  const workflowTemplate = flow.metadata.annotations?.[WORKFLOW_TEMPLATE];
  return { ref: `${name}@${version}`, argo: workflowTemplate !== undefined, ...(workflowTemplate !== undefined ? { workflowTemplate } : {}), ...(found.latest !== undefined ? { latest: found.latest } : {}) };
}

/** WorkflowTemplate `name`'s template flows when it was applied without an entrypoint (references.ts libraryUnits, over the service's flows). */
async function libraryUnits(client: Client, name: string): Promise<string[]> {
  const [{ libraryUnits: units }, { flowNames }] = await Promise.all([import('../argo/references.ts'), import('./argo-files.ts')]);
  return units(name, () => flowNames(client), async (n) => ((await client.call('GET', `/v1/flows/${encodeURIComponent(n)}`)) as { versions: Array<{ metadata: object }> }).versions);
}

/** `strata runs submit [FILE] [--use name@version] [-p k=v] [-l k=v] [--watch]`: start a run of a Flow file or a registered flow. */
export async function submit(client: Client, file: string | undefined, o: SubmitOptions, out: Out, note: Out): Promise<number> {
  if (o.from !== undefined) {
    // argo submit's spelling: --from workflowtemplate/NAME runs its entrypoint, as --use NAME does.
    const m = /^(?:workflowtemplate|wftmpl)\/(.+)$/i.exec(o.from);
    if (!m) throw new StrataError('invalid_request', `--from ${o.from}: give workflowtemplate/NAME (a WorkflowTemplate applied with strata apply)`);
    if (o.use !== undefined) throw new StrataError('invalid_request', 'give --use or --from, not both');
    o = { ...o, use: m[1] };
  }
  if ((file === undefined) === (o.use === undefined)) throw new StrataError('invalid_request', 'give a Flow file or --use name[@version] (one of them)');
  // The size and parameter limits of this command's environment, checked at start as apply's and plan's (a bad value: exit 2
  // naming it, not taken in silence because only an Argo file is checked with them); an Argo file is read within them.
  const { loadLimits, loadParamsLimits } = await import('../app/config.ts');
  const limits = loadLimits();
  const paramsLimits = loadParamsLimits();
  // An Argo Workflow takes -p values as text (as argo submit); a strata flow as JSON where they read as JSON.
  const given = o.param ?? {};
  const params = typedParams(given);
  let body: Record<string, unknown> = {};
  // --use of a WorkflowTemplate with --entrypoint: a Workflow running it by workflowTemplateRef from that template,
  // as argo submit --from workflowtemplate/NAME --entrypoint T makes (argo-workflows workflow/util/util.go ApplySubmitOpts).
  let fromTemplate: { doc: unknown; source: string } | undefined;
  const fromName = o.from !== undefined && o.entrypoint !== undefined ? o.use : undefined;
  if (fromName !== undefined && !fromName.includes('@')) {
    // --from workflowtemplate/W --entrypoint T: the Workflow argo submit makes, whatever W registered (an entry flow, or
    // units only when W has no entrypoint): its import finds W, or says it is not registered (issue 12).
    fromTemplate = { doc: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: `${fromName}-` }, spec: { workflowTemplateRef: { name: fromName }, entrypoint: o.entrypoint } }, source: `--from ${o.from}` };
  } else if (o.use) {
    const used = await registeredRef(client, o.use);
    if (o.entrypoint !== undefined) {
      if (used.workflowTemplate === undefined) throw new StrataError('invalid_request', `--entrypoint ${o.entrypoint}: --use ${o.use} is not made from an Argo WorkflowTemplate (a strata Flow has no entrypoint to choose)`);
      const wt = used.workflowTemplate;
      // The Workflow made runs the WorkflowTemplate by workflowTemplateRef, which resolves to the
      // version applied last when the run starts (src/argo/relink.ts), as Argo reads the one
      // WorkflowTemplate there is: an older version named is refused, not run as another.
      const version = used.ref.slice(used.ref.indexOf('@') + 1);
      if (o.use.includes('@') && used.latest !== undefined && version !== used.latest) {
        throw new StrataError('invalid_request', `--entrypoint ${o.entrypoint}: --use ${o.use} names a version of WorkflowTemplate ${wt} other than the one applied last (${used.latest}); a run from another entrypoint takes the WorkflowTemplate as a workflowTemplateRef does, in the version applied last: give --use ${o.use.slice(0, o.use.indexOf('@'))}, or run ${o.use} from its own entrypoint (without --entrypoint)`);
      }
      fromTemplate = { doc: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: `${wt}-` }, spec: { workflowTemplateRef: { name: wt }, entrypoint: o.entrypoint } }, source: `--use ${o.use}` };
    }
    // A flow made from an Argo WorkflowTemplate takes -p as text, as argo submit --from does.
    else body = { use: used.ref, with: used.argo ? given : params };
  }
  if (!o.use || fromTemplate) {
    // The document reader (YAML, the Flow schema) is loaded only here: listing runs stays quick.
    const argo = await import('./argo-files.ts');
    if (fromTemplate || argo.looksLikeArgo(argo.readText(file!))) {
      // An Argo Workflow, as `argo submit` takes it: its templateRefs' units are registered. A
      // file of WorkflowTemplates only runs the first one's entrypoint (argo submit --from).
      const { withSubmitParams } = await import('../argo/submit-params.ts');
      let read = fromTemplate ? [fromTemplate] : argo.readArgoFiles([file!], limits);
      if (o.entrypoint !== undefined && !fromTemplate) read = (await import('../argo/submit-entrypoint.ts')).withEntrypoint(read, o.entrypoint);
      const docs = read.map((d) => ({ ...d, doc: withSubmitParams(d.doc, given) }));
      const { units, workflows, entries } = await argo.importDocuments(docs, client);
      const run = workflows[0] ?? entries[0];
      if (!run) throw new StrataError('invalid_document', `${file}: no Argo Workflow, and no WorkflowTemplate with a spec.entrypoint to run`);
      // A required parameter missing, or a volume its templates mount that the run lacks, is refused before the units are
      // registered: the run is checked as it will start, against the units and the flows strata has (apply's checkAll).
      const { checkAll } = await import('./apply-command.ts');
      // The importer's flows are strata Flow documents (argo/target-types.ts mirrors their type).
      const made = [...units, run] as unknown as Parameters<typeof checkAll>[0];
      await checkAll(made.slice(0, -1).filter((u) => u !== made.at(-1)), made.slice(-1), undefined, given, client, made, paramsLimits);
      for (const u of units) await client.call('POST', '/v1/flows', u);
      // A Workflow's fixed name labels its run, which `strata apply` finds (argo/workflow-name.ts, R6).
      const { fixedWorkflowName, workflowLabel } = await import('../argo/workflow-name.ts');
      const named = workflows[0] ? fixedWorkflowName(docs.find((d) => (d.doc as { kind?: unknown } | null)?.kind === 'Workflow')?.doc) : undefined;
      body = { flow: run, params: given, ...(named ? { labels: workflowLabel(named) } : {}) };
    } else {
      const { readDocuments } = await import('./local-flows.ts');
      const flows = readDocuments([file!]).filter((d) => (d.doc as { kind?: string })?.kind === 'Flow');
      if (flows.length === 0) throw new StrataError('invalid_document', `${file}: no Flow document found`);
      if (o.entrypoint !== undefined) throw new StrataError('invalid_request', `--entrypoint ${o.entrypoint}: ${file} holds a strata Flow, which has no entrypoint to choose (an Argo Workflow or WorkflowTemplate has)`);
      body = { flow: flows[0].doc, params };
    }
  }
  if (o.label) body.labels = { ...(body.labels as Record<string, string> | undefined), ...o.label };
  if (o.target) body.targets = o.target;
  const r = await client.call('POST', '/v1/runs', body);
  out(`run ${r.runId} submitted`);
  return o.watch ? watch(client, r.runId, out, note) : 0;
}
