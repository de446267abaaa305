/**
 * A run ready to be stored: its plan and its known step ids already serialized, so that the
 * process that stores it (the API's main thread) never walks a large plan; the API's
 * worker threads make it (src/api/cpu).
 */
import type { JsonValue } from '../flow/types.ts';
import type { PlanNode } from '../plan/plan-node.ts';
import { PLAN_VERSION } from '../plan/plan-version.ts';

export interface PreparedRun {
  /** the flow it runs, `name@version` */
  ref: string;
  /** `{ v, root, params, stepIds }`: the stored plan the run's engine is built from (`v`: PLAN_VERSION) */
  planJson: string;
  /** the step ids known before the run starts (fan-out items made at run time are not), as a JSON list */
  knownJson: string;
}

/** The stored plan (`{ v, root, params, stepIds }`: a resubmit starts the known steps pending again) and the known step ids. */
export function prepareRun(ref: string, root: PlanNode, params: Record<string, JsonValue>, stepIds: string[]): PreparedRun {
  const known = stepIds.filter((s) => !s.includes('*'));
  return { ref, planJson: JSON.stringify({ v: PLAN_VERSION, root, params, stepIds: known }), knownJson: JSON.stringify(known) };
}
