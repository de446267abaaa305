/**
 * What goes into the pattern engine (events) and what comes out (commands). The engine
 * does no I/O: the coordinator (macro) and the quarterback (micro) carry the commands out
 * and feed the events back. See docs/engine.md.
 */
import type { Computed, JsonValue, Resources } from '../flow/types.ts';
import type { PlanNode } from '../plan/plan-node.ts';
import type { FoldLimits } from '../flow/limits.ts';
import type { FailureReason } from './timeout-error.ts';

export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';
export type RunStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** An input of a step resolved to the absolute step id and output name it comes from. */
export interface InputRef {
  step: string;
  output: string;
  /**
   * A fan-in over files (`"split/*:part.csv"`): the fan-out items that succeeded, each
   * item's step and value; the input is then a directory of their files named by index.
   */
  each?: Array<{ step: string; index: number; item: JsonValue }>;
  /** the step runs without it when the output is missing (an optional output not written) */
  optional?: true;
}

/**
 * A task as a runtime runs it: the flow's task with every template and computed value
 * resolved for this step and attempt (docs/flow-language.md, Substitution) and its
 * artifact names listed. Where a TaskSpec is what the author wrote, this is what runs.
 */
export interface RunTask {
  image: string;
  command?: string[];
  args?: string[];
  env?: Record<string, string>;
  workingDir?: string;
  resources?: Resources;
  /** names of files the step writes to STRATA_OUTPUTS that are kept as artifacts */
  outputs?: string[];
  /** `stdout`, `text`: the step's standard output is its result instead of result.json (trimmed, or as written) */
  result?: 'stdout' | 'text';
  /** named output parameters: read from `path` (relative: in STRATA_OUTPUTS) when the step ends well */
  parameters?: Record<string, { path: string; default?: JsonValue; text?: boolean }>;
  /** artifacts collected from a path of the container's private view */
  artifactPaths?: Array<{ name: string; path: string }>;
  /** outputs the step may end well without writing (`optional: true`): not collected when missing */
  optionalOutputs?: string[];
  /** inputs put at a path of the container's private view */
  inputPaths?: Array<{ name: string; path: string; optional?: true }>;
  /** paths each container sees as its own (private view), or the pod's scratch at a path */
  volumes?: Array<{ path: string; from?: 'scratch' }>;
}

/** Start a leaf: run a task (container), a pod (its body goes to the quarterback) or a generate step. */
export interface StartCommand {
  type: 'start';
  step: string;
  attempt: number;
  kind: 'task' | 'pod' | 'generate';
  task?: RunTask;
  /** for a pod: its micro plan and channels */
  pod?: {
    name: string; channels: { scratch: 'memory' | 'disk'; scratchSize?: string; ipc: string[] }; body: PlanNode; gives?: { parameters: Record<string, Computed> }; exitCode?: Computed;
    /** the steps the run has made, the pod's micro steps aside, as this attempt starts (log version 6): its quarterback counts on from there (EngineOptions.stepsBefore) */
    stepsBefore?: number;
    /** the micro steps it may make before it asks the run for more (log version 8): its start's count and what it holds; its quarterback's steps past them wait for a `grant` (EngineOptions.allowed) */
    allowed?: number;
    /** the run's limits (its log's `begin`; the process's where it records none): its quarterback's engine applies them inside, not the worker's own configuration (tester 16) */
    limits?: FoldLimits;
  };
  timeout?: number;
  outputs?: string[];
  inputs: Record<string, InputRef>;
  /**
   * What the step's place gives it: `item` is the innermost fan-out item (STRATA_ITEM),
   * `items` every enclosing fan-out's item by its `as` name, outermost first (STRATA_ITEMS).
   */
  env: { params: Record<string, JsonValue>; unit: string; item?: JsonValue; items?: Record<string, JsonValue>; round?: number; exit?: JsonValue };
  /** data handed to the step as input files: a fan-in's results, a cycle's window and previous output */
  data: { results?: JsonValue; window?: JsonValue[]; previous?: JsonValue };
  /** a pod's first attempt after a retry of the run: its inner steps that succeeded before are kept (docs/runs.md) */
  resume?: true;
  /**
   * The step succeeded in an earlier round of the run and runs again (an exit handler's leaf
   * after a retry of the run): its outputs replace what that round kept (src/worker/step-files.ts).
   */
  replaces?: true;
}

/** A step changed state; the run store records it. */
export interface StatusCommand {
  type: 'status';
  step: string;
  status: StepStatus;
  attempt?: number;
  result?: JsonValue;
  error?: string;
  /** the leaf's program exit code, when it ran and ended */
  exitCode?: number;
  /** a failed step's reason: `timeout`, a leaf stopped at its timeout or a composite past its deadline */
  reason?: FailureReason;
  /** when a task or generate leaf starts: its image */
  image?: string;
  /** when a fan-out item starts: the item's value */
  item?: JsonValue;
  /** when a leaf succeeds: its named output parameters */
  parameters?: Record<string, JsonValue>;
  /**
   * A step that will never start (`skipped` or `cancelled`, `error` saying why): recorded
   * only over a pending step, so it never hides what a pod's quarterback reported.
   */
  ifPending?: boolean;
}

/**
 * A composite with a `timeout` started: answer with a `deadline` event for `step` once
 * `seconds` have passed (the engine has no clock). Idempotent per step.
 */
export interface DeadlineCommand {
  type: 'deadline';
  step: string;
  seconds: number;
  /** which arming of `step`'s deadline in the run (1 the first; EngineCore.deadlineArms): its event carries it back, and its timer is its own */
  armed: number;
}

/**
 * A leaf's attempt failed and runs again after a back-off: answer with a `backoff` event for
 * `step` and `attempt` once `seconds` have passed (the engine has no clock). Idempotent per
 * step and attempt.
 */
export interface BackoffCommand {
  type: 'backoff';
  step: string;
  attempt: number;
  seconds: number;
  /** a composite's: which start of its step id (a retry of the run, a retryWhole around it start it again, its attempts from 1); its event carries it back; absent on a leaf */
  started?: number;
}

/** Dry run only: something the simulation could not know, and what it did instead. */
export interface NoteCommand {
  type: 'note';
  step: string;
  text: string;
}

/** Read the next window of a cycle's source and answer with a `window` event. */
export interface WindowCommand {
  type: 'window';
  step: string;
  round: number;
  source: string;
  size?: number;
  ms?: number;
  /** true when only the source's end can end the cycle (no rounds, no until) */
  endsBySource: boolean;
}

/** A generate step produced a Dataset: run it through the rules and answer with `expanded`. */
export interface GenerateCommand {
  type: 'generate';
  step: string;
  dataset: JsonValue;
  depth: number;
  /** the step's attempt whose program output `dataset`: its answer names it, so a step run again (a retry of the run, a retryWhole) is answered anew and never with an earlier attempt's unit */
  attempt: number;
}

/**
 * `step` runs again (a composite run again whole, a pod or generate step on a later
 * attempt): the records of the steps beneath it recorded so far are of an earlier attempt,
 * `superseded` unless the new attempt makes them again (docs/runs.md, Superseded steps).
 * The run's root is `''`: every step of the run.
 */
export interface SupersedeCommand {
  type: 'supersede';
  step: string;
  /** the step itself too, with what is beneath it: a fan-out item a retry of the run no longer makes */
  self?: true;
}

/** Stop a running leaf (the run was cancelled). */
export interface KillCommand {
  type: 'kill';
  step: string;
  /** the attempt at work when it was stopped (a worker that takes that attempt's job afterwards must not run it) */
  attempt?: number;
}

/**
 * A pod's micro plan (log version 8): steps wait past what the run granted it; ask the run
 * for `steps` micro steps in all (made and waiting), and answer with a `grant` event.
 */
export interface AskCommand {
  type: 'ask';
  steps: number;
}

/** The whole run (the root) finished. */
export interface DoneCommand {
  type: 'done';
  status: RunStatus;
  result?: JsonValue;
  error?: string;
  /** the root's own failure reason (a root leaf stopped at its timeout, a root past its deadline) */
  reason?: FailureReason;
}

export type Command = StartCommand | StatusCommand | SupersedeCommand | WindowCommand | GenerateCommand | KillCommand | DoneCommand | DeadlineCommand | BackoffCommand | NoteCommand | AskCommand;

/** What asks for an event once some time has passed: a composite's deadline, a leaf's back-off. */
export type TimerCommand = DeadlineCommand | BackoffCommand;

/**
 * Events, each optionally stamped with `at` (ms since the epoch) by whoever appends it to the
 * log: the engine reads no clock, so durations (an exit handler's `exit.duration`, a retry's
 * `maxDuration`) come from these stamps, and a log folded again gives the same answers.
 */
export type EngineEvent = (
  /** `reason`: what the runtime knows of a failure apart from its words (`timeout`: stopped at its timeout); `transient`: the runtime met a fault Argo's IsTransientErr calls transient (transient-fault.ts) */
  | { type: 'finished'; step: string; attempt: number; ok: boolean; result?: JsonValue; error?: string; exitCode?: number | null; reason?: FailureReason; transient?: boolean; parameters?: Record<string, JsonValue>; /** a pod's: the micro steps its quarterback made (PodOutcome.steps), charged to the run past what its start counted (log version 6) */ steps?: number }
  | { type: 'window'; step: string; round: number; items: JsonValue[]; drained: boolean; error?: string }
  /** `attempt`: the generate step's attempt it answers (GenerateCommand.attempt); absent in logs before tester 15, where it answers whichever attempt waits */
  | { type: 'expanded'; step: string; attempt?: number; body: PlanNode; params?: Record<string, JsonValue> }
  | { type: 'expandFailed'; step: string; attempt?: number; error: string }
  | { type: 'cancel'; reason?: string }
  /** `armed`: the DeadlineCommand's, so one armed for an earlier start of the step ends nothing; absent in logs written before it, where it ends whichever is armed */
  | { type: 'deadline'; step: string; armed?: number }
  /** `started`: the BackoffCommand's, so an earlier start's ends no wait now (absent: a leaf's, or a log written before it, which ends the wait at that attempt) */
  | { type: 'backoff'; step: string; attempt: number; started?: number }
  /** pod `step`'s quarterback asks for `steps` micro steps in all (its AskCommand; log version 8): the run reserves them as far as it can (RunEngine.grantFor reads the answer) */
  | { type: 'ask'; step: string; attempt: number; steps: number }
  /** a pod's micro plan: the run's answer to its ask for `asked` micro steps, `steps` granted in all (RunEngine.grantFor) */
  | { type: 'grant'; asked: number; steps: number }
  /** go on after a failure or a cancel: succeeded leaves are kept, the rest runs again (see RunEngine.retry) */
  | { type: 'retry' }
) & { at?: number };
