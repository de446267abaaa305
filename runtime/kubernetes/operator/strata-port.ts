/**
 * What the operator needs of strata: the port it is coded against. The strata process
 * that runs the operator implements it over its own stores, exactly as the HTTP API
 * would do the same (POST /v1/rules, POST /v1/flows, POST /v1/datasets?run=true, ...).
 * Errors are thrown as StrataErrors; across this port compare `code`, never `instanceof`.
 */
import type { RunStatus, StepStatus } from '../../../src/engine/types.ts';
import type { JsonValue } from '../../../src/flow/types.ts';

/** A strata document (`apiVersion: strata/v1`) built from a custom resource. */
export interface StrataDocument {
  apiVersion: 'strata/v1';
  kind: 'Dataset' | 'Rule' | 'Flow';
  metadata: { name: string; version?: string; labels?: Record<string, string> };
  spec: Record<string, JsonValue>;
}

export interface RunView {
  status: RunStatus;
  /** every step, or a big run's first ones (then `stepCounts` counts them all) */
  steps: Record<string, { status: StepStatus | 'superseded' }>;
  /** every step's count by status, given when `steps` holds only some of them */
  stepCounts?: Record<string, number>;
  error?: string;
}

export interface StrataPort {
  /** register (or replace) a rule, as POST /v1/rules */
  registerRule(doc: StrataDocument): Promise<void>;
  /** remove a rule, as DELETE /v1/rules/:name; a rule that is not there is no error */
  removeRule(name: string): Promise<void>;
  /** register a flow version, as POST /v1/flows; the same content again is no error, other content under a registered version is a `conflict` */
  registerFlow(doc: StrataDocument): Promise<{ ref: string }>;
  /**
   * Ingest a dataset and start its run, as POST /v1/datasets?run=true. `key` identifies
   * this submission (resource uid and generation): the same key again must return the
   * same run, so an operator restarted between submitting and recording starts no second run.
   */
  submitDataset(doc: StrataDocument, opts: { key: string }): Promise<{ runId: string }>;
  /** a run's state, as GET /v1/runs/:id; undefined when there is no such run */
  getRun(runId: string): Promise<RunView | undefined>;
  /** cancel a run, as POST /v1/runs/:id/cancel; a run already ended is no error */
  cancelRun(runId: string): Promise<void>;
}
