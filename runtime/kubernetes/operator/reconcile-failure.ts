/**
 * What a failed reconcile shows on its resource, Kubernetes' way (status.conditions, one
 * condition `Reconciled` with a reason and a message) and Argo's (phase `Error`: the
 * system failed, not the document; a refused document is `Invalid` or `Failed`).
 *
 * - A fault that may pass (strata's Redis away or busy, the API server's 404, 409, 429, 5xx
 *   or a connection's fault) is tried again for as long as it lasts, the condition False,
 *   reason `Retrying`, with the last error: the status is otherwise left as it was.
 * - Any other error (a plain Error, strata's `internal`: a bug of strata's, which trying
 *   again will not mend) is tried `tries` times, the condition saying which try; then the
 *   resource ends in phase `Error`, the error in its message and its condition (reason
 *   `Error`), its generation recorded, so it is tried again only when its spec changes.
 * - Once a reconcile goes through again, the condition is True (reason `Reconciled`).
 *
 * Pure: the controller writes what these return (docs/kubernetes.md, The operator).
 */
import { isTransientRedisError } from '../../../src/errors/strata-error.ts';
import { isTransientFault } from '../../../src/engine/transient-fault.ts';
import { apiFault, statusOf } from '../kube-config.ts';
import { deleting, messageOf } from './actions.ts';
import { FINALIZER, type StrataResource } from './crd-names.ts';

export const CONDITION = 'Reconciled';

export interface Condition {
  type: typeof CONDITION;
  status: 'True' | 'False';
  reason: 'Reconciled' | 'Retrying' | 'Error';
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

/** Whether `e` is a fault that may pass: Redis away or busy, or an answer (or a connection's fault) of the API server that asks to try again. */
export function mayPass(e: unknown): boolean {
  if (isTransientRedisError(e)) return true;
  const status = statusOf(e);
  if (status === 404 || status === 409 || (status !== undefined && status >= 500)) return true;
  return isTransientFault(apiFault(e));
}

/** The failed reconcile's status patch (undefined: nothing new to write) and whether to try again. */
export function failedStatus(r: StrataResource, e: unknown, tries: number, maxTries: number, now: Date): { status?: Record<string, unknown>; retry: boolean } {
  const error = messageOf(e);
  const generation = r.metadata.generation;
  if (mayPass(e)) {
    return { status: withCondition(r, { status: 'False', reason: 'Retrying', message: `${error} (a fault that may pass: tried again until it goes through)` }, now), retry: true };
  }
  if (tries < maxTries) return { status: withCondition(r, { status: 'False', reason: 'Retrying', message: `${error} (try ${tries} of ${maxTries})` }, now), retry: true };
  const next = deleting(r) ? `the finalizer ${FINALIZER} holds the resource until this goes through, tried again at each change of it, or is removed by hand` : 'tried again when the spec changes';
  const message = `strata operator: ${error} (tried ${maxTries} times; ${next})`;
  const status = withCondition(r, { status: 'False', reason: 'Error', message }, now);
  return { status: status && { ...status, phase: 'Error', message, ...(generation !== undefined ? { observedGeneration: generation } : {}) }, retry: false };
}

/**
 * After a reconcile that went through: the condition back to True, when it was False and
 * the reconcile wrote a status of its own (`wrote`), or it was only `Retrying` (an `Error`
 * stays until a new status replaces it: a generation given up on is not reconciled again).
 */
export function reconciledStatus(r: StrataResource, wrote: boolean, now: Date): Record<string, unknown> | undefined {
  const c = conditionOf(r);
  if (!c || c.status === 'True' || (!wrote && c.reason !== 'Retrying')) return undefined;
  return withCondition(r, { status: 'True', reason: 'Reconciled', message: '' }, now);
}

/** `{ conditions }` with the condition set, or undefined when it holds that already. */
function withCondition(r: StrataResource, c: Pick<Condition, 'status' | 'reason' | 'message'>, now: Date): Record<string, unknown> | undefined {
  const was = conditionOf(r);
  const generation = r.metadata.generation;
  if (was && was.status === c.status && was.reason === c.reason && was.message === c.message && was.observedGeneration === generation) return undefined;
  // The time it last changed status (True/False), as Kubernetes' conditions keep it.
  const lastTransitionTime = was && was.status === c.status ? was.lastTransitionTime : now.toISOString();
  const condition: Condition = { type: CONDITION, ...c, ...(generation !== undefined ? { observedGeneration: generation } : {}), lastTransitionTime };
  const others = ((r.status?.conditions as Condition[] | undefined) ?? []).filter((x) => x?.type !== CONDITION);
  return { conditions: [...others, condition] };
}

function conditionOf(r: StrataResource): Condition | undefined {
  const list = r.status?.conditions;
  return Array.isArray(list) ? (list as Condition[]).find((x) => x?.type === CONDITION) : undefined;
}
