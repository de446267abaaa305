/**
 * Argo documents in, strata Flow documents out (pure: no I/O). A `Workflow` becomes the
 * flow its run runs; a `WorkflowTemplate` named W registers one unit flow per template T,
 * `w.t@<version>`, which `templateRef: { name: W, template: T }` uses, and, when it has an
 * entrypoint, the flow `w@<version>`, which `workflowTemplateRef` uses. The version is
 * `argo-` and the first 12 hex digits of the SHA-256 of the document as read, so the same
 * document registers again unchanged and an edited one is a new version (docs/argo.md).
 */
import { createHash } from 'node:crypto';
import { addProblems, argoProblem, gather, gathered, throwGathered, type Gathered } from './argo-problems.ts';
import type { FlowDocument, FlowNode, JsonValue } from './target-types.ts';
import { NAME_PATTERN, SOURCE_DOCUMENT } from '../flow/task-schema.ts';
import { checkArgoDocument, ownValue, STAND_IN, type ArgoDocument, type ArgoTemplate } from './argo-document.ts';
import { inlineTemplate } from './composite.ts';
import type { ReachWork } from './dag-reach.ts';
import { retryOf, type InlineContext, type UnitRef } from './invoke.ts';
import { artifactRef } from './leaf.ts';
import { REQUIRED_PARAMS, requiredParams } from './required-params.ts';
import { givenOrOwn, ownInput, paramDefault, type Scope } from './scope.ts';
import { readLogic, renderField, text, type Path, type Value } from './values.ts';
import { appendAll } from '../flow/append-all.ts';
import { inUseOrder } from '../flow/uses.ts';
import { dropEmptyWith, globalLinks, globalsOfParams, isGlobalParam, linkGlobals, workflowNameLogic, type GlobalLinks } from './globals.ts';
import { nulProblem } from '../flow/params-limits.ts';
import { DEFAULT_LIMITS } from '../flow/limits.ts';
import { nameClashes } from './name-clash.ts';
import { MOUNTS, VOLUMES } from './run-volumes.ts';
import { workflowMounts } from './volumes.ts';
import { TEMPLATE, WORKFLOW_TEMPLATE } from './flow-marks.ts';

export interface ImportResult {
  /** flows to register before the workflows run: every WorkflowTemplate's units and entry flows */
  units: FlowDocument[];
  /** one flow per Workflow, in document order */
  workflows: FlowDocument[];
  /** the entry flow of each WorkflowTemplate with an entrypoint (also in units), in document order: what `argo submit --from` runs */
  entries: FlowDocument[];
}

/** Annotation of a unit flow made from a Workflow's (recursive) template: the Workflow's name. */
/** How an import is bounded: `work` counts DAG ancestor queries (dag-reach.ts), `maxDepth` is how deep templates may nest (Limits.maxDepth). */
export interface ImportOptions {
  work?: ReachWork;
  maxDepth?: number;
  /** template flows of registered WorkflowTemplates without an entrypoint, by name (references.ts libraryListings): named when a Workflow asks one for a template it lacks */
  libraries?: ReadonlyMap<string, string[]>;
  /** no registered flow is read (strata plan, strata import argo): a WorkflowTemplate not among the documents is said to be so */
  local?: boolean;
}

export const WORKFLOW_UNIT = 'strata/argo-workflow';

// The marks of an imported flow live in flow-marks.ts (read by the store without the importer).
export { TEMPLATE, WORKFLOW_TEMPLATE };

const annotationsOf = (f: FlowDocument): Record<string, string> => (f.metadata as { annotations?: Record<string, string> }).annotations ?? {};

/** The registered flows that are WorkflowTemplate `w`'s unit of template `t`, or its entry flow when `t` is undefined. */
function madeFrom(flows: FlowDocument[], w: string, t: string | undefined): FlowDocument[] {
  return flows.filter((f) => annotationsOf(f)[WORKFLOW_TEMPLATE] === w && annotationsOf(f)[TEMPLATE] === t);
}

/** The metadata with annotations added. */
function annotated(meta: FlowDocument['metadata'], add: Record<string, string>): FlowDocument['metadata'] {
  if (Object.keys(add).length === 0) return meta;
  return { ...meta, annotations: { ...meta.annotations, ...add } };
}

/** Flows registered already, by name (every version), for templateRefs the documents do not hold. */
export type RegisteredFlows = (name: string) => FlowDocument[];

/**
 * The registered versions of a flow name a templateRef may resolve to (Argo tester fault
 * 15): applying an edited WorkflowTemplate registers a new version of its flows, and as
 * `kubectl apply` replaces the template, the version applied last (`latest`, the registry's
 * mark) is the one meant; the other versions made from a WorkflowTemplate are left out
 * (they stay registered: runs started with them keep them). Without a mark on one of them,
 * every version is kept, and several are refused by name.
 */
export function currentVersions<T extends { metadata: { version: string } }>(versions: T[], latest: string | undefined): T[] {
  const fromTemplate = (f: T) => (f.metadata as { annotations?: Record<string, string> }).annotations?.[WORKFLOW_TEMPLATE] !== undefined;
  if (latest === undefined || !versions.some((f) => f.metadata.version === latest && fromTemplate(f))) return versions;
  return versions.filter((f) => !fromTemplate(f) || f.metadata.version === latest);
}

const problem = argoProblem;

/** An Argo name as flow-name characters: lower case, other characters as "-", no "-" or "." at either end. */
const flowText = (name: string): string => trimDashes(name.toLowerCase().replace(/[^a-z0-9.-]/g, '-'));

/**
 * `s` without "-" and "." at either end, in one pass: /[-.]+$/ read a name of many "-" from
 * each to the end (quadratic: a Workflow named with 400,000 held a thread a minute).
 */
function trimDashes(s: string): string {
  let [a, b] = [0, s.length];
  while (a < b && (s[a] === '-' || s[a] === '.')) a++;
  while (b > a && (s[b - 1] === '-' || s[b - 1] === '.')) b--;
  return s.slice(a, b);
}

/** A strata flow name for an Argo name: lower case, other characters as "-". */
export function flowName(name: string, where: string): string {
  const n = flowText(name);
  if (!NAME_PATTERN.test(n)) throw problem(where, `"${name}" makes the flow name "${n}", which is not a strata flow name (lower-case letters, digits, "-" and ".", at most 64)`);
  return n;
}

/** Flow-name characters of any length (NAME_PATTERN without its 64). */
const LONG_NAME = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;
/** Hex digits of the digest a shortened unit name ends with. */
const DIGEST_CHARS = 10;

/**
 * The flow name of template `template` of the document named `doc` (a WorkflowTemplate, or a
 * Workflow's recursive unit): `<doc>.<template>` as flowName makes it, or, when that is over
 * 64 characters, its first 53 characters, "-" and the first 10 hex digits of the SHA-256 of
 * the whole joined name (Argo tester 8, S18). Argo checks each name alone, never the pair (a
 * WorkflowTemplate's name is an object name, a template's a DNS-1123 label: Argo
 * workflow/validate ValidateWorkflowTemplate, validateNonLeaf/isValidTemplateName), so every
 * valid pair must make a flow name; deterministic, so a templateRef finds it again.
 * Throws a StrataError (at `where`) only for a pair that makes no flow name at any length.
 */
export function unitFlowName(doc: string, template: string, where: string): string {
  const joined = `${doc}.${template}`;
  const n = flowText(joined);
  if (NAME_PATTERN.test(n) || !LONG_NAME.test(n)) return flowName(joined, where);
  const prefix = trimDashes(n.slice(0, 64 - DIGEST_CHARS - 1));
  return `${prefix}-${createHash('sha256').update(n).digest('hex').slice(0, DIGEST_CHARS)}`;
}

/** The document's version (flow-marks.ts ARGO_VERSION). */
const versionOf = (doc: ArgoDocument): string => `argo-${createHash('sha256').update(JSON.stringify(doc)).digest('hex').slice(0, 12)}`;

/** The unit template `t` of the document named `docName` registers as, from its definition. */
function unitOf(docName: string, version: string, t: ArgoTemplate): UnitRef {
  return {
    ref: `${unitFlowName(docName, t.name, `${docName}, template ${t.name}`)}@${version}`,
    result: !t.steps && !t.dag,
    podRoot: t.containerSet !== undefined,
    ownRetry: (t.steps !== undefined || t.dag !== undefined) && t.retryStrategy !== undefined,
    params: (t.inputs?.parameters ?? []).map((p) => p.name),
    required: (t.inputs?.parameters ?? []).filter((p) => ownValue(p) === undefined).map((p) => p.name),
    inputs: (t.inputs?.artifacts ?? []).map((a) => a.name),
    outputs: { parameters: (t.outputs?.parameters ?? []).map((p) => p.name), artifacts: (t.outputs?.artifacts ?? []).map((a) => a.name) },
  };
}

/** The unit of a registered flow (when exactly one version of it is registered). */
function registeredUnit(name: string, flows: FlowDocument[], where: string, links?: GlobalLinks): UnitRef {
  if (flows.length > 1) throw problem(where, `several versions of ${name} are registered (${flows.map((f) => f.metadata.version).sort().join(', ')}) and none was applied last; apply the WorkflowTemplate again (its version then counts), give it in the same files, or delete the versions not meant (strata flows delete ${name}@VERSION)`);
  const f = flows[0];
  const spec = f.spec as FlowDocument['spec'] & { inputs?: string[]; outputs?: { parameters?: Record<string, string>; artifacts?: Record<string, string> } };
  const ref = `${f.metadata.name}@${f.metadata.version}`;
  // The workflow parameters it reads, which each call passes in (globals.ts).
  if (links && !links.units.has(ref)) links.units.set(ref, globalsOfParams(spec.params as Record<string, unknown>));
  return {
    ref,
    result: 'task' in f.spec.root || 'pod' in f.spec.root,
    podRoot: 'pod' in f.spec.root,
    ownRetry: f.spec.root.retryWhole !== undefined,
    params: Object.keys(spec.params ?? {}).filter((k) => !isGlobalParam(k)),
    // Named in its annotation (unitFlow): a param of null may also be a default read at run start (R1).
    required: requiredParams(f).filter((k) => !isGlobalParam(k)),
    inputs: spec.inputs ?? [],
    outputs: { parameters: Object.keys(spec.outputs?.parameters ?? {}), artifacts: Object.keys(spec.outputs?.artifacts ?? {}) },
  };
}

function metadataOf(doc: ArgoDocument, name: string, version: string): FlowDocument['metadata'] {
  const labels = doc.metadata.labels as Record<string, string> | undefined;
  const annotations = { ...(doc.metadata.annotations as Record<string, string> | undefined), ...(doc.metadata.namespace ? { 'argoproj.io/namespace': doc.metadata.namespace } : {}) };
  return { name, version, ...(labels && Object.keys(labels).length > 0 ? { labels } : {}), ...(Object.keys(annotations).length > 0 ? { annotations } : {}) } as FlowDocument['metadata'];
}

/** The metadata with the required parameters' annotation (required-params.ts), when there are any. */
function withRequired(meta: FlowDocument['metadata'], required: string[]): FlowDocument['metadata'] {
  if (required.length === 0) return meta;
  const m = meta as FlowDocument['metadata'] & { annotations?: Record<string, string> };
  return { ...m, annotations: { ...m.annotations, [REQUIRED_PARAMS]: required.join(',') } } as FlowDocument['metadata'];
}

/** The root of a flow for template `t`: a pod template is the root step `main`, a composite adds no segment. */
const rootPath = (t: ArgoTemplate): Path => (t.steps || t.dag ? [] : ['main']);

/** Params of the workflow's arguments: `value` is the default, none is null (declared, given with -p). */
function argumentParams(doc: ArgoDocument, where: string): Record<string, JsonValue> {
  if (doc.spec.arguments?.artifacts?.length) throw problem(`${where}: spec.arguments.artifacts`, 'workflow-level artifacts are not supported; produce them in a step');
  const out: Record<string, JsonValue> = {};
  for (const p of doc.spec.arguments?.parameters ?? []) {
    if (p.valueFrom) throw problem(`${where}: spec.arguments.parameters(${p.name})`, 'valueFrom (config maps, supplied values) is not supported; give a value');
    out[p.name] = p.value ?? p.default ?? null;
    // Said here in the document's terms, not later as the flow's spec.params (Argo tester 3, N12).
    const nul = nulProblem(out[p.name], '');
    if (nul) throw problem(`${where}: spec.arguments.parameters(${p.name})`, nul.message);
  }
  return out;
}

/**
 * Documents (already parsed) to flows; every document is validated first, with `source` in
 * its problems. Every problem of every document is reported at once (argo-problems.ts):
 * the import goes on past a refused document, template or step, and throws them together.
 * `options.work`, when given, counts the work of DAG ancestor queries (dag-reach.ts);
 * `options.maxDepth` bounds how deep templates nest (STRATA_MAX_FLOW_DEPTH, 48 when unset).
 */
export function importArgo(docs: Array<{ doc: unknown; source: string }>, registered: RegisteredFlows = () => [], options: ImportOptions = {}): ImportResult {
  const g = gathered();
  const links = globalLinks();
  // A document with only unknown keys wrong is read on without them, so its other problems are found too.
  const refusedValues: string[] = [];
  const valid = docs.flatMap((d) => {
    const { argo, problems, repaired } = checkArgoDocument(d.doc, d.source);
    addProblems(g, problems);
    appendAll(refusedValues, repaired ?? []);
    return argo ? [{ ...d, argo }] : [];
  });
  // The documents' own problems (their shape) are said first; what the import finds follows.
  const shapeSaid = g.list.length;
  const templatesDocs = new Map<string, ArgoDocument>();
  for (const { argo, source } of valid) {
    if (argo.kind !== 'WorkflowTemplate') continue;
    gather(g, () => {
      if (!argo.metadata.name) throw problem(source, 'a WorkflowTemplate needs metadata.name');
      if (templatesDocs.has(argo.metadata.name)) throw problem(source, `WorkflowTemplate ${argo.metadata.name} is given twice`);
      templatesDocs.set(argo.metadata.name, argo);
    }, () => undefined);
  }
  const unit = (name: string, template: string): UnitRef => {
    const where = `templateRef ${name}/${template}`;
    const wft = templatesDocs.get(name);
    if (wft) {
      const t = (wft.spec.templates ?? []).find((x) => x.name === template);
      if (!t) throw problem(where, `WorkflowTemplate ${name} has no template "${template}"`);
      return unitOf(wft.metadata.name!, versionOf(wft), t);
    }
    // Only a WorkflowTemplate's unit: not a native Flow or a Workflow's recursive unit of that name.
    const flows = madeFrom(registered(unitFlowName(name, template, where)), name, template);
    if (flows.length === 0) throw problem(where, `no WorkflowTemplate ${name} with template ${template} is given or registered`);
    return registeredUnit(unitFlowName(name, template, where), flows, where, links);
  };
  const units: FlowDocument[] = [];
  const entries: FlowDocument[] = [];
  for (const wft of templatesDocs.values()) {
    const made = gather(g, () => templateFlows(wft, unit, links, g, options), () => []);
    appendAll(units, made);
    // templateFlows makes the entry flow last.
    if (wft.spec.entrypoint && made.length > 0) entries.push(made[made.length - 1]);
  }
  const workflows: FlowDocument[] = [];
  for (const d of valid.filter((x) => x.argo.kind === 'Workflow')) {
    const made = gather(g, () => workflowFlow(d.argo, d.source, unit, templatesDocs, registered, links, g, options), () => undefined);
    if (!made) continue;
    appendAll(units, made.units);
    workflows.push(made.flow);
  }
  // Every call now passes the workflow parameters its unit reads (globals.ts).
  linkGlobals(links, g);
  // Two WorkflowTemplates making one flow name are refused before anything is stored (Argo tester 6, Q4).
  addProblems(g, nameClashes(units, registered, { workflowTemplate: WORKFLOW_TEMPLATE, template: TEMPLATE }));
  // A value refused for its shape was stood in for to read on (argo-document.ts repairedCopy): said at its field once, not again.
  if (refusedValues.length > 0) g.list = [...g.list.slice(0, shapeSaid), ...g.list.slice(shapeSaid).filter((p) => ![STAND_IN, ...refusedValues].some((v) => `${p.path} ${p.message}`.includes(v)))];
  throwGathered(g);
  for (const f of [...units, ...workflows]) {
    dropEmptyWith(f.spec.root);
    if (f.spec.onExit) dropEmptyWith(f.spec.onExit);
  }
  // Registered used ones first: a WorkflowTemplate's template may call another of its templates by templateRef.
  return { units: inUseOrder(units), workflows, entries };
}

/**
 * Template `t` as a unit flow: its input parameters are the unit's params, its input
 * artifacts the unit's inputs, its outputs the unit's outputs (read at the unit's root).
 */
function unitFlow(t: ArgoTemplate, metadata: FlowDocument['metadata'], c: { templates: Map<string, ArgoTemplate>; unit: InlineContext['unit']; local: InlineContext['local']; where: string; links: GlobalLinks; problems: Gathered; opts: ImportOptions }): FlowDocument {
  // The workflow parameters it reads are the caller's, passed in at each call (globals.ts).
  const read = new Set<string>();
  c.links.units.set(`${metadata.name}@${metadata.version}`, read);
  const globals = { kind: 'unit', read } as const;
  const bare: Scope = { template: t.name, params: new Map(), artifacts: new Map(), siblings: new Map(), inExit: false, globals };
  const scope: Scope = {
    template: t.name,
    // A default reading a workflow parameter reads the caller's, passed in (R1: givenOrOwn).
    params: new Map((t.inputs?.parameters ?? []).map((p) => [p.name, givenOrOwn(bare, p, c.where)])),
    // A unit's input is given by each call; an optional one may be an output its step did not write.
    artifacts: new Map((t.inputs?.artifacts ?? []).map((a) => [a.name, { unitInput: a.name, optional: a.optional === true }])),
    siblings: new Map(),
    inExit: false,
    globals,
  };
  const ctx: InlineContext = { templates: c.templates, unit: c.unit, local: c.local, stack: [t.name], links: c.links, inExit: false, asNames: [], problems: c.problems, work: c.opts.work, maxDepth: c.opts.maxDepth ?? DEFAULT_LIMITS.maxDepth, inUnit: true };
  const made = inlineTemplate(t, scope, rootPath(t), ctx);
  const params = Object.fromEntries((t.inputs?.parameters ?? []).map((p) => [p.name, paramDefault(p) as JsonValue]));
  // Text with references, or json-logic (an output with its default: composite.ts orDefault).
  const outParams = Object.fromEntries([...made.outputs.parameters].map(([n, v]) => [n, renderField(v, [])]));
  const outArtifacts = Object.fromEntries([...made.outputs.artifacts].map(([n, src]) => [n, artifactRef(src, [])]));
  const outputs = { ...(Object.keys(outParams).length ? { parameters: outParams } : {}), ...(Object.keys(outArtifacts).length ? { artifacts: outArtifacts } : {}) };
  const flow: FlowDocument = {
    apiVersion: 'strata/v1',
    kind: 'Flow',
    // Its inputs with no value or default are named, as an entry flow's are: a default that
    // reads a workflow parameter is a param of null too (R1), so the null alone cannot say
    // which a call must give (R16: registeredUnit reads this).
    metadata: withRequired(metadata, (t.inputs?.parameters ?? []).filter((p) => ownValue(p) === undefined).map((p) => p.name)),
    spec: {
      params,
      root: rootPath(t).length > 0 ? { id: 'main', ...made.node } : made.node,
      ...(t.inputs?.artifacts?.length ? { inputs: t.inputs.artifacts.map((a) => a.name) } : {}),
      ...(Object.keys(outputs).length ? { outputs } : {}),
    } as FlowDocument['spec'],
  };
  c.links.flows.push({ flow, read });
  return flow;
}

/** Each template of a WorkflowTemplate as a unit flow, and the entry flow. */
function templateFlows(wft: ArgoDocument, unit: InlineContext['unit'], links: GlobalLinks, g: Gathered, opts: ImportOptions): FlowDocument[] {
  const version = versionOf(wft);
  const templates = new Map((wft.spec.templates ?? []).map((t) => [t.name, t]));
  const out: FlowDocument[] = [];
  const names = new Map<string, string>();
  const local = (n: string): UnitRef => unitOf(wft.metadata.name!, version, templates.get(n)!);
  for (const t of templates.values()) {
    // The exit handler is the entry flow's (spec.onExit), reading the outcome: no unit of its own.
    if (t.name === wft.spec.onExit) continue;
    const where = `WorkflowTemplate ${wft.metadata.name}, template ${t.name}`;
    gather(g, () => {
      const name = unitFlowName(wft.metadata.name!, t.name, where);
      if (names.has(name)) throw problem(where, `its flow name ${name} is also that of template ${names.get(name)}`);
      names.set(name, t.name);
      // The volumes it mounts are the running Workflow's, checked when a run starts (run-volumes.ts).
      const mounts = volumeNotes(wft, [t.name], `WorkflowTemplate ${wft.metadata.name}`);
      // With no entrypoint, no entry flow keeps the document: each unit does, so a later Workflow's workflowTemplateRef
      // naming an entrypoint finds it by that template's unit and joins its spec over it (joinedWorkflow, issue 12).
      const kept: Record<string, string> = wft.spec.entrypoint ? {} : { [SOURCE_DOCUMENT]: JSON.stringify(wft) };
      out.push(unitFlow(t, annotated(metadataOf(wft, name, version), { [WORKFLOW_TEMPLATE]: wft.metadata.name!, [TEMPLATE]: t.name, ...mounts, ...kept }), { templates, unit, local, where, links, problems: g, opts }));
    }, () => undefined);
  }
  if (wft.spec.entrypoint) {
    const entry = templates.get(wft.spec.entrypoint);
    if (!entry) throw problem(`WorkflowTemplate ${wft.metadata.name}`, `spec.entrypoint names no template ("${wft.spec.entrypoint}")`);
    const where = `WorkflowTemplate ${wft.metadata.name}`;
    const params = argumentParams(wft, where);
    const inputs = entryInputParams(entry, params);
    // An entry input with no value is stored as it is, required when a run starts (Argo tester 7, R3).
    const open = openEntryInputs(entry, params);
    // Run as a Workflow would run it (argo submit --from, workflowTemplateRef): the entry
    // template inlined, reading the arguments as workflow parameters, with its exit handler.
    const { root, onExit } = entryNodes(wft, where, new Set(Object.keys(params)), { templates, unit, local, links, problems: g, opts }, new Set([...Object.keys(inputs), ...open]));
    out.push({
      apiVersion: 'strata/v1',
      kind: 'Flow',
      // Its document too, which a Workflow's workflowTemplateRef joins its own spec over (joinedWorkflow).
      // Its required parameters are checked by whoever starts a run of it whole (R4: required-params.ts).
      metadata: withRequired(annotated(metadataOf(wft, flowName(wft.metadata.name!, where), version), { [WORKFLOW_TEMPLATE]: wft.metadata.name!, [SOURCE_DOCUMENT]: JSON.stringify(wft), ...runVolumeNotes(wft, where) }), [...requiredArguments(wft), ...open]),
      spec: { params: { ...params, ...inputs, ...Object.fromEntries(open.map((n) => [n, null])) }, root, ...(onExit ? { onExit } : {}), ...runLimits(wft, params) } as FlowDocument['spec'],
    });
  }
  return out;
}

/**
 * The MOUNTS annotation of the templates `starts` of `doc` (said at `where`), when they mount
 * any volume of the workflow's: the first mount of each volume (bounded by the document, as
 * task-schema.ts LONG_ANNOTATIONS allows).
 */
function volumeNotes(doc: ArgoDocument, starts: string[], where: string): Record<string, string> {
  const first = new Map<string, string>();
  for (const m of workflowMounts(doc, starts, where)) if (!first.has(m.volume)) first.set(m.volume, m.at);
  if (first.size === 0) return {};
  return { [MOUNTS]: JSON.stringify([...first].map(([volume, at]) => ({ volume, at }))) };
}

/**
 * The annotations of a flow a run starts from: the volumes a run of `doc` has (VOLUMES, `[]`
 * for none: a flow made by a strata before volumes were recorded has no VOLUMES, which
 * run-volumes.ts reads as not known) and those its entrypoint and exit handler mount (MOUNTS).
 */
function runVolumeNotes(doc: ArgoDocument, where: string): Record<string, string> {
  const starts = [doc.spec.entrypoint, doc.spec.onExit].filter((n): n is string => n !== undefined);
  return { [VOLUMES]: JSON.stringify((doc.spec.volumes ?? []).map((v) => v.name)), ...volumeNotes(doc, starts, where) };
}

/** A Workflow's flow, and the units its recursive templates run as (`<workflow>.<template>@<version>`). */
function workflowFlow(wf: ArgoDocument, source: string, unit: InlineContext['unit'], templatesDocs: Map<string, ArgoDocument>, registered: RegisteredFlows, links: GlobalLinks, g: Gathered, opts: ImportOptions): { flow: FlowDocument; units: FlowDocument[] } {
  const label = wf.metadata.name ?? wf.metadata.generateName ?? '';
  const where = `${source ? `${source}: ` : ''}Workflow ${label}`;
  if (!label) throw problem(where, 'a Workflow needs metadata.name or metadata.generateName');
  const name = flowName(label, where);
  const params = argumentParams(wf, where);
  const flowParams = new Set(Object.keys(params));
  const required = requiredArguments(wf);
  const meta = withRequired(metadataOf(wf, name, versionOf(wf)), required);
  const ref = wf.spec.workflowTemplateRef;
  if (ref) {
    // Its own entrypoint is joined over the WorkflowTemplate's, as its other spec fields are (JOINED; issue 12):
    // Argo's JoinWorkflowSpec lets the Workflow's win. Templates of its own Argo refuses ("Templates is invalid field in
    // spec if workflow referred WorkflowTemplate reference", workflow/validate/validate.go).
    if (wf.spec.templates?.length) throw problem(where, 'a Workflow with workflowTemplateRef takes its templates from the WorkflowTemplate');
    const wft = templatesDocs.get(ref.name);
    const entryName = flowName(ref.name, where);
    // Only a WorkflowTemplate's entry flow: not a native Flow or a unit that bears the name.
    const found = wft ? [] : madeFrom(registered(entryName), ref.name, undefined);
    // Registered without an entrypoint: its document is kept by each unit, found by the Workflow's entrypoint (templateFlows).
    if (!wft && found.length === 0) return workflowFlow(joinedWorkflow(wf, libraryDocument(wf, ref.name, where, registered, opts)), source, unit, templatesDocs, registered, links, g, opts);
    const entry = wft ? `${entryName}@${versionOf(wft)}` : registeredUnit(entryName, found, `workflowTemplateRef ${ref.name}`).ref;
    if (wft && !wft.spec.entrypoint && !wf.spec.entrypoint) throw problem(where, `WorkflowTemplate ${ref.name} has no entrypoint, and the Workflow names none (spec.entrypoint)`);
    // The Workflow runs the join of its spec over the WorkflowTemplate's (Argo tester 6, Q1), as a Workflow of its own, so its
    // spec fields and its name hold in every template (Q20). Only an entry flow registered before strata kept the
    // WorkflowTemplate's document runs as a `use`, and only when the Workflow has no spec fields of its own to join.
    const own = [...JOINED, 'entrypoint' as const].filter((f) => wf.spec[f] !== undefined);
    const base = wft ?? (own.length > 0 || annotationsOf(found[0])[SOURCE_DOCUMENT] !== undefined ? keptDocument(found[0], ref.name, `${where}: spec.${own[0] ?? 'workflowTemplateRef'}`) : undefined);
    if (base) return workflowFlow(joinedWorkflow(wf, base), source, unit, templatesDocs, registered, links, g, opts);
    const withs = Object.fromEntries(Object.keys(params).map((p) => [p, readLogic(['params', p])]));
    return { flow: { apiVersion: 'strata/v1', kind: 'Flow', metadata: meta, spec: { params, root: { id: ref.name, use: entry, ...(Object.keys(withs).length ? { with: withs } : {}) } as FlowNode, ...runLimits(wf, params) } }, units: [] };
  }
  const templates = new Map((wf.spec.templates ?? []).map((t) => [t.name, t]));
  const units: FlowDocument[] = [];
  const locals = new Map<string, UnitRef>();
  const local = (n: string): UnitRef => {
    const known = locals.get(n);
    if (known) return known;
    const t = templates.get(n)!;
    const u = unitOf(label.replace(/-$/, ''), meta.version, t);
    locals.set(n, u);
    // Marked as a Workflow's own: a templateRef resolves to WorkflowTemplates only.
    const m = metadataOf(wf, u.ref.slice(0, u.ref.lastIndexOf('@')), meta.version) as FlowDocument['metadata'] & { annotations?: Record<string, string> };
    units.push(unitFlow(t, { ...m, annotations: { ...m.annotations, [WORKFLOW_UNIT]: label } } as FlowDocument['metadata'], { templates, unit, local, where: `${where}, template ${n}`, links, problems: g, opts }));
    return u;
  };
  // The entrypoint's inputs that no argument and no value of their own give are required, as
  // a WorkflowTemplate's are (R3, R4): a run is refused naming them, `-p` gives them.
  const entry = wf.spec.entrypoint !== undefined ? templates.get(wf.spec.entrypoint) : undefined;
  const open = entry ? openEntryInputs(entry, params) : [];
  const { root, onExit } = entryNodes(wf, where, flowParams, { templates, unit, local, links, problems: g, opts }, new Set(open));
  const withOpen = withRequired(annotated(meta, runVolumeNotes(wf, where.replace(/^.*: (?=Workflow)/, ''))), [...required, ...open]);
  return { flow: { apiVersion: 'strata/v1', kind: 'Flow', metadata: withOpen, spec: { params: { ...params, ...Object.fromEntries(open.map((n) => [n, null])) }, root, ...(onExit ? { onExit } : {}), ...runLimits(wf, params) } as FlowDocument['spec'] }, units };
}

/**
 * The spec fields of a Workflow with `workflowTemplateRef` that are joined over the
 * WorkflowTemplate's, besides `arguments` (Argo tester 6, Q1). Argo joins the whole spec
 * (argo-workflows workflow/util/merge.go JoinWorkflowSpec: the Workflow's fields win, as a
 * Kubernetes strategic merge patch of the Workflow over the WorkflowTemplate). They need the
 * WorkflowTemplate's document: an entry flow registered without it is refused when the
 * Workflow gives one of them. Every other Argo spec field is refused or noted by the schema
 * (argo-document.ts), so none is dropped without a word.
 */
const JOINED = ['onExit', 'activeDeadlineSeconds', 'retryStrategy', 'parallelism', 'volumes'] as const;

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `over` joined over `base` as a strategic merge patch joins them: objects field by field
 * (a Workflow's `retryStrategy: {limit: 2}` keeps the template's `retryPolicy`), lists of
 * parameters and volumes by name (each joined field by field), any other value replaced.
 */
function joinOver(over: unknown, base: unknown, key: string): unknown {
  if (over === undefined) return base;
  if (isPlain(over) && isPlain(base)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = joinOver(v, base[k], k);
    return out;
  }
  // Lists joined by name, as Kubernetes' strategic merge joins them (a volume's patchMergeKey is its name).
  if ((key === 'parameters' || key === 'artifacts' || key === 'volumes') && Array.isArray(over) && Array.isArray(base)) {
    const named = (x: unknown) => (isPlain(x) ? x.name : undefined);
    const fromOver = new Map(over.map((x) => [named(x), x]));
    const joined = base.map((b) => (fromOver.has(named(b)) ? joinOver(fromOver.get(named(b)), b, '') : b));
    const inBase = new Set(base.map(named));
    return [...joined, ...over.filter((x) => !inBase.has(named(x)))];
  }
  return over;
}

/**
 * The Workflow a Workflow with `workflowTemplateRef` runs: the WorkflowTemplate's spec (its
 * templates, entrypoint, arguments, exit handler, deadline, retries, parallelism) with the
 * Workflow's spec joined over it, under the Workflow's own metadata, so its `onExit` names a
 * template of the WorkflowTemplate, its deadline and retryStrategy replace the template's,
 * and `{{workflow.name}}` is the Workflow's (argo-workflows workflow/controller/operator.go
 * setStoredWfSpec runs the joined spec as the Workflow's).
 */
function joinedWorkflow(wf: ArgoDocument, wt: ArgoDocument): ArgoDocument {
  const { workflowTemplateRef: _ref, ...own } = wf.spec;
  return { ...wf, spec: joinOver(own, wt.spec, 'spec') as ArgoDocument['spec'] };
}

/**
 * The document of WorkflowTemplate `name`, registered without an entrypoint, that Workflow
 * `wf` runs by workflowTemplateRef from its own entrypoint: kept by the unit of that template
 * (templateFlows), the version applied last. Refused, said at `where`, when no flow of `name`
 * is registered, when `wf` names no entrypoint (Argo's Workflow would have none) or one the
 * WorkflowTemplate has no template of.
 */
function libraryDocument(wf: ArgoDocument, name: string, where: string, registered: RegisteredFlows, opts: ImportOptions): ArgoDocument {
  // Read locally (strata plan), a registered one is not looked for: not "given or registered" (a tester's pass).
  if (opts.local) throw problem(where, `no WorkflowTemplate ${name} is among the documents given (registered WorkflowTemplates are not read here: give its file too, or run the Workflow with strata runs submit)`);
  const entry = wf.spec.entrypoint;
  const units = entry === undefined ? [] : madeFrom(registered(unitFlowName(name, entry, where)), name, entry);
  // Registered without an entrypoint, but without that template either (a tester's pass: it said none was registered).
  const library = opts.libraries?.get(name) ?? [];
  if (units.length === 0 && entry !== undefined && library.length > 0) throw problem(where, `WorkflowTemplate ${name} is registered without an entrypoint and has no template ${entry}, the Workflow's spec.entrypoint (its templates' flows: ${library.join(', ')}): name one of its templates`);
  if (units.length === 0 && entry !== undefined) throw problem(where, `no WorkflowTemplate ${name} is given or registered (with an entrypoint, or with template ${entry}, the Workflow's spec.entrypoint)`);
  if (units.length === 0) throw problem(where, `no WorkflowTemplate ${name} is given or registered with an entrypoint, and the Workflow names none (spec.entrypoint), which one registered without an entrypoint runs from`);
  const unitRef = registeredUnit(unitFlowName(name, entry!, where), units, `workflowTemplateRef ${name}`);
  const f = units.find((u) => `${u.metadata.name}@${u.metadata.version}` === unitRef.ref)!;
  return keptDocument(f, name, `${where}: spec.workflowTemplateRef`);
}

/** The Argo document a registered WorkflowTemplate's entry flow keeps (SOURCE_DOCUMENT); refused, said at `where`, when it keeps none or a broken one. */
function keptDocument(entry: FlowDocument, name: string, where: string): ArgoDocument {
  const text = annotationsOf(entry)[SOURCE_DOCUMENT];
  // Applying the same document again alone is refused: it makes the same version with other content (Argo tester 7, R19).
  const again = `delete its flows (\`strata flows delete ${name}\`) and apply WorkflowTemplate ${name} again (strata keeps its document from then on; a WorkflowTemplate registered by a strata before this one keeps none), or give it in the same files`;
  if (text === undefined) throw problem(where, `Argo joins it over WorkflowTemplate ${name}'s spec, and the registered ${entry.metadata.name}@${entry.metadata.version} does not keep the WorkflowTemplate's document: ${again}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw problem(where, `the document kept by ${entry.metadata.name}@${entry.metadata.version} is not JSON: ${again}`);
  }
  const { argo, problems } = checkArgoDocument(parsed, `WorkflowTemplate ${name} (registered)`);
  if (!argo || problems.length > 0 || argo.kind !== 'WorkflowTemplate' || argo.metadata.name !== name) {
    throw problem(where, `the document kept by ${entry.metadata.name}@${entry.metadata.version} is not WorkflowTemplate ${name}${problems.length ? ` (${problems[0].path}: ${problems[0].message})` : ''}: ${again}`);
  }
  return argo;
}

/**
 * The entry template's input parameters that the document's arguments do not name, with
 * their own value (or default), as params of the entry flow: a Workflow's arguments are the
 * entrypoint's arguments (argo-workflows workflow/controller/operator.go operate, executeTemplate
 * with execWf.Spec.Arguments; common ProcessArgs: an argument overrides an input's value), so
 * a Workflow with `workflowTemplateRef` or `-p` sets them (Argo tester 6, Q1). An input with
 * neither is left to entryNodes, which refuses it.
 */
function entryInputParams(entry: ArgoTemplate, args: Record<string, JsonValue>): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const p of entry.inputs?.parameters ?? []) {
    // One whose value holds a tag defaults to null: the entry reads it at run start (givenOrOwn).
    if (!(p.name in args) && ownValue(p) !== undefined) out[p.name] = paramDefault(p);
  }
  return out;
}

/**
 * The entry template's input parameters with no value or default of their own that the
 * document's arguments do not name: Argo stores such a WorkflowTemplate and requires the
 * value only when a run starts (argo-workflows workflow/validate/validate.go validateWorkflow
 * checks the entrypoint's inputs against the arguments given at submission), so they are
 * params of the entry flow without a value and named as required (required-params.ts).
 */
function openEntryInputs(entry: ArgoTemplate, args: Record<string, JsonValue>): string[] {
  return (entry.inputs?.parameters ?? []).filter((p) => !(p.name in args) && ownValue(p) === undefined && p.valueFrom === undefined).map((p) => p.name);
}

/** The document's `spec.arguments.parameters` with neither a value nor a default: required at submission (required-params.ts). */
function requiredArguments(doc: ArgoDocument): string[] {
  return (doc.spec.arguments?.parameters ?? []).filter((p) => p.value === undefined && p.default === undefined).map((p) => p.name);
}

/**
 * Argo's `spec.parallelism`, the most pods of the whole workflow running at once (Argo tester
 * fault 6), as the flow's `spec.parallelism`: counted across every nested template and loop;
 * and its `spec.activeDeadlineSeconds` as the flow's `spec.deadline`, which bounds the whole
 * run, every attempt of a retried entry included, from its start (argo-workflows
 * workflow/controller/operator.go: the workflow deadline is the workflow's start plus
 * activeDeadlineSeconds; Argo tester 7, R18: a leaf root's timeout held per attempt).
 */
function runLimits(wf: ArgoDocument, params: Record<string, unknown>): { parallelism?: number; deadline?: number | string } {
  const d = wf.spec.activeDeadlineSeconds;
  return { ...(wf.spec.parallelism ? { parallelism: wf.spec.parallelism } : {}), ...(d !== undefined ? { deadline: typeof d === 'string' ? templatedDeadline(d, params, `${wf.kind} ${wf.metadata.name ?? wf.metadata.generateName ?? ''}`) : d } : {}) };
}

/**
 * A templated `spec.activeDeadlineSeconds` (`"{{workflow.parameters.t}}"`) as strata's
 * substitution of the flow's params, resolved when the run starts (engine/deadline.ts
 * secondsOf), as Argo substitutes the global parameters into it when the workflow runs. Only
 * the workflow's parameters are known there: another tag is refused, naming the field.
 */
function templatedDeadline(text: string, params: Record<string, unknown>, owner: string): string {
  return workflowParamsText(text, (n) => n in params, `${owner}: spec.activeDeadlineSeconds`, 'the workflow\'s deadline', 'the run starts');
}

/**
 * A field of the workflow's spec templated with `{{workflow.parameters.x}}` tags (`has` the
 * workflow's parameters) as strata's substitution of the flow's params; another tag is refused
 * at `where`, saying `what` may read only those, resolved when `when`.
 */
function workflowParamsText(text: string, has: (name: string) => boolean, where: string, what: string, when: string): string {
  return text.replace(/\{\{([^{}]*)\}\}/g, (tag, inner: string) => {
    const m = /^\s*workflow\.parameters\.(.+?)\s*$/.exec(inner);
    if (!m || !has(m[1])) throw problem(where, `${tag}: ${what} may read the workflow's parameters only ({{workflow.parameters.x}}, x one of spec.arguments.parameters), resolved when ${when}`);
    return `{{ params[${JSON.stringify(m[1])}] }}`;
  });
}

/**
 * The root of the flow a Workflow, or a WorkflowTemplate run from its entrypoint, runs: the
 * entry template inlined (its inputs read the arguments of the same name), with the
 * document's retryStrategy, and its exit handler (its parallelism and deadline are the flow's: runLimits). Both read
 * `{{workflow.parameters.x}}` as the flow's params (Argo tester fault 13) and both keep their
 * `spec.onExit` (fault 8).
 */
function entryNodes(wf: ArgoDocument, where: string, flowParams: Set<string>, c: { templates: Map<string, ArgoTemplate>; unit: InlineContext['unit']; local: InlineContext['local']; links: GlobalLinks; problems: Gathered; opts: ImportOptions }, entryInputs = new Set<string>()): { root: FlowNode; onExit?: FlowNode } {
  const { templates, unit, local } = c;
  // The run's Argo name, one in every template it reaches (units are passed it: globals.ts WORKFLOW_NAME). A WorkflowTemplate's
  // entry flow runs alone (a Workflow's workflowTemplateRef runs the joined document), as `argo submit --from` names it: `<W>-<suffix>`.
  const named = wf.kind === 'Workflow' ? { name: wf.metadata.name, generateName: wf.metadata.generateName } : { generateName: `${wf.metadata.name}-` };
  if (!wf.spec.entrypoint) throw problem(where, 'spec.entrypoint is required');
  const entry = templates.get(wf.spec.entrypoint);
  if (!entry) throw problem(where, `spec.entrypoint names no template ("${wf.spec.entrypoint}")`);
  const scopeFor = (t: ArgoTemplate, inExit: boolean): Scope => {
    const bare: Scope = {
      template: t.name,
      params: new Map(),
      artifacts: new Map(),
      siblings: new Map(),
      inExit,
      globals: { kind: 'flow', names: flowParams, owner: where.replace(/^.*: (?=Workflow)/, ''), name: workflowNameLogic(named), args: (wf.spec.arguments?.parameters ?? []).map((p) => p.name), entrypoint: wf.spec.entrypoint },
      workflow: named,
    };
    const params = new Map((t.inputs?.parameters ?? []).map((p) => {
      const v: Value | undefined = flowParams.has(p.name) ? [{ kind: 'param', name: p.name }] : t === entry && !inExit && entryInputs.has(p.name) ? givenOrOwn(bare, p, where) : ownInput(bare, p, where);
      if (!v) throw problem(where, `input parameter "${p.name}" of template ${t.name} is given no value (spec.arguments.parameters)`);
      return [p.name, v] as const;
    }));
    return { ...bare, params };
  };
  // A workflow gives its entrypoint no artifacts: an optional one goes without (Argo tester fault 9).
  const needed = (entry.inputs?.artifacts ?? []).filter((a) => !a.optional).map((a) => a.name);
  if (needed.length > 0) throw problem(where, `template ${entry.name} takes input artifacts (${needed.join(', ')}), which a workflow's entrypoint cannot be given (an optional one goes without)`);
  // The workflow's retryStrategy is the default of every template without one (R5: steps and dag templates run again whole).
  // Its problems are gathered with the templates' (every problem at once, S15).
  // A templated limit reads the workflow's parameters, which Argo substitutes into its spec (substituteGlobalVariables).
  const globalLimit = (text: string) => workflowParamsText(text, (n) => flowParams.has(n), `${where}: spec.retryStrategy.limit`, 'the workflow\'s retry limit', 'the step starts');
  const defaultRetry = wf.spec.retryStrategy ? gather(c.problems, () => retryOf(wf.spec.retryStrategy!, `${where}: spec.retryStrategy`, `${where}: spec.retryStrategy.backoff`, globalLimit), () => undefined) : undefined;
  const ctx: InlineContext = { templates, unit, local, stack: [entry.name], links: c.links, inExit: false, asNames: [], problems: c.problems, work: c.opts.work, maxDepth: c.opts.maxDepth ?? DEFAULT_LIMITS.maxDepth, ...(defaultRetry ? { defaultRetry } : {}) };
  let root = inlineTemplate(entry, scopeFor(entry, false), rootPath(entry), ctx).node;
  if (rootPath(entry).length > 0) root = { id: 'main', ...root };
  // The workflow's retryStrategy is the default of every template without one (argo-workflows
  // operator.go retryStrategy: the template's, else execWf.Spec.RetryStrategy): strata's retry
  // on the root is the default of the leaves inside; an entry leaf's own wins. A steps or dag
  // template (the entry one too) runs again whole under it (inlineTemplate: retryWhole).
  if (defaultRetry && root.retry === undefined) root = { ...root, retry: defaultRetry };
  // Both deadlines hold: the entry template's own (per attempt on a leaf) stays the root's
  // timeout, and the workflow's is the flow's spec.deadline, over the whole run (runLimits).
  let onExit: FlowNode | undefined;
  if (wf.spec.onExit) {
    const handler = templates.get(wf.spec.onExit);
    if (!handler) throw problem(where, `spec.onExit names no template ("${wf.spec.onExit}")`);
    const exitCtx: InlineContext = { ...ctx, stack: [handler.name], inExit: true };
    onExit = inlineTemplate(handler, scopeFor(handler, true), handler.steps || handler.dag ? ['onExit'] : ['onExit'], exitCtx).node;
  }
  return { root, ...(onExit ? { onExit } : {}) };
}
