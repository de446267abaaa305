/** An activation: one step of a run as the engine tracks it (a plan node at a step id). */
import type { JsonValue } from '../flow/types.ts';
import type { PlanNode } from '../plan/plan-node.ts';
import type { StartCommand, StepStatus } from './types.ts';

/** What a step sees of its surroundings: unit parameters, fan-out item, round, joined data. */
export interface Scope {
  params: Record<string, JsonValue>;
  /** the step id of the unit root (the flow, or a use/generate unit) that relative refs start from */
  unitId: string;
  /** how many use/generate units deep this step is */
  depth: number;
  item?: JsonValue;
  itemName?: string;
  round?: number;
  retries?: number;
  timeout?: number;
  data?: StartCommand['data'];
}

export interface Act {
  id: string;
  /** how deep in the tree of activations: the root is 0 */
  level: number;
  node: PlanNode;
  parent: Act | undefined;
  scope: Scope;
  status: StepStatus;
  attempt: number;
  result?: JsonValue;
  error?: string;
  /** a wrapper whose body shares its id reports nothing itself */
  quiet: boolean;
  driver?: Driver;
  /** a generate step waiting for its nested unit */
  expanding?: boolean;
  /** a leaf's program exit code, from its `finished` event */
  exitCode?: number;
}

/** The composite side of an activation: decides which children run next. */
export interface Driver {
  /** start what can start now; finish the activation when all is done */
  pump(): void;
  /** a child finished (succeeded, failed, skipped or cancelled) */
  childDone(child: Act): void;
}

/** What drivers may ask of the engine. */
export interface Ops {
  spawn(node: PlanNode, parent: Act, id: string, scope: Scope, quiet?: boolean): Act;
  start(act: Act): void;
  finish(act: Act, status: 'succeeded' | 'failed' | 'skipped', result?: JsonValue, error?: string): void;
  dirty(act: Act): void;
  evaluate(expr: JsonValue, act: Act, extra?: Record<string, unknown>): JsonValue;
  /** a value whose expressions (objects with one json-logic operator key) are evaluated */
  evaluateValues(value: JsonValue, act: Act): JsonValue;
  result(id: string): JsonValue | undefined;
  window(act: Act, round: number): void;
}

/** `failed` children fail their parent; skipped children count as done. */
export function childFailed(c: Act): boolean {
  return c.status === 'failed' || c.status === 'cancelled';
}

/** The error a parent reports for a failed child. */
export function failureOf(c: Act): string {
  return c.error && c.error.startsWith('step ') ? c.error : `step ${c.id} failed${c.error ? `: ${c.error}` : ''}`;
}
