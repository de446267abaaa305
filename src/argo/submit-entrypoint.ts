/**
 * `argo submit --entrypoint NAME` (argo-workflows workflow/util/util.go ApplySubmitOpts:
 * `if opts.Entrypoint != "" { wfSpec.Entrypoint = opts.Entrypoint }`): the run starts from
 * template NAME instead of `spec.entrypoint`. Applied to the documents as read, before they
 * are imported: to the file's first Workflow, or, with none, to its first WorkflowTemplate
 * (the one `strata runs submit` runs, as `argo submit --from` does); a Workflow with
 * `workflowTemplateRef` starts from that template of the WorkflowTemplate. Pure.
 */
import { StrataError } from '../errors/strata-error.ts';

interface Read { doc: unknown; source: string }
type Doc = { kind?: unknown; metadata?: { name?: unknown; generateName?: unknown }; spec?: { templates?: unknown; workflowTemplateRef?: unknown; entrypoint?: unknown } };

/** `docs` with the Workflow (else the first WorkflowTemplate) starting from template `name`; refused (invalid_request) naming --entrypoint and the document when it has no such template. */
export function withEntrypoint(docs: Read[], name: string): Read[] {
  const isObj = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);
  const at = Math.max(docs.findIndex((d) => isObj(d.doc) && d.doc.kind === 'Workflow'), 0);
  const picked = docs[at];
  if (!picked || !isObj(picked.doc) || !isObj(picked.doc.spec)) return docs; // the importer names what is wrong
  const d = picked.doc;
  const spec = d.spec!;
  const what = `${String(d.kind)} ${String(d.metadata?.name ?? d.metadata?.generateName ?? '')} (${picked.source})`;
  // A Workflow running a WorkflowTemplate by workflowTemplateRef: its entrypoint is joined over the
  // WorkflowTemplate's (import-argo.ts); checked here when the WorkflowTemplate is in the same files, else by the import.
  const ref = isObj(spec.workflowTemplateRef) ? (spec.workflowTemplateRef as { name?: unknown }).name : undefined;
  const holder = ref === undefined ? d : docs.map((r) => r.doc).find((x): x is Doc => isObj(x) && x.kind === 'WorkflowTemplate' && x.metadata?.name === ref);
  const templates = holder && isObj(holder.spec) ? holder.spec.templates : undefined;
  const names = Array.isArray(templates) ? templates.map((t) => (isObj(t) ? (t as { name?: unknown }).name : undefined)).filter((n): n is string => typeof n === 'string') : [];
  if (holder && !names.includes(name)) throw new StrataError('invalid_request', `--entrypoint ${name}: ${ref === undefined ? what : `WorkflowTemplate ${String(ref)}, which ${what} runs,`} has no template "${name}" (it has ${names.join(', ') || 'none'})`);
  return docs.map((r, i) => (i === at ? { ...r, doc: { ...d, spec: { ...spec, entrypoint: name } } } : r));
}
