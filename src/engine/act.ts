/** An activation: one step of a run as the engine tracks it (a plan node at a step id). */
import type { JsonValue } from '../flow/types.ts';
import type { PlanNode, RetryPlan } from '../plan/plan-node.ts';
import type { InputRef, StartCommand, StepStatus } from './types.ts';
import type { FailureReason } from './timeout-error.ts';
import type { SlotPool } from './run-slots.ts';
import type { ResultSizes } from './result-size.ts';

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
  /** the retry policy a composite gives the leaves inside it */
  retry?: RetryPlan;
  data?: StartCommand['data'];
  /** inside an exit handler: the outcome of the node it serves */
  exit?: JsonValue;
  /** inside a use unit: its declared inputs, as the use node gave them (`":name"` reads one) */
  unitInputs?: Record<string, InputRef>;
  /** the `spec.parallelism` limits around it, outermost first (run-slots.ts) */
  pools?: SlotPool[];
}

export interface Act {
  id: string;
  /** a composite's whole-retry policy, taken when it starts: its node's retryWhole, or with `inherit` the retry its scope gives */
  whole?: RetryPlan;
  /** which start of its step id as a composite with `whole` this is (EngineCore.wholeStarts): its back-offs name it, as its attempts count from 1 on each start */
  wholeStart?: number;
  /** a leaf's own `retry`, its limit resolved when it started (retry-policy.ts resolvedRetry) */
  ownRetry?: RetryPlan;
  /** a composite: whether the child whose failure failed it (the first not continued) failed as an error (failedAsError) */
  failedBy?: { errored: boolean };
  /** how deep in the tree of activations: the root is 0 */
  level: number;
  /** declared position from the root (child index at each level): starts of one tick go out in this order */
  pos: number[];
  node: PlanNode;
  parent: Act | undefined;
  scope: Scope;
  status: StepStatus;
  attempt: number;
  /**
   * The attempt its round started at: 1, or after a retry of the run the one after the
   * last attempt it had. Attempts go on being numbered (a new job id each), but its `retry`
   * limit counts from here, as Argo's retry resets a failed retry node (Argo tester 6, Q22).
   */
  roundFirst: number;
  result?: JsonValue;
  error?: string;
  /** a wrapper whose body shares its id reports nothing itself */
  quiet: boolean;
  /**
   * A composite that succeeded in an earlier round and starts again in a retry of the run:
   * its `running` is said only once something beneath it runs again (EngineCore.unhold), and
   * its success not at all when nothing did, so a composite the retry keeps whole keeps its record.
   */
  held?: boolean;
  driver?: Driver;
  /** a generate step waiting for its nested unit */
  expanding?: boolean;
  /** a leaf's program exit code, from its `finished` event */
  exitCode?: number | null;
  /** the seconds of its whole-node deadline as armed (a computed timeout or deadline resolved when it started; deadline.ts) */
  deadlineSeconds?: number;
  /** which arming of its step id's deadline is its own (EngineCore.deadlineArms): the `deadline` event names it, so one armed for an earlier run of the step id ends nothing now */
  deadlineArmed?: number;
  /** a leaf's failure reason, from its `finished` event (timeout-error.ts) */
  reason?: FailureReason;
  /** what a composite's deadline did, said to the steps it never started (`not started: step long was stopped: the run timed out after 2s`) */
  notStarted?: string;
  /**
   * Links of the engine's lists (act-lists.ts): the running acts (`inRunning`, `runPrev`,
   * `runNext`) and a composite's running children, to stop them when its deadline passes
   * (`firstKid`, `lastKid`; a child's `kidOf`, `kidPrev`, `kidNext`).
   */
  inRunning?: boolean;
  runPrev?: Act;
  runNext?: Act;
  firstKid?: Act;
  lastKid?: Act;
  kidOf?: Act;
  kidPrev?: Act;
  kidNext?: Act;
  /** plan nodes of the children started so far: the others never start when it ends early */
  started?: Set<PlanNode>;
  /** when it started (ms since the epoch, from the log's times; 0 when unknown) */
  startedAt?: number;
  /** when its first attempt started (a leaf's retries stop after maxDuration from it) */
  firstAt?: number;
  /** its own outcome, kept while its exit handler runs */
  exiting?: { status: 'succeeded' | 'failed'; result?: JsonValue; error?: string };
  /**
   * It succeeded and its exit handler failed (`exit handler failed: ...`): it keeps its own
   * status and result, and its parent takes it as a failure (exit-handler.ts).
   */
  handlerError?: string;
  /** a leaf waiting out its back-off before the attempt in `attempt` starts */
  backingOff?: boolean;
  backoffSeconds?: number;
  /** the error of the attempt before, shown when the next one starts */
  lastError?: string;
  /** a dry run took its `when` as true, not knowing the results it reads */
  guessed?: boolean;
  /** a use unit's scope inside it (its params, unit id), for what it gives as it ends */
  unitScope?: Scope;
  /** a pod's first attempt after a retry of the run (StartCommand.resume) */
  resumes?: boolean;
  /** it succeeded in an earlier round and runs again: its outputs replace that round's (StartCommand.replaces) */
  replaces?: boolean;
  /** a leaf's named output parameters, from its `finished` event */
  parameters?: Record<string, JsonValue>;
  /** how many of its scope's parallelism pools it holds a slot of, innermost first (run-slots.ts) */
  slots?: number;
  /** waiting for a slot (run-slots.ts): not started, though counted as running by its parent */
  queued?: boolean;
  /** a fan-out's items by outcome (for AnySucceeded, AllFailed) */
  items?: { succeeded: number; failed: number };
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
  /** `field`: the flow field the value is (`use.with.k`), which an error names after the step */
  evaluateValues(value: JsonValue, act: Act, field?: string): JsonValue;
  result(id: string): JsonValue | undefined;
  window(act: Act, round: number): void;
  /** tell the dry run what it could not know (once per plan node and kind) */
  note(act: Act, kind: string, text: string): void;
  /** inputs (`"step:output"`) resolved for `act`'s place: its unit, items, the unit outputs known */
  resolveInputs(inputs: Record<string, string>, act: Act): Record<string, InputRef>;
  /** a dry run took a guard on the way to `act` (in its unit) as true, not knowing it */
  guessedGuard(act: Act): boolean;
  /** a child that will not start (its condition does not hold): it and all beneath it end skipped with `reason` */
  omit(node: PlanNode, parent: Act, id: string, reason: string): void;
  /**
   * Whether the fold's slice is spent (EngineOptions.sliceSteps): a fan-out asks before each
   * item it starts, and on true stops there; it goes on, before anything else the engine
   * does, when the driver resumes the fold (RunEngine.resume).
   */
  pause(act: Act): boolean;
  /** The fan-out `act` has `count` items: those a run before a retry of the run made past them are superseded (docs/runs.md). */
  itemsKnown(act: Act, count: number): void;
  /** items one fan-out may have (EngineOptions.maxFanOutItems) */
  readonly maxFanOutItems?: number;
  /** the sizes of results as JSON (result-size.ts), which a composite's result is bounded by */
  readonly sizes: ResultSizes;
}

/** How a child ended for its parent (outcomeForParent). */
export interface ChildOutcome {
  /**
   * `failed` for a program's failure and for a child whose exit handler failed (its own
   * status stays succeeded); `errored` for a failure without an exit code of its own or a
   * cancel; `skipped` for a child that did not run (its when).
   */
  outcome: 'succeeded' | 'failed' | 'errored' | 'skipped';
  /** its failure is covered by its continueOn: the parent goes on as after a success */
  continued: boolean;
  /** the error the parent fails with for it; undefined when it does not fail its parent */
  error?: string;
  /** what the parent's result takes from it: its result when its outcome is `succeeded` (null when it gave none), else undefined */
  result?: JsonValue;
}

/**
 * The one rule every driver (sequence, graph, fan-out, cycle, unit wrappers, exit handlers)
 * takes a child's end by: a child whose exit handler failed is a failed child to its parent
 * in every respect (it fails the parent unless its continueOn covers it, conditions read it
 * as failed, a fan-out counts it failed and aggregates null for it), though its own step
 * keeps succeeded and its result (exit-handler.ts).
 */
export function outcomeForParent(c: Act): ChildOutcome {
  const failed = failedItself(c);
  const outcome = failed ? (errored(c) ? 'errored' : 'failed') : c.status === 'succeeded' ? 'succeeded' : 'skipped';
  // Skipped children count as done, and so does a failed one whose continueOn covers it (it stays failed itself).
  const goesOn = continued(c);
  return {
    outcome,
    continued: goesOn,
    ...(failed && !goesOn ? { error: failureOf(c) } : {}),
    ...(outcome === 'succeeded' ? { result: c.result ?? null } : {}),
  };
}

/** `c` failed, was cancelled, or its exit handler failed (handlerError), whatever its `continueOn`. */
function failedItself(c: Act): boolean {
  return c.status === 'failed' || c.status === 'cancelled' || c.handlerError !== undefined;
}

/**
 * A failure without an exit code of the program's own: it could not start, was lost or was
 * stopped. A step stopped at its timeout failed, as one that exits non-zero (timeout-error.ts).
 */
export function errored(c: Act): boolean {
  if (c.status === 'cancelled') return true;
  return c.status === 'failed' && endedWithoutExit(c);
}

/**
 * Whether the failed node `c` failed as an error, for the retry of a composite run again
 * whole (`on: error` / `failed`): a leaf, when it ended without an exit code of its own
 * (endedWithoutExit); a sequence, a cycle or a graph without `outcome: leaves` never (Argo's
 * steps node, imported as such a graph, is Failed whatever failed in it: argo-workflows
 * workflow/controller/steps.go executeSteps marks it NodeFailed); a graph of `outcome:
 * leaves` (Argo's dag), a fan-out, a fan-in or a unit as the child whose failure failed it
 * (Argo's dag node takes the phase of its failing target task, Error when that task errored:
 * dag.go assessDAGPhase).
 */
export function failedAsError(c: Act): boolean {
  const k = c.node.kind;
  if (k === 'task' || k === 'pod' || k === 'generate') return endedWithoutExit(c);
  if (k === 'sequence' || k === 'cycle') return false;
  // A graph of `outcome: leaves` is Argo's dag (its failing leaf's phase); any other, as Argo's steps template, is failed.
  if (k === 'graph' && c.node.outcome !== 'leaves') return false;
  return c.failedBy?.errored === true;
}

/** A leaf whose last attempt ended without an exit code of its program's own and not at its timeout. */
export function endedWithoutExit(c: Act): boolean {
  const leaf = c.node.kind === 'task' || c.node.kind === 'pod' || c.node.kind === 'generate';
  return leaf && (c.exitCode === undefined || c.exitCode === null) && c.reason !== 'timeout';
}

/** A failed child its parent goes on after (continueOn). */
function continued(c: Act): boolean {
  const on = c.node.continueOn;
  // A node whose exit handler failed: a failure of its program's kind to its parent.
  if (on && c.handlerError !== undefined && c.status === 'succeeded') return on.failed === true;
  if (!on || (c.status !== 'failed' && c.status !== 'cancelled')) return false;
  return errored(c) ? on.error === true : on.failed === true;
}

/** The error a parent reports for a failed child. */
function failureOf(c: Act): string {
  if (c.handlerError !== undefined && c.status === 'succeeded') return c.handlerError;
  return c.error && c.error.startsWith('step ') ? c.error : `step ${c.id} failed${c.error ? `: ${c.error}` : ''}`;
}

/** The declared index `c` was spawned at by its parent's driver (a graph's child, a fan-out's item): the last of its `pos`. */
export function indexInParent(c: Act): number {
  return c.pos[c.pos.length - 1];
}
