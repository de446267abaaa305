/**
 * `-p key=value` on an Argo Workflow, as `argo submit -p` applies it (argo-workflows
 * workflow/util/util.go ApplySubmitOpts): every given parameter becomes one of the Workflow's
 * `spec.arguments.parameters`, whether the Workflow lists it or not. Under
 * `workflowTemplateRef` those arguments go over the WorkflowTemplate's, so `-p region=sa`
 * reaches templates that read `{{workflow.parameters.region}}` even when the Workflow itself
 * lists no `region` (Argo tester 5, P1: it was dropped and the run used the template's
 * default, succeeding against the wrong region).
 *
 * Applied to the document before it is imported, by every route that takes `-p` or
 * `params` with an Argo Workflow (`strata runs submit`, `apply`, `plan`, `POST /v1/runs`).
 */

/** Parameter values as Argo holds them: text (a value that is not text is written as JSON). */
function asText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v) ?? 'null';
}

/**
 * `doc` (an Argo document, as read) with each name of `params` not already in its
 * `spec.arguments.parameters` appended as `{ name, value }`; listed ones keep their entry
 * (the given value overrides it when the run starts). Returns `doc` itself unchanged when it
 * is not a Workflow with a spec, or nothing is to be added. Pure: the input is not mutated.
 */
export function withSubmitParams(doc: unknown, params: Record<string, unknown> | undefined): unknown {
  if (typeof params !== 'object' || params === null || Array.isArray(params) || typeof doc !== 'object' || doc === null) return doc;
  const d = doc as { kind?: unknown; spec?: unknown };
  if (d.kind !== 'Workflow' || typeof d.spec !== 'object' || d.spec === null || Array.isArray(d.spec)) return doc;
  const spec = d.spec as { arguments?: unknown };
  const args = typeof spec.arguments === 'object' && spec.arguments !== null && !Array.isArray(spec.arguments) ? (spec.arguments as { parameters?: unknown }) : {};
  const listed = Array.isArray(args.parameters) ? (args.parameters as unknown[]) : [];
  if (args.parameters !== undefined && !Array.isArray(args.parameters)) return doc; // refused by the importer, naming it
  const names = new Set(listed.map((p) => (p as { name?: unknown } | null)?.name));
  const added = Object.keys(params).filter((n) => !names.has(n)).map((n) => ({ name: n, value: asText(params[n]) }));
  if (added.length === 0) return doc;
  return { ...d, spec: { ...spec, arguments: { ...args, parameters: [...listed, ...added] } } };
}
