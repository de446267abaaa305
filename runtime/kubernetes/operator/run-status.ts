/** A run as a Dataset's status: its phase, its id and how many of its steps are where. Pure. */
import type { RunStatus, StepStatus } from '../../../src/engine/types.ts';
import type { RunView } from './strata-port.ts';

/** `Error`: the operator gave up on it, a bug of strata's (reconcile-failure.ts); the others are its run's. */
export type Phase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Cancelled' | 'Error';

export interface StepCounts {
  total: number;
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  skipped: number;
  cancelled: number;
  /** recorded in an earlier attempt that a later one replaced (docs/runs.md, Superseded steps) */
  superseded: number;
}

export interface DatasetStatus {
  phase: Phase;
  runId?: string;
  observedGeneration?: number;
  steps?: StepCounts;
  message?: string;
}

const PHASES: Record<RunStatus, Phase> = { pending: 'Pending', running: 'Running', succeeded: 'Succeeded', failed: 'Failed', cancelled: 'Cancelled' };

export function isTerminal(phase: unknown): boolean {
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Cancelled' || phase === 'Error';
}

export function countSteps(steps: Record<string, { status: StepStatus | 'superseded' }>): StepCounts {
  const counts: StepCounts = { total: 0, pending: 0, running: 0, succeeded: 0, failed: 0, skipped: 0, cancelled: 0, superseded: 0 };
  for (const s of Object.values(steps)) {
    counts.total++;
    counts[s.status]++;
  }
  return counts;
}

/** Counts by status as a Dataset's status holds them (a big run's view counts its steps: stepsSummary). */
function fromCounts(by: Record<string, number>): StepCounts {
  const counts: StepCounts = { total: 0, pending: 0, running: 0, succeeded: 0, failed: 0, skipped: 0, cancelled: 0, superseded: 0 };
  for (const [status, n] of Object.entries(by)) {
    counts.total += n;
    if (status in counts && status !== 'total') counts[status as StepStatus | 'superseded'] += n;
  }
  return counts;
}

export function datasetStatus(runId: string, generation: number | undefined, run: RunView): DatasetStatus {
  return {
    phase: PHASES[run.status],
    runId,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    steps: run.stepCounts ? fromCounts(run.stepCounts) : countSteps(run.steps),
    message: run.error ?? '',
  };
}
