/**
 * What the run side tells about runs and steps as they happen: logs, metrics and
 * notifications hang off it (src/app/run-telemetry.ts), so the coordinator and the worker
 * import none of them. Every method is called once per occurrence: a run's start by the
 * process that created it, its end by the process whose commit ended it (run-commit says
 * which), a step's start and end by the worker that ran the attempt.
 */
import type { RunStatus } from '../engine/types.ts';

export interface RunObserver {
  runStarted(run: { id: string; flow: string; labels: Record<string, string> }): void;
  runEnded(runId: string, status: RunStatus): void;
  stepStarted(step: { runId: string; step: string; attempt: number }): void;
  /** `outcome`: succeeded, failed, cancelled, handed back (the worker stopped), lost its lock, or unrecorded (its end could not be appended: Redis refused; it runs again) */
  stepEnded(step: { runId: string; step: string; attempt: number; durationMs: number; outcome: string; error?: string }): void;
}

/** An observer that does nothing. */
export const NO_OBSERVER: RunObserver = { runStarted() {}, runEnded() {}, stepStarted() {}, stepEnded() {} };
