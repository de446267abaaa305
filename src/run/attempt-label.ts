/**
 * How a step's attempt reads to a user, the same in `strata runs get` and the UI's step
 * panel: the engine's attempt (2 and up: a retry ran), then `(run N)` when that attempt was
 * run again (a takeover after its worker died, an infrastructure retry), which is not a
 * retry; for a step inside a pod run again, which run of the pod (`(pod attempt 2)`, `(pod run 2)`).
 */
import type { StepView } from './run-view.ts';

/**
 * "1", "2", "1 (run 2)", "1 (pod attempt 2)", "1 (pod run 2)", "1 (pod attempt 2, run 3)"
 * for a step's view. `attempt` is missing on views from a server before it existed:
 * `attempts` (executions counted) stands in, as it did then.
 */
export function attemptLabel(s: Pick<StepView, 'attempts' | 'execution' | 'pod'> & { attempt?: number }): string {
  const attempt = s.attempt ?? s.attempts;
  const notes: string[] = [];
  if (s.execution && s.execution > 1) notes.push(`run ${s.execution}`);
  if (s.pod && (s.pod.attempt > 1 || s.pod.execution > 1)) {
    const which = [...(s.pod.attempt > 1 ? [`attempt ${s.pod.attempt}`] : []), ...(s.pod.execution > 1 ? [`run ${s.pod.execution}`] : [])];
    notes.push(`pod ${which.join(', ')}`);
  }
  return notes.length > 0 ? `${attempt} (${notes.join('; ')})` : String(attempt);
}
