/**
 * A Workflow with a fixed `metadata.name` is one run, as a named object is one in Argo
 * (`argo submit` and `kubectl create` of the name again fail with "already exists";
 * `kubectl apply` of it unchanged changes nothing): every route that starts a run of such a
 * Workflow labels the run with its name (WORKFLOW_LABEL, the label Argo puts on a
 * workflow's pods), by which `strata apply` finds the run (Argo tester 7, R6; docs/argo.md).
 */
import { labelValueOf } from '../flow/labels.ts';

/** The run label holding the Argo Workflow's fixed name. */
export const WORKFLOW_LABEL = 'workflows.argoproj.io/workflow';

/**
 * The label a run of the Workflow named `name` carries: its name, folded to a label value
 * where it is none (labels.ts; Argo refuses such a name, strata reads a name of 64 or in
 * capitals as its flow's name), so every route writes and finds the same one.
 */
export function workflowLabel(name: string): Record<string, string> {
  return { [WORKFLOW_LABEL]: labelValueOf(name) };
}

/** The label selector of the runs of the Workflow named `name` (workflowLabel). */
export function workflowSelector(name: string): string {
  return `${WORKFLOW_LABEL}=${labelValueOf(name)}`;
}

/** The fixed `metadata.name` of an Argo Workflow document (as read), or undefined for a generateName one or any other document. */
export function fixedWorkflowName(doc: unknown): string | undefined {
  if (typeof doc !== 'object' || doc === null || (doc as { kind?: unknown }).kind !== 'Workflow') return undefined;
  const name = (doc as { metadata?: { name?: unknown } }).metadata?.name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}
