/**
 * The Argo Workflows documents strata accepts: `apiVersion: argoproj.io/v1alpha1`, kinds
 * `Workflow` and `WorkflowTemplate`, with the subset of fields docs/argo.md maps. Every
 * field is checked: one strata cannot map (`suspend`, `resource`, `sidecars`, ...) is an
 * error naming the field and its template, never dropped. Field names and shapes follow
 * Argo's `workflow_types.go` (v3).
 */
import { z } from 'zod';
import { clipped, invalid, pathUnder, type Problem } from '../errors/strata-error.ts';
import { zodProblems } from '../flow/zod-problems.ts';
import { labelsSchema } from '../flow/labels.ts';
import { appendAll } from '../flow/append-all.ts';
import { forbiddenParamMessage, isForbiddenParamName } from '../flow/param-names.ts';
import { UNSUPPORTED, unsupportedField } from './argo-fields.ts';
import { fieldUseProblems } from './field-use.ts';
import { volumeProblems } from './volumes.ts';
import { isSeconds } from '../flow/duration.ts';
import { extendedQuantityProblem, isExtendedResourceName, unknownResource } from '../flow/resource-names.ts';

export const ARGO_API_VERSION = 'argoproj.io/v1alpha1';
export const ARGO_KINDS = ['Workflow', 'WorkflowTemplate'] as const;

/** Argo reads numbers and booleans given where text is expected as their text (its AnyString). */
const anyString = z.union([z.string(), z.number(), z.boolean()]).transform(String);
/** The longest step, template, parameter or artifact name strata takes. */
const MAX_NAME = 128;
/** A name of at most MAX_NAME characters matching `pattern`: one too long says its length and the limit (Argo tester 8, S6), any other `rule`. */
const nameOf = (pattern: RegExp, rule: string) =>
  z.string().superRefine((n, ctx) => {
    if (n.length > MAX_NAME) ctx.addIssue({ code: 'custom', message: `has ${n.length} characters, more than the ${MAX_NAME} a name may have` });
    else if (!pattern.test(n)) ctx.addIssue({ code: 'custom', message: rule });
  });
const name = nameOf(/^[A-Za-z0-9][-A-Za-z0-9_.]*$/, 'must be a name of letters, digits, "-", "_" and "." that starts with a letter or digit');
/** A parameter's or artifact's name: as Argo's (letters, digits, "-", "_", any first; "." too), never an object internal. */
const paramName = nameOf(/^[-A-Za-z0-9_.]+$/, 'must be a name of letters, digits, "-", "_" and "." (at most 128)')
  .refine((n) => !isForbiddenParamName(n), { error: (i) => forbiddenParamMessage(String(i.input)) });

/** `value: ~` (YAML's null) is no value, as in Argo: the parameter is then required or takes its default. */
const noneOr = <T extends z.ZodType>(t: T) => t.nullish().transform((v) => (v === null ? undefined : v));
const parameter = z.strictObject({
  name: paramName,
  value: noneOr(anyString),
  default: noneOr(anyString),
  description: z.string().optional(),
  valueFrom: z.strictObject({ path: z.string().optional(), parameter: z.string().optional(), default: anyString.optional() }).optional(),
});
export type ArgoParameter = z.infer<typeof parameter>;

/**
 * An input parameter's own value when no argument gives one: its `value`, else its
 * `default`, else undefined (required). Argo's overwriteWithDefaultParams sets the default
 * only when the value is nil (workflow/common/util.go), and an argument then overwrites it.
 */
export const ownValue = (p: ArgoParameter): string | undefined => p.value ?? p.default;

const artifact = z.strictObject({
  name: paramName,
  path: z.string().optional(),
  from: z.string().optional(),
  optional: z.boolean().optional(),
  /** `none` only: strata keeps artifacts as they are, never as archives */
  archive: z.strictObject({ none: z.strictObject({}) }).optional(),
});
export type ArgoArtifact = z.infer<typeof artifact>;

/**
 * A list of named parameters or artifacts whose names are each given once: a name given again
 * is refused at that entry, as Argo's validateWorkflowFieldNames refuses the Workflow
 * (workflow/validate/validate.go: "[%d].name '%s' is not unique"), where strata had taken the
 * last one silently (Argo tester 8, S19).
 */
const uniqueNames = <T extends z.ZodType<{ name: string }>>(item: T) =>
  z.array(item).superRefine((list, ctx) => {
    const first = new Map<string, number>();
    list.forEach((e, i) => {
      const seen = first.get(e.name);
      if (seen === undefined) first.set(e.name, i);
      else ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${clipped(e.name, 80)}" is not unique: [${seen}] has the same name (Argo refuses the workflow)` });
    });
  });
const namedLists = { parameters: uniqueNames(parameter).optional(), artifacts: uniqueNames(artifact).optional() };
const argumentsSchema = z.strictObject(namedLists);
export type ArgoArguments = z.infer<typeof argumentsSchema>;

const envVar = z.strictObject({ name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'), value: anyString.optional() });
const quantity = z.union([z.string(), z.number()]).transform(String);
/**
 * Requests or limits: `cpu`, `memory`, and Kubernetes extended resources (`nvidia.com/gpu`),
 * which Argo passes to the pod as written (Argo tester 8, S3: one was called an unknown key).
 * Their names and values are checked once the document is read (resourceProblems), so the
 * rest of the document is still read for its other problems.
 */
const resourceList = z.record(z.string(), quantity);
const resources = z.strictObject({ requests: resourceList.optional(), limits: resourceList.optional() });
export type ArgoResources = z.infer<typeof resources>;

/**
 * What Kubernetes would refuse in a container's `resources` (at `at`), each at its key: a
 * name that is neither cpu, memory nor an extended resource (an unknown key), an extended
 * resource in other than whole units, one requested without its limit or with a request other
 * than its limit (Kubernetes' ValidateResourceRequirements: "Limit must be set for non
 * overcommitable resources", "must be equal to ... limit"; its request is then the limit,
 * which the task's limits say).
 */
export function resourceProblems(r: ArgoResources, at: string): Problem[] {
  const problems: Problem[] = [];
  for (const list of ['requests', 'limits'] as const) {
    for (const [k, v] of Object.entries(r[list] ?? {})) {
      if (k === 'cpu' || k === 'memory') continue;
      const problem = isExtendedResourceName(k) ? extendedQuantityProblem(v) : unknownResource(k);
      if (problem) problems.push({ path: `${at}.${list}.${k}`, message: problem });
    }
  }
  for (const [k, v] of Object.entries(r.requests ?? {})) {
    if (!isExtendedResourceName(k)) continue;
    const limit = r.limits?.[k];
    if (limit === undefined) problems.push({ path: `${at}.requests.${k}`, message: 'an extended resource is requested without a limit: Kubernetes needs its limit (its request is then the limit) and refuses the pod otherwise' });
    else if (limit !== v) problems.push({ path: `${at}.requests.${k}`, message: `request ${v} is not its limit ${limit}: Kubernetes needs an extended resource's request to equal its limit` });
  }
  return problems;
}

const containerFields = {
  image: z.string().min(1, 'must name an image'),
  command: z.array(anyString).optional(),
  args: z.array(anyString).optional(),
  env: z.array(envVar).optional(),
  workingDir: z.string().optional(),
  resources: resources.optional(),
  /** accepted for compatibility: a local runtime pulls nothing (docs/argo.md) */
  imagePullPolicy: z.string().optional(),
};
/** A mount of a volume (a container or script template's, a containerSet's or one of its containers'): the volume's name and the path it is seen at (volumes.ts maps it). */
const volumeMount = z.strictObject({ name: z.string().min(1, 'must name a volume'), mountPath: z.string() });
export type ArgoVolumeMount = z.infer<typeof volumeMount>;
const container = z.strictObject({ ...containerFields, volumeMounts: z.array(volumeMount).optional() });
/** A volume of `spec.volumes` or a template's `volumes`: a name and its source, which volumes.ts checks (only emptyDir is mapped). */
const volume = z.looseObject({ name: z.string().min(1, 'must name the volume') });
export type ArgoVolume = z.infer<typeof volume>;
export type ArgoContainer = z.infer<typeof container>;
const script = z.strictObject({ ...containerFields, source: z.string(), volumeMounts: z.array(volumeMount).optional() });
export type ArgoScript = z.infer<typeof script>;
const setContainer = z.strictObject({ ...containerFields, name, dependencies: z.array(z.string()).optional(), volumeMounts: z.array(volumeMount).optional() });

/** ClusterWorkflowTemplates have no strata equivalent: registered flows have one scope. */
const clusterScope = z.literal(false, { error: 'ClusterWorkflowTemplates (clusterScope: true) are not supported: strata\'s registered flows have one scope' }).optional();
const templateRef = z.strictObject({ name, template: name, clusterScope });
/** What a value refused for its type is, in words (`the number 5`, `a list`), for the loop fields' messages. */
function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return 'text';
  return `the ${typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : typeof v} ${String(v)}`;
}
// The loop fields' types are Argo's (pkg/apis/workflow/v1alpha1 WorkflowStep, DAGTask:
// WithItems []Item, WithParam string, WithSequence *Sequence of IntOrString count, start and
// end and a string format); a value of another type is said as such, once (LOOP_STAND_INS).
const loopValue = (field: string) =>
  z.union([z.string(), z.number(), z.boolean()], { error: (i) => `withSequence.${field} must be a whole number (or text that gives one), not ${kindOf(i.input)}` })
    .transform(String)
    .superRefine((v, ctx) => {
      const why = sequenceValueProblem(field, v);
      if (why) ctx.addIssue({ code: 'custom', message: why });
    });

/**
 * What is wrong with the withSequence value `v` of `field` written as it is (no `{{ }}` in
 * it: a reference is read when it is known), as Argo's strconv.Atoi reads it and what a
 * sequence may be: a whole number within what strata counts exactly, and a count not below
 * 0 (Argo counts down from start for a negative count, start..start+count-1, which no one
 * means: refused). Undefined when it is sound.
 */
export function sequenceValueProblem(field: string, v: string): string | undefined {
  if (v.includes('{{')) return undefined;
  const text = v.trim();
  if (!/^-?[0-9]+$/.test(text)) return `withSequence.${field} must be a whole number (or text that gives one), not ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  const n = Number(text);
  if (!Number.isSafeInteger(n)) return `withSequence.${field} must be a whole number from -9007199254740991 to 9007199254740991 (what strata counts exactly), not ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
  if (field === 'count' && n < 0) return `withSequence.count must be 0 or more (how many items), not ${n}`;
  return undefined;
}
const sequence = z.strictObject(
  { count: loopValue('count').optional(), start: loopValue('start').optional(), end: loopValue('end').optional(), format: z.string({ error: (i) => `withSequence.format must be text (a printf format such as "%02d"), not ${kindOf(i.input)}` }).optional() },
  { error: (i) => (i.code === 'invalid_type' ? `withSequence must be a map of count or end (and start, format), not ${kindOf(i.input)}` : undefined) },
);
const continueOn = z.strictObject({ failed: z.boolean().optional(), error: z.boolean().optional() });

const invocation = {
  name,
  template: name.optional(),
  templateRef: templateRef.optional(),
  arguments: argumentsSchema.optional(),
  when: z.string().optional(),
  withItems: z.array(z.unknown(), { error: (i) => `withItems must be a list of items (withItems: [a, b]), not ${kindOf(i.input)}` }).optional(),
  withParam: z.string({ error: (i) => `withParam must be text: a JSON list, or a reference that gives one ("{{steps.x.outputs.result}}"), not ${kindOf(i.input)}${Array.isArray(i.input) ? ' (a list written in the document goes in withItems)' : ''}` }).optional(),
  withSequence: sequence.optional(),
  continueOn: continueOn.optional(),
};
const step = z.strictObject(invocation);
export type ArgoStep = z.infer<typeof step>;
// An empty depends is none (Argo's field is omitempty; dag.go reads dependencies when depends is "", S11).
const task = z.strictObject({ ...invocation, dependencies: z.array(z.string()).optional(), depends: z.string().optional().transform((v) => (v === '' ? undefined : v)) });
export type ArgoTask = z.infer<typeof task>;

const intOrString = z.union([z.number().int().nonnegative(), z.string().regex(/^[0-9]+$/, 'must be a whole number')]).transform(Number);
/** An activeDeadlineSeconds, the workflow's or a template's: 1 to a week, strata's longest deadline (isSeconds); 0 would end it at once. */
const deadlineSeconds = z.union([
  intOrString.refine((n) => isSeconds(n), 'must be a whole number of seconds from 1 to 604800 (a week), the longest deadline strata keeps'),
  // Templated (`{{workflow.parameters.t}}`): Argo's IntOrString, substituted when the node runs; kept as text, resolved at the run (composite.ts).
  z.string().regex(/\{\{/, 'must be a whole number of seconds, or {{ }} tags giving one when the step starts'),
]);
/**
 * A retry limit: a whole number, or a templated one (`"{{inputs.parameters.n}}"`) kept as text,
 * as Argo's validation takes an IntOrString that is a number or begins with {{ and ends with }}
 * (util/intstr IsValidIntOrArgoVariable); it is substituted when the node runs (composite.ts).
 */
const retryLimit = z
  .union([z.number(), z.string()])
  .superRefine((v, ctx) => {
    if (typeof v === 'string' && v.includes('{{')) {
      if (!/^\{\{[\s\S]*\}\}$/.test(v)) ctx.addIssue({ code: 'custom', message: `"${clipped(v, 80)}" must be a whole number, or {{ }} tags (beginning with {{ and ending with }}) giving one when the step starts` });
    } else if (!(typeof v === 'number' ? Number.isInteger(v) && v >= 0 : /^[0-9]+$/.test(v))) ctx.addIssue({ code: 'custom', message: 'must be a whole number' });
  })
  .transform((v) => (typeof v === 'string' && v.includes('{{') ? v : Number(v)));
/** A number written as text (`"2"`, `" 1.5 "`): a backoff factor read as a number; other text is kept for its refusal (invoke.ts retryOf). */
const NUMBER_TEXT = /^\s*-?[0-9]+(\.[0-9]+)?\s*$/;
const retryStrategy = z.strictObject({
  limit: retryLimit.optional(),
  retryPolicy: z.enum(['Always', 'OnFailure', 'OnError', 'OnTransientError']).optional(),
  backoff: z.strictObject({ duration: anyString.optional(), factor: z.union([z.number(), z.string()]).transform((v) => (typeof v === 'string' && NUMBER_TEXT.test(v) ? Number(v) : v)).optional(), maxDuration: anyString.optional(), cap: anyString.optional() }).optional(),
});
export type ArgoRetry = z.infer<typeof retryStrategy>;

const template = z.strictObject({
  name,
  inputs: z.strictObject(namedLists).optional(),
  outputs: z.strictObject(namedLists).optional(),
  container: container.optional(),
  script: script.optional(),
  containerSet: z.strictObject({ containers: z.array(setContainer).min(1), volumeMounts: z.array(volumeMount).optional() }).optional(),
  volumes: z.array(volume).optional(),
  steps: z.array(z.array(step)).optional(),
  dag: z.strictObject({ tasks: z.array(task).min(1), target: z.string().optional(), failFast: z.boolean().optional() }).optional(),
  retryStrategy: retryStrategy.optional(),
  parallelism: intOrString.optional(),
  failFast: z.boolean().optional(),
  activeDeadlineSeconds: deadlineSeconds.optional(),
  timeout: z.string().optional(),
});
export type ArgoTemplate = z.infer<typeof template>;
export const TEMPLATE_KINDS = ['container', 'script', 'containerSet', 'steps', 'dag'] as const;

const metadata = z.strictObject({
  name: z.string().optional(),
  generateName: z.string().optional(),
  namespace: z.string().optional(),
  // A Workflow's labels become its flow's and its runs' (import-argo.ts): held to the one label rule (labels.ts), which Argo's are, as Kubernetes' labels.
  labels: z.record(z.string(), anyString).pipe(labelsSchema).optional(),
  annotations: z.record(z.string(), anyString).optional(),
});

const spec = z.strictObject({
  entrypoint: z.string().optional(),
  templates: z.array(template).optional(),
  arguments: argumentsSchema.optional(),
  onExit: z.string().optional(),
  parallelism: intOrString.optional(),
  workflowTemplateRef: z.strictObject({ name, clusterScope }).optional(),
  volumes: z.array(volume).optional(),
  retryStrategy: retryStrategy.optional(),
  activeDeadlineSeconds: deadlineSeconds.optional(),
});

export const argoDocumentSchema = z.strictObject({ apiVersion: z.literal(ARGO_API_VERSION), kind: z.enum(ARGO_KINDS), metadata, spec });
export type ArgoDocument = z.infer<typeof argoDocumentSchema>;

/**
 * What to do instead of a CronWorkflow `doc`, as it can be followed: a Workflow's flow is not
 * registered (a Workflow is a run), a WorkflowTemplate's entry flow is, so a Schedule can
 * `use` it; the CronWorkflow's own name and timing fields are named (tester 14).
 */
function cronWorkflowAdvice(doc: unknown): string {
  const d = doc as { metadata?: { name?: unknown }; spec?: Record<string, unknown> } | null;
  const name = typeof d?.metadata?.name === 'string' && d.metadata.name ? clipped(d.metadata.name, 80) : 'NAME';
  const spec = d?.spec ?? {};
  const timing = (['schedule', 'timezone', 'concurrencyPolicy', 'startingDeadlineSeconds', 'suspend'] as const)
    .filter((k) => ['string', 'number', 'boolean'].includes(typeof spec[k]))
    .map((k) => `${k === 'timezone' ? 'timeZone' : k}: ${JSON.stringify(spec[k])}`);
  return `apply its spec.workflowSpec as the spec of a WorkflowTemplate named ${name} (kind: WorkflowTemplate), which registers its flow ${name}@argo-<digest> (strata flows get ${name}), then a strata Schedule (docs/operating.md, Schedules) with use: ${name}@argo-<digest>${timing.length > 0 ? ` and ${timing.join(', ')}` : ''}`;
}

/** Argo kinds strata does not take, with what to use instead (docs/argo.md, Not supported). */
const OTHER_KINDS: Record<string, string | ((doc: unknown) => string)> = {
  CronWorkflow: cronWorkflowAdvice,
  ClusterWorkflowTemplate: 'strata\'s registered flows have one scope: give it as a WorkflowTemplate',
  WorkflowEventBinding: 'strata has no event bindings; start runs with POST /v1/runs or a trigger',
  WorkflowTaskSet: 'an Argo controller\'s internal kind',
  WorkflowTaskResult: 'an Argo controller\'s internal kind',
  WorkflowArtifactGCTask: 'an Argo controller\'s internal kind',
};

/** Validate one parsed Argo document; a StrataError listing every problem, each with its path and template. */
export function validateArgoDocument(doc: unknown, source = ''): ArgoDocument {
  const { argo, problems } = checkArgoDocument(doc, source);
  if (problems.length > 0 || !argo) throw invalid(problems);
  return argo;
}

/**
 * The document's problems, and the document as read when the only schema problems are
 * unknown keys: then it is read again without them, so what the importer checks later (an
 * entrypoint naming no template, a missing template) is found in the same round and every
 * problem is said at once (Argo tester 2, fault 12). A document with problems never runs:
 * the caller refuses it with all of them.
 */
export function checkArgoDocument(doc: unknown, source = ''): { argo?: ArgoDocument; problems: Problem[]; repaired?: string[] } {
  const kind = (doc as { kind?: unknown })?.kind;
  if (typeof kind === 'string' && Object.hasOwn(OTHER_KINDS, kind)) {
    const instead = OTHER_KINDS[kind];
    return { problems: [{ path: pathUnder(source, 'kind'), message: `Argo kind ${kind} is not supported: ${typeof instead === 'function' ? instead(doc) : instead}` }] };
  }
  const input = withoutHousekeeping(withoutEmptyUnsupported(doc));
  const r = argoDocumentSchema.safeParse(input);
  const problems: Problem[] = [];
  let data = r.success ? r.data : undefined;
  let repaired: string[] | undefined;
  if (!r.success) {
    const names = templateNames(doc);
    for (const p of zodProblems(r.error, '')) {
      const key = /unknown key "([^"]+)"/.exec(p.message)?.[1];
      // An Argo field strata does not map is said as one, by the Argo type that holds it (argo-fields.ts).
      const argo = key !== undefined ? unsupportedField(objectPathOf(p.path), key) : undefined;
      problems.push({ path: pathUnder(source, withTemplateNames(p.path, names)), message: argo ?? p.message });
    }
    if (r.error.issues.every((i) => i.code === 'unrecognized_keys')) data = argoDocumentSchema.safeParse(withoutKeys(input, r.error.issues as never)).data;
    else {
      // Refused for its shape, but read on where the rest can be (every problem at once): the
      // refused values stood in for, so its references are checked too (repairedCopy).
      const fixed = repairedCopy(withoutKeys(input, r.error.issues.filter((i) => i.code === 'unrecognized_keys') as never), r.error.issues.filter((i) => i.code !== 'unrecognized_keys'));
      if (fixed) {
        data = fixed.data;
        repaired = fixed.values;
      }
    }
  }
  const structural = data ? structureProblems(data) : [];
  // Said with the rest, the document still read on (every problem at once, Argo tester 8, S3).
  if (data) appendAll(problems, [...containerResourceProblems(data), ...volumeProblems(data)].map((p) => ({ ...p, path: pathUnder(source, p.path) })));
  // A template whose only kind was an unsupported one (`suspend`) is said once, by that field.
  const stripped = new Set(r.success ? [] : r.error.issues.filter((i) => i.path.length === 3 && i.path[1] === 'templates').map((i) => `spec.templates[${String(i.path[2])}]`));
  const said = structural.filter((p) => !(p.message.startsWith('a template needs one of') && stripped.has(withoutName(p.path))));
  appendAll(problems, said.map((p) => ({ ...p, path: pathUnder(source, p.path) })));
  // Read on only as a document the importer would take as it is: without unknown keys
  // (a removed `suspend` leaves a template of no kind, said here, not imported).
  return { ...(data && structural.length === 0 ? { argo: data } : {}), problems, ...(repaired ? { repaired } : {}) };
}

/** What stands in for a refused text value in a repaired copy (a name of its own, valid anywhere a name is). */
export const STAND_IN = 'strata-refused-';

/**
 * A copy of `doc` the schema takes, made by standing in for each value an issue refuses: a
 * text refused by a rule (a name too long or of other characters, one given twice) by a name
 * of its own (STAND_IN and a count), any other (a field of the wrong type) left out. Undefined
 * when the copy is still refused (a required field of the wrong type): then nothing more is
 * read. `values`: the refused texts, so that what the importer says of them again (a step
 * of that name) is left out; the document is refused all the same, so the copy never runs.
 */
function repairedCopy(doc: unknown, issues: ReadonlyArray<{ code: string; path: PropertyKey[] }>): { data: ArgoDocument; values: string[] } | undefined {
  const copy = structuredClone(doc) as Record<PropertyKey, unknown>;
  const values: string[] = [];
  for (const issue of issues) {
    if (issue.path.length === 0) return undefined;
    if (loopStoodIn(copy, issue.path)) continue;
    let parent: unknown = copy;
    for (const seg of issue.path.slice(0, -1)) parent = (parent as Record<PropertyKey, unknown> | undefined)?.[seg];
    if (!parent || typeof parent !== 'object') return undefined;
    const key = issue.path[issue.path.length - 1];
    const o = parent as Record<PropertyKey, unknown>;
    const v = o[key];
    if (typeof v === 'string' && issue.code === 'custom') {
      if (!v.startsWith(STAND_IN)) values.push(v);
      o[key] = `${STAND_IN}${values.length}`;
    } else if (Array.isArray(parent)) return undefined;
    else delete o[key];
  }
  const again = argoDocumentSchema.safeParse(copy);
  return again.success ? { data: again.data, values } : undefined;
}

/**
 * What stands in for a loop field refused for its type (or for a field of it): a loop still
 * (an empty withItems is none: Argo's ShouldExpand asks len(WithItems) > 0), so its step's
 * `{{item}}` is not refused again as read outside a loop (the one problem is the field's type).
 */
const LOOP_STAND_INS: Record<string, () => unknown> = { withItems: () => [STAND_IN], withParam: () => '[]', withSequence: () => ({ count: '0' }) };

/** Stands in (LOOP_STAND_INS) for the loop field of a step or task (the key after an index) that `path` is in; false when it is in none. */
function loopStoodIn(copy: Record<PropertyKey, unknown>, path: PropertyKey[]): boolean {
  const at = path.findIndex((seg, i) => typeof seg === 'string' && Object.hasOwn(LOOP_STAND_INS, seg) && typeof path[i - 1] === 'number');
  if (at < 0) return false;
  let parent: unknown = copy;
  for (const seg of path.slice(0, at)) parent = (parent as Record<PropertyKey, unknown> | undefined)?.[seg];
  if (!parent || typeof parent !== 'object') return false;
  (parent as Record<string, unknown>)[path[at] as string] = LOOP_STAND_INS[path[at] as string]();
  return true;
}

/** The keys of the object a problem's path (`spec.templates[1].containerSet.retryStrategy`) names a field of: its names, less the field. */
function objectPathOf(path: string): string[] {
  return path.replace(/\[\d+\]/g, '').split('.').slice(0, -1);
}

/**
 * A copy of `doc` without the unknown keys zod found (`keys` at `path`). A parameter whose
 * `valueFrom` held only unmapped fields (`jsonPath`, `configMapKeyRef`) gets a stand-in, so
 * the field is said once and not again as a parameter with no value or no path; the
 * document is refused all the same, so the stand-in never runs.
 */
function withoutKeys(doc: unknown, issues: Array<{ path: PropertyKey[]; keys: string[] }>): unknown {
  const copy = structuredClone(doc);
  for (const { path, keys } of issues) {
    let at: unknown = copy;
    let parent: unknown;
    for (const seg of path) {
      parent = at;
      at = (at as Record<PropertyKey, unknown> | undefined)?.[seg];
    }
    if (!at || typeof at !== 'object') continue;
    const o = at as Record<string, unknown>;
    for (const k of keys) delete o[k];
    const named = path.filter((k) => typeof k === 'string');
    if (named.at(-1) === 'valueFrom' && named.at(-2) === 'parameters' && o.path === undefined && o.parameter === undefined && parent && typeof parent === 'object') {
      const param = parent as Record<string, unknown>;
      if (named.includes('outputs')) o.path = '/stand-in/value'; // inside a directory, as an output path must be (leaf.ts)
      else {
        delete param.valueFrom;
        param.value ??= '';
      }
    }
  }
  return copy;
}

/** Annotation listing the housekeeping fields a document had, which strata accepted and ignores. */
export const IGNORED = 'strata/argo-ignored';

/**
 * Cluster housekeeping fields (docs/argo.md, Accepted and ignored): they ask for nothing a
 * run's outcome depends on (cleanup after the run, pod labels, the pods' identity), and
 * strata keeps runs by its own retention and makes its own pods. Accepted so Argo documents
 * run as they are, and noted, not dropped silently: the flow's annotation IGNORED names them.
 */
const HOUSEKEEPING_SPEC = ['ttlStrategy', 'podGC', 'workflowMetadata', 'podMetadata', 'archiveLogs', 'artifactGC', 'serviceAccountName', 'automountServiceAccountToken', 'imagePullSecrets', 'priority', 'podPriorityClassName', 'podDisruptionBudget'];
const HOUSEKEEPING_TEMPLATE = ['metadata', 'serviceAccountName', 'automountServiceAccountToken', 'archiveLocation', 'priority', 'priorityClassName'];

/** The document without housekeeping fields, their paths in the annotation IGNORED; the input is not changed. */
function withoutHousekeeping(doc: unknown): unknown {
  const d = doc as { metadata?: Record<string, unknown>; spec?: Record<string, unknown> };
  if (!d || typeof d !== 'object' || !d.spec || typeof d.spec !== 'object' || Array.isArray(d.spec)) return doc;
  const ignored: string[] = [];
  const spec = { ...d.spec };
  for (const k of HOUSEKEEPING_SPEC) {
    if (Object.hasOwn(spec, k)) {
      ignored.push(`spec.${k}`);
      delete spec[k];
    }
  }
  if (Array.isArray(spec.templates)) {
    spec.templates = spec.templates.map((t: unknown, i: number) => {
      if (!t || typeof t !== 'object' || Array.isArray(t)) return t;
      const copy = { ...(t as Record<string, unknown>) };
      for (const k of HOUSEKEEPING_TEMPLATE) {
        if (Object.hasOwn(copy, k)) {
          ignored.push(`spec.templates[${i}]${typeof copy.name === 'string' ? `(${copy.name})` : ''}.${k}`);
          delete copy[k];
        }
      }
      return copy;
    });
  }
  if (ignored.length === 0) return doc;
  const metadata = d.metadata && typeof d.metadata === 'object' ? d.metadata : {};
  const annotations = metadata.annotations && typeof metadata.annotations === 'object' ? (metadata.annotations as Record<string, unknown>) : {};
  return { ...d, metadata: { ...metadata, annotations: { ...annotations, [IGNORED]: `accepted, no effect in strata: ${ignored.join(', ')}` } }, spec };
}

/**
 * The document without unsupported fields that hold an empty list (`volumeMounts: []`,
 * `sidecars: []`, as generators write them): they ask for nothing, so nothing is dropped.
 * Walked iteratively (the document's depth is already bounded); the input is not changed.
 */
function withoutEmptyUnsupported(doc: unknown): unknown {
  const copy = structuredClone(doc);
  const stack: unknown[] = [copy];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      appendAll(stack, v);
      continue;
    }
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (Object.hasOwn(UNSUPPORTED, k) && Array.isArray(o[k]) && (o[k] as unknown[]).length === 0) delete o[k];
      else stack.push(o[k]);
    }
  }
  return copy;
}

/** resourceProblems of every container of `doc`'s templates (a container, a script, a containerSet's containers), at their places. */
function containerResourceProblems(doc: ArgoDocument): Problem[] {
  const problems: Problem[] = [];
  (doc.spec.templates ?? []).forEach((t, i) => {
    const at = `spec.templates[${i}](${t.name})`;
    if (t.container?.resources) appendAll(problems, resourceProblems(t.container.resources, `${at}.container.resources`));
    if (t.script?.resources) appendAll(problems, resourceProblems(t.script.resources, `${at}.script.resources`));
    t.containerSet?.containers.forEach((c, j) => c.resources && appendAll(problems, resourceProblems(c.resources, `${at}.containerSet.containers[${j}](${c.name}).resources`)));
  });
  return problems;
}

/** Checks zod cannot say: one body per template, names unique, a step names one template. */
function structureProblems(doc: ArgoDocument): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  (doc.spec.templates ?? []).forEach((t, i) => {
    const at = `spec.templates[${i}](${t.name})`;
    if (seen.has(t.name)) problems.push({ path: `${at}.name`, message: `template "${t.name}" is defined twice` });
    seen.add(t.name);
    const kinds = TEMPLATE_KINDS.filter((k) => t[k] !== undefined);
    if (kinds.length !== 1) problems.push({ path: at, message: kinds.length === 0 ? `a template needs one of ${TEMPLATE_KINDS.join(', ')}` : `a template has one of ${TEMPLATE_KINDS.join(', ')}; found ${kinds.join(' and ')}` });
    appendAll(problems, fieldUseProblems(t, at));
    const calls: Array<[string, ArgoStep | ArgoTask]> = [
      ...(t.steps ?? []).flatMap((g, gi) => g.map((s, si): [string, ArgoStep] => [`${at}.steps[${gi}][${si}](${s.name})`, s])),
      ...(t.dag?.tasks ?? []).map((s, si): [string, ArgoTask] => [`${at}.dag.tasks[${si}](${s.name})`, s]),
    ];
    for (const [p, s] of calls) {
      if ((s.template === undefined) === (s.templateRef === undefined)) problems.push({ path: p, message: 'needs exactly one of template and templateRef' });
      const loops = (['withItems', 'withParam', 'withSequence'] as const).filter((k) => s[k] !== undefined);
      if (loops.length > 1) problems.push({ path: p, message: `has ${loops.join(' and ')}; a step loops over one of them` });
      if ('dependencies' in s && s.dependencies && s.depends) problems.push({ path: p, message: 'has both dependencies and depends; use one' });
    }
  });
  return problems;
}

function templateNames(doc: unknown): string[] {
  const list = (doc as { spec?: { templates?: unknown } })?.spec?.templates;
  return Array.isArray(list) ? list.map((t) => (typeof (t as { name?: unknown })?.name === 'string' ? (t as { name: string }).name : '')) : [];
}

/** `spec.templates[3].x` -> `spec.templates[3](whalesay).x`, so an error names the template. */
function withTemplateNames(path: string, names: string[]): string {
  return path.replace(/^spec\.templates\[(\d+)\]/, (m, i: string) => (names[Number(i)] ? `${m}(${names[Number(i)]})` : m));
}

/** A problem's path without its closing `(name)`: `spec.templates[2](x)` is `spec.templates[2]` (one pass, where /\(.*\)$/ read from each "(" to the end). */
function withoutName(path: string): string {
  let line = 0; // `.` stops at line ends: the "(" is the first after the last of them
  for (let i = 0; i < path.length; i++) if ('\n\r\u2028\u2029'.includes(path[i])) line = i + 1;
  const open = path.indexOf('(', line);
  return open >= 0 && path.endsWith(')') && open < path.length - 1 ? path.slice(0, open) : path;
}

/** True for a document that says it is Argo's (apiVersion argoproj.io/...). */
export function isArgoDocument(doc: unknown): boolean {
  const v = (doc as { apiVersion?: unknown })?.apiVersion;
  return typeof v === 'string' && v.startsWith('argoproj.io/');
}

/** True when a document's text says it is Argo's (an `argoproj.io/` apiVersion), before it is parsed. */
export function looksLikeArgo(text: string): boolean {
  // A line's indent is whitespace but newlines ([^\S\n]*): \s* took newlines too, so a body of
  // newlines was read from each one to its end (quadratic: 400,000 held a worker thread a minute).
  return /(^|\n)[^\S\n]*["']?apiVersion["']?\s*:\s*["']?argoproj\.io\//.test(text) || /"apiVersion"\s*:\s*"argoproj\.io\//.test(text);
}
