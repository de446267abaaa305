/** A node's retry policy in the plan: `retry` or its short form `retries`, durations in seconds. */
import { durationSeconds } from '../flow/duration.ts';
import type { Common } from '../flow/types.ts';
import type { PlannedRetry } from './plan-node.ts';

/** The policy of a validated node (its `retry`, or `retryWhole` when `whole`), or undefined when it gives none. */
export function retryPlan(node: Common, whole = false): PlannedRetry | undefined {
  const r = whole ? node.retryWhole : node.retry;
  if (!r || r === 'inherit') return undefined;
  const b = r.backoff;
  return {
    limit: r.limit,
    on: r.on ?? 'always',
    ...(b
      ? {
          backoff: {
            duration: durationSeconds(b.duration) ?? 0,
            factor: b.factor ?? 1,
            ...(b.max !== undefined ? { max: durationSeconds(b.max) } : {}),
            ...(b.maxDuration !== undefined ? { maxDuration: durationSeconds(b.maxDuration) } : {}),
          },
        }
      : {}),
  };
}
