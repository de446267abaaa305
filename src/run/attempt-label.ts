/**
 * How a step's go reads to a user, the same in `strata runs get`, the UI's step panel,
 * `strata runs watch` and the line that opens an execution in a step's log: the engine's
 * attempt (2 and up: a retry ran), then `(run N)` when that attempt was run again (a
 * takeover after its worker died, an infrastructure retry), which is not a retry; for a
 * step inside a pod run again, which run of the pod (`(pod attempt 2)`, `(pod run 2)`).
 */
import type { StepView } from './run-view.ts';

/** Which run of its pod a step inside a pod ran in: the pod's attempt and execution. */
export interface PodGo { attempt: number; execution: number }

/**
 * "1", "2", "1 (run 2)", "1 (pod attempt 2)", "1 (pod run 2)", "1 (run 2; pod attempt 2, run 3)"
 * for an attempt (the engine's, 1 and up), its execution (1 and up; missing is 1) and, for a
 * step inside a pod, the pod's go.
 */
export function attemptLabelOf(attempt: number, execution?: number, pod?: PodGo): string {
  const notes: string[] = [];
  if (execution && execution > 1) notes.push(`run ${execution}`);
  if (pod && (pod.attempt > 1 || pod.execution > 1)) {
    const which = [...(pod.attempt > 1 ? [`attempt ${pod.attempt}`] : []), ...(pod.execution > 1 ? [`run ${pod.execution}`] : [])];
    notes.push(`pod ${which.join(', ')}`);
  }
  return notes.length > 0 ? `${attempt} (${notes.join('; ')})` : String(attempt);
}

/**
 * attemptLabelOf for a step's view. `attempt` is missing on views from a server before it
 * existed: `attempts` (executions counted) stands in, as it did then.
 */
export function attemptLabel(s: Pick<StepView, 'attempts' | 'execution' | 'pod'> & { attempt?: number }): string {
  return attemptLabelOf(s.attempt ?? s.attempts, s.execution, s.pod);
}
