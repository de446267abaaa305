/**
 * Engines rebuilt from run logs, kept per process. An engine is a deterministic fold of
 * its run's log, so a cached one only needs the entries appended since it last read.
 */
import { RunEngine } from '../engine/engine.ts';
import { DEFAULT_LIMITS, recordedFoldLimits, type FoldLimits, type RunLimits } from '../flow/limits.ts';
import type { Command, EngineEvent } from '../engine/types.ts';
import { currentRoot, upgradePlan } from '../plan/plan-version.ts';
import type { StoredPlan } from '../store/run-store.ts';

export interface CachedEngine {
  engine: RunEngine;
  /** a new engine of the same plan under other fold limits: the run's, which its `begin` records */
  remake?: (limits: FoldLimits) => RunEngine;
  /** the fold limits `engine` was made with */
  limits?: FoldLimits;
  /** log entries folded so far */
  next: number;
  /** the plan has no version (1): the units its log records are read through upgradePlan too */
  legacyPlan?: boolean;
}

/** Steps started per slice of a fold by default (STRATA_FOLD_SLICE_STEPS): a slice of a fan-out's start takes the thread some tens of milliseconds. */
export const FOLD_SLICE_STEPS = 1000;

export class EngineCache {
  private readonly map = new Map<string, CachedEngine>();

  /**
   * `limits`: every run's engine applies them (the process's configuration); `sliceSteps`:
   * one log entry is folded a slice of about this many steps at a time (EngineOptions.sliceSteps,
   * STRATA_FOLD_SLICE_STEPS; sync.ts acts on each slice before the next)
   */
  constructor(private readonly max = 1024, private readonly limits: RunLimits = DEFAULT_LIMITS, private readonly sliceSteps: number = FOLD_SLICE_STEPS) {}

  get(runId: string): CachedEngine | undefined {
    const c = this.map.get(runId);
    if (c) {
      this.map.delete(runId);
      this.map.set(runId, c);
    }
    return c;
  }

  create(runId: string, plan: StoredPlan, maxUnitDepth: number): CachedEngine {
    const { maxSteps, maxFanOutItems, maxCompositeResultBytes } = this.limits;
    const remake = (l: FoldLimits) => new RunEngine(currentRoot(plan), { params: plan.params, ...l, sliceSteps: this.sliceSteps });
    // This process's limits until the log's `begin` says the run's (fold).
    const limits = { maxUnitDepth, maxSteps, maxFanOutItems, maxCompositeResultBytes };
    const c: CachedEngine = { engine: remake(limits), next: 0, remake, limits };
    if (plan.v === undefined) c.legacyPlan = true;
    this.map.set(runId, c);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
    return c;
  }

  drop(runId: string): void {
    this.map.delete(runId);
  }
}

/**
 * Fold one log entry: entry 0 starts the engine (a `begin` without `v` is of log version 1),
 * later ones are its events (a unit recorded in the log of a plan without a version is
 * upgraded as its plan was).
 */
export function fold(c: CachedEngine, entry: { type: string }): Command[] {
  c.next++;
  if (entry.type === 'begin') {
    const begin = entry as { at?: number; v?: number; limits?: unknown };
    // The run's limits, recorded when it was made: every process folds it by them, whatever its own
    // configuration says (tester 16: a worker with another STRATA_MAX_RUN_STEPS granted its pods past the run's).
    // Made again only when they differ (a big plan's engine is not indexed twice for nothing).
    const limits = recordedFoldLimits(begin.limits);
    if (limits && c.remake && !sameLimits(limits, c.limits)) {
      c.engine = c.remake(limits);
      c.limits = limits;
    }
    return c.engine.start(begin.at, begin.v ?? 1);
  }
  if (c.legacyPlan && entry.type === 'expanded') {
    const e = entry as Extract<EngineEvent, { type: 'expanded' }>;
    return c.engine.apply({ ...e, body: upgradePlan(e.body) });
  }
  return c.engine.apply(entry as never);
}

function sameLimits(a: FoldLimits, b: FoldLimits | undefined): boolean {
  return b !== undefined && a.maxSteps === b.maxSteps && a.maxUnitDepth === b.maxUnitDepth && a.maxFanOutItems === b.maxFanOutItems && a.maxCompositeResultBytes === b.maxCompositeResultBytes;
}
