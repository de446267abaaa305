/**
 * Argo's required workflow parameters: a `spec.arguments.parameters` entry with neither a
 * value nor a default must be given at submission (`argo submit` refuses the workflow,
 * `spec.arguments.<name>.value is required`), and so must an entrypoint's input parameter
 * with no value that no argument gives (a WorkflowTemplate is stored with one, Argo tester 7,
 * R3; its run whole is refused without it, R4). The importer names them in the flow's
 * annotation REQUIRED_PARAMS (the param itself defaults to null); whoever starts a run of
 * the flow, or plans one, checks them with the params it has, before anything is stored.
 */
import { StrataError } from '../errors/strata-error.ts';
import { WORKFLOW_TEMPLATE } from './flow-marks.ts';

/** Annotation of an imported Workflow's flow: its required parameters' names, comma-separated. */
export const REQUIRED_PARAMS = 'strata/argo-required-parameters';

interface Annotated {
  metadata: { name: string; annotations?: Record<string, string> };
}

/** How the document a flow was made from is named: `WorkflowTemplate W` for a WorkflowTemplate's entry flow (its annotation, import-argo.ts WORKFLOW_TEMPLATE), else `Workflow N`. */
function documentOf(flow: Annotated): string {
  const wt = flow.metadata.annotations?.[WORKFLOW_TEMPLATE];
  return wt !== undefined ? `WorkflowTemplate ${wt}` : `Workflow ${flow.metadata.name}`;
}

/** The names in the annotation (empty for a flow without it). */
export function requiredParams(flow: Annotated): string[] {
  const v = flow.metadata.annotations?.[REQUIRED_PARAMS];
  return v ? v.split(',') : [];
}

/** Throws `invalid_request` naming every required parameter of `flow` that `params` leaves without a value. */
export function checkRequiredParams(flow: Annotated, params: Record<string, unknown>): void {
  // Own properties only: a parameter named like an inherited one (constructor) is given only when given.
  const missing = requiredParams(flow).filter((n) => !Object.hasOwn(params, n) || params[n] === undefined || params[n] === null);
  if (missing.length === 0) return;
  const list = missing.map((n) => `"${n}"`).join(', ');
  throw new StrataError('invalid_request', `${documentOf(flow)}: parameter${missing.length > 1 ? 's' : ''} ${list} (spec.arguments.parameters, or the entrypoint's inputs) ${missing.length > 1 ? 'have' : 'has'} no value and no default: give ${missing.length > 1 ? 'them' : 'it'} as argo submit requires: \`-p ${missing[0]}=...\` (strata runs submit, apply, plan), or over HTTP POST /v1/runs { "flow": <the Workflow>, "params": { "${missing[0]}": "..." } }`, {
    problems: missing.map((n) => ({ path: `spec.arguments.parameters(${n})`, message: `parameter "${n}" is required: it has no value and no default (give it with -p ${n}=...)` })),
  });
}
