/** An activation: one step of a run as the engine tracks it (a plan node at a step id). */
import type { JsonValue } from '../flow/types.ts';
import type { PlanNode } from '../plan/plan-node.ts';
import type { StartCommand, StepStatus } from './types.ts';

/** What a step sees of its surroundings: unit parameters, fan-out items, round, joined data. */
export interface Scope {
  params: Record<string, JsonValue>;
  /** the step id of the unit root (the flow, or a use/generate unit) that relative refs start from */
  unitId: string;
  /** how many use/generate units deep this step is */
  depth: number;
  /** the innermost fan-out item */
  item?: JsonValue;
  /** every enclosing fan-out item by its `as` name, outermost first */
  items?: Record<string, JsonValue>;
  round?: number;
  retries?: number;
  data?: StartCommand['data'];
}

export interface Act {
  id: string;
  /** how deep in the tree of activations: the root is 0 */
  level: number;
  /** declared position from the root (child index at each level): starts of one tick go out in this order */
  pos: number[];
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
  /** children running now (a composite's), to stop them when its deadline passes */
  kids?: Set<Act>;
  /** plan nodes of the children started so far: the others never start when it ends early */
  started?: Set<PlanNode>;
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
  /** a child activation; `index` is its declared position among its parent's children */
  spawn(node: PlanNode, parent: Act, id: string, scope: Scope, index: number, quiet?: boolean): Act;
  start(act: Act): void;
  finish(act: Act, status: 'succeeded' | 'failed' | 'skipped', result?: JsonValue, error?: string): void;
  dirty(act: Act): void;
  evaluate(expr: JsonValue, act: Act, extra?: Record<string, unknown>): JsonValue;
  /**
   * As evaluate, also saying whether the value rests on data the engine cannot know (a dry
   * run's step results); a note is made for the step when it does.
   */
  evaluateKnowing(expr: JsonValue, act: Act, what: string, extra?: Record<string, unknown>): { value: JsonValue; unknown: boolean };
  /** a value whose expressions (objects with one json-logic operator key) are evaluated */
  evaluateValues(value: JsonValue, act: Act): JsonValue;
  result(id: string): JsonValue | undefined;
  window(act: Act, round: number): void;
  /** tell the dry run what it could not know (once per plan node and kind) */
  note(act: Act, kind: string, text: string): void;
}

/** `failed` children fail their parent; skipped children count as done. */
export function childFailed(c: Act): boolean {
  return c.status === 'failed' || c.status === 'cancelled';
}

/** The error a parent reports for a failed child. */
export function failureOf(c: Act): string {
  return c.error && c.error.startsWith('step ') ? c.error : `step ${c.id} failed${c.error ? `: ${c.error}` : ''}`;
}
