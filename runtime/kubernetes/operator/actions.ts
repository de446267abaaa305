/**
 * What reconciling one resource decided, for the controller to carry out: a new list of
 * finalizers, a new status, and whether to look again later (a run still going).
 * Reconcilers read the resource and call strata's port; they never touch the API server.
 */
import { FINALIZER, type StrataResource } from './crd-names.ts';
import type { StrataPort } from './strata-port.ts';

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

export function codeOf(e: unknown): string | undefined {
  const c = (e as { code?: unknown })?.code;
  return typeof c === 'string' ? c : undefined;
}
