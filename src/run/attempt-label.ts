/**
 * How a step's attempt reads to a user, the same in `strata runs get` and the UI's step
 * panel: the engine's attempt (2 and up: a retry ran), then `(run N)` when that attempt was
 * run again (a takeover after its worker died, an infrastructure retry), which is not a retry.
 */
import type { StepView } from './run-view.ts';

/**
 * "1", "2", "1 (run 2)" for a step's view. `attempt` is missing on views from a server before
 * it existed: `attempts` (executions counted) stands in, as it did then.
 */
export function attemptLabel(s: Pick<StepView, 'attempts' | 'execution'> & { attempt?: number }): string {
  const attempt = s.attempt ?? s.attempts;
  return s.execution && s.execution > 1 ? `${attempt} (run ${s.execution})` : String(attempt);
}
