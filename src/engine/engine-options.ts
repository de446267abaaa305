/** The pattern engine's options, and the notes a dry run makes where it cannot know. */
import type { JsonValue } from '../flow/types.ts';
import type { Scope } from './act.ts';

export interface EngineOptions {
  params?: Record<string, JsonValue>;
  /** step id of the root: '' for a run, the pod's step id for a pod's micro plan */
  prefix?: string;
  /** scope the root starts with (a pod inherits its items, round and unit) */
  scope?: Partial<Scope>;
  /** how deep use/generate units may nest */
  maxUnitDepth?: number;
  /** leave out `status` commands (the dry run needs only starts) */
  quietStatus?: boolean;
  /** steps one run may make, fan-out items and rounds included (DEFAULT_LIMITS.maxSteps, STRATA_MAX_RUN_STEPS) */
  maxSteps?: number;
  /**
   * A pod's micro plan: the steps its run had made when it started the pod (the pod's own
   * step included, its micro steps not: StartCommand.pod.stepsBefore), which this engine's
   * steps count on from against maxSteps, so the limit holds for the run, not per pod. Unset: 0.
   */
  stepsBefore?: number;
  /**
   * A pod's micro plan under log version 8 (StartCommand.pod.allowed): the steps it may make
   * before it asks the run for more (an `ask` command); past them, steps wait for a `grant`
   * event, and those it does not cover fail at the limit. Unset: maxSteps alone holds.
   */
  allowed?: number;
  /** items one fan-out may have (DEFAULT_LIMITS.maxFanOutItems, STRATA_MAX_FANOUT_ITEMS) */
  maxFanOutItems?: number;
  /** bytes of a composite's result as JSON (DEFAULT_LIMITS.maxCompositeResultBytes, STRATA_MAX_COMPOSITE_RESULT_BYTES) */
  maxCompositeResultBytes?: number;
  /**
   * Fold one event in slices of about this many steps started (a fan-out of 100,000 items
   * starting is one log entry): past it, a fan-out or a graph stops before its next child,
   * every loop around it stops too, the commands made so far are handed out, `RunEngine.more`
   * is true, and `RunEngine.resume` goes on where they stopped, innermost first. The engine
   * decides the same things in the same order as in one go; only the starts of different
   * slices are not sorted together into declared order. Unset: one go.
   */
  sliceSteps?: number;
  /**
   * The dry run (DESIGN.md section 3): a pod is a composite whose containers are leaves,
   * step results are unknown (UNKNOWN), and what depends on them is simulated the plain
   * way with a `note` command saying so.
   */
  dryRun?: boolean;
  /**
   * Leaves that succeeded before and are kept, as a retry keeps them: a pod's quarterback
   * resuming after a retry of the run is given its inner steps that succeeded (their
   * results, parameters and last attempts); each finishes at once without running. Composites
   * among them (the pod's kept execution recorded them succeeded) are held (Act.held): they say
   * nothing unless a step beneath them runs again.
   */
  kept?: Array<{ step: string; result: JsonValue; parameters?: Record<string, JsonValue>; attempt?: number }>;
}

/** What the engine notes when a decision rests on data a dry run cannot know. */
export const UNKNOWN_NOTES: Record<string, (id: string) => string> = {
  when: () => 'its when depends on step results, which a dry run does not know: taken as true',
  over: (id) => `fanOut.over depends on step results, which a dry run does not know: simulated as one symbolic item, ${id}/*`,
  until: () => 'cycle.until depends on step results, which a dry run does not know: one round simulated',
  untilRounds: () => 'cycle.until depends on step results, which a dry run does not know: every round up to rounds simulated (until may end it sooner)',
};
