/**
 * What marks a flow made from an Argo document, in a module of its own so that the store and
 * the run-time checks can read the marks without loading the importer.
 */

/**
 * Annotations of the flows a WorkflowTemplate registers: its name on each, and on a unit
 * also the template's. A templateRef or workflowTemplateRef resolves to a registered flow
 * only by these (never by a flow name alone), so a native Flow, a template's unit or a
 * Workflow's recursive unit that happens to bear the name is no target.
 */
export const WORKFLOW_TEMPLATE = 'strata/argo-workflow-template';
export const TEMPLATE = 'strata/argo-template';

/** The version of a flow made from an Argo document: `argo-` and 12 hex digits of the document's digest (import-argo.ts versionOf). */
export const ARGO_VERSION = /^argo-[0-9a-f]{12}$/;
