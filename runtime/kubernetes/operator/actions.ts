/**
 * What reconciling one resource decided, for the controller to carry out: a new list of
 * finalizers, a new status, and whether to look again later (a run still going).
 * Reconcilers read the resource and call strata's port; they never touch the API server.
 */
import { FINALIZER, type StrataResource } from './crd-names.ts';
import type { StrataPort } from './strata-port.ts';
import { ERROR_CODES, type ErrorCode } from '../../../src/errors/strata-error.ts';

export interface Actions {
  finalizers?: string[];
  status?: Record<string, unknown>;
  /** look at it again after the poll interval */
  poll?: boolean;
}

export type Reconciler = (r: StrataResource, port: StrataPort) => Promise<Actions>;

export function hasFinalizer(r: StrataResource): boolean {
  return (r.metadata.finalizers ?? []).includes(FINALIZER);
}

export function withFinalizer(r: StrataResource): string[] {
  return [...(r.metadata.finalizers ?? []), FINALIZER];
}

export function withoutFinalizer(r: StrataResource): string[] {
  return (r.metadata.finalizers ?? []).filter((f) => f !== FINALIZER);
}

export function deleting(r: StrataResource): boolean {
  return r.metadata.deletionTimestamp !== undefined && r.metadata.deletionTimestamp !== null;
}

/** The sentence of an error thrown across the port. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Whether strata refused the document itself (a StrataError whose code answers 4xx over
 * HTTP: invalid, conflict, no rule matched, ...): the resource's status says so until it
 * is changed. Anything else (its store out of reach, `unavailable`, `internal`) is a fault
 * that may pass: thrown on, the work queue tries again later, the status left as it was.
 */
export function refused(e: unknown): boolean {
  const code = codeOf(e);
  return code !== undefined && code in ERROR_CODES && ERROR_CODES[code as ErrorCode].http < 500;
}

export function codeOf(e: unknown): string | undefined {
  const c = (e as { code?: unknown })?.code;
  return typeof c === 'string' ? c : undefined;
}
