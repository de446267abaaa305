/**
 * `argo submit --entrypoint NAME` (argo-workflows workflow/util/util.go ApplySubmitOpts:
 * `if opts.Entrypoint != "" { wfSpec.Entrypoint = opts.Entrypoint }`): the run starts from
 * template NAME instead of `spec.entrypoint`. Applied to the documents as read, before they
 * are imported: to the file's first Workflow, or, with none, to its first WorkflowTemplate
 * (the one `strata runs submit` runs, as `argo submit --from` does). Pure.
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
  if (spec.workflowTemplateRef !== undefined) throw new StrataError('invalid_request', `--entrypoint ${name}: ${what} runs a WorkflowTemplate by workflowTemplateRef; choosing its entrypoint there is not supported (docs/argo.md)`);
  const names = Array.isArray(spec.templates) ? spec.templates.map((t) => (isObj(t) ? (t as { name?: unknown }).name : undefined)).filter((n): n is string => typeof n === 'string') : [];
  if (!names.includes(name)) throw new StrataError('invalid_request', `--entrypoint ${name}: ${what} has no template "${name}" (it has ${names.join(', ') || 'none'})`);
  return docs.map((r, i) => (i === at ? { ...r, doc: { ...d, spec: { ...spec, entrypoint: name } } } : r));
}
