/**
 * `POST /v1/runs` with an Argo document as its body (as `argo submit` sends one): read as
 * leniently as Argo reads YAML, within the body limits, and imported into the flow the run
 * runs plus the units its templateRefs need (registered before the run starts). A
 * WorkflowTemplate runs from its entrypoint (`argo submit --from workflowtemplate/NAME`).
 * Runs in the API's worker threads with the rest of the body's parsing.
 */
import { isArgoDocument, looksLikeArgo } from '../argo/argo-document.ts';
import { importArgo } from '../argo/import-argo.ts';
import { readArgoText } from '../argo/lenient-yaml.ts';
import { libraryListings, registeredFlows } from '../argo/references.ts';
import { withSubmitParams } from '../argo/submit-params.ts';
import { fixedWorkflowName } from '../argo/workflow-name.ts';
import { StrataError } from '../errors/strata-error.ts';
import type { FlowDocument } from '../flow/types.ts';
import { bodyTooLarge, type BodyLimits, type RawBody } from './cpu/parse-body.ts';
import { paramsAsWritten } from './params-as-written.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** How a document with nothing to run is named: a WorkflowTemplate without an entrypoint. */
function entryless(doc: unknown): string {
  return `WorkflowTemplate ${String((doc as { metadata?: { name?: unknown } })?.metadata?.name)} has no spec.entrypoint`;
}

/** The body's text when it is an Argo document (by its apiVersion), else undefined. */
function argoText(body: RawBody): string | undefined {
  let text: string;
  try {
    text = utf8.decode(body.bytes);
  } catch {
    return undefined; // the usual parser says it is not UTF-8
  }
  return looksLikeArgo(text) ? text : undefined;
}

/** A run request around an Argo document: `{ flow: <Workflow>, params, labels, targets, onEnd }` (no apiVersion of its own). */
function wrapped(doc: unknown): doc is { flow: unknown } & Record<string, unknown> {
  return typeof doc === 'object' && doc !== null && !Array.isArray(doc) && !('apiVersion' in doc) && isArgoDocument((doc as { flow?: unknown }).flow);
}

/**
 * The flows of an Argo body (a Workflow, or a WorkflowTemplate with an entrypoint):
 * `workflow` to run and `units` to register first; undefined for any other body. The
 * document is the body itself (as `argo submit` sends it), or the `flow` of a run request
 * (`{ flow: <Workflow>, params: { x: "..." } }`, JSON or YAML), whose other fields
 * (`params`, `labels`, `targets`, `onEnd`) come back as `request`; a Workflow's fixed
 * `metadata.name` as `workflowName` (workflow-name.ts).
 * `limits.maxDepth` bounds how deep its templates nest (STRATA_MAX_FLOW_DEPTH).
 */
export async function argoBody(body: RawBody, limits: BodyLimits & { maxDepth?: number }, versions: (name: string) => Promise<FlowDocument[]>, names?: () => Promise<string[]>): Promise<{ workflow: FlowDocument; units: FlowDocument[]; request?: Record<string, unknown>; workflowName?: string } | undefined> {
  const text = argoText(body);
  if (text === undefined) return undefined;
  const max = body.type === 'yaml' ? limits.maxYamlBytes : limits.maxBytes;
  if (body.bytes.byteLength > max) throw bodyTooLarge(body, limits);
  const read = readArgoText(text, 'body', limits.maxBytes, limits.maxNesting);
  const wrapper = read.length === 1 && wrapped(read[0]) ? read[0] : undefined;
  // Argo's parameters are text: a JSON number given is its text as written (Argo tester 6, Q6).
  // A null is no value, as `value: ~` in the document (Argo tester 8, S4): the parameter keeps
  // the Workflow's value, or is required; it never reaches the run as null.
  const request = wrapper && wrapper.params !== undefined ? { ...wrapper, params: withoutNulls(paramsAsWritten(text, wrapper.params, true)) } : wrapper;
  // -p as argo submit applies it: every given parameter is one of the Workflow's arguments.
  const docs = request ? [withSubmitParams(request.flow, request.params as Record<string, unknown> | undefined)] : read;
  if (docs.length !== 1 || !isArgoDocument(docs[0])) throw new StrataError('invalid_request', 'an Argo body holds one Workflow document, as it is or as { "flow": <the Workflow>, "params": { ... } }');
  const registered = await registeredFlows(docs, versions);
  // A registered WorkflowTemplate without an entrypoint the Workflow asks for a template it lacks: its templates, named.
  const libraries = names ? await libraryListings(docs, registered, names, versions) : undefined;
  const { units, workflows, entries } = importArgo([{ doc: docs[0], source: 'body' }], (n) => (registered.get(n) ?? []) as never, { maxDepth: limits.maxDepth, ...(libraries ? { libraries } : {}) });
  // A WorkflowTemplate runs from its entrypoint, as `argo submit --from workflowtemplate/NAME`
  // does: its templates are registered and its entry flow runs.
  const run = workflows[0] ?? entries[0];
  if (!run) throw new StrataError('invalid_request', `${entryless(docs[0])}, so there is nothing to run: register it with \`strata apply\` and call its templates with templateRef`);
  const { flow: _flow, ...rest } = request ?? {};
  // A Workflow's fixed name labels its run (workflow-name.ts), which `strata apply` finds.
  const workflowName = workflows[0] ? fixedWorkflowName(docs[0]) : undefined;
  return { workflow: run as unknown as FlowDocument, units: units as unknown as FlowDocument[], ...(request ? { request: rest } : {}), ...(workflowName ? { workflowName } : {}) };
}

/** `params` without its null values (no value, as `-p` cannot give one); anything else as it is. */
function withoutNulls(params: unknown): unknown {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return params;
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== null));
}
