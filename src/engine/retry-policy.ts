/**
 * Whether a failed leaf runs again, and after what wait (docs/flow-language.md, Retries
 * with back-off): the node's `retry` (or `retries`), else the one a composite around it
 * gives; the failure must match `on`; the wait before attempt n+1 (n counted from the
 * attempt its round started at: a retry of the run starts a round) is duration × factor^(n−1),
 * at most `max`; no attempt starts once `maxDuration` has passed since the first started,
 * and a wait that would end after that fails the step at once (Argo's processNodeRetries).
 */
import type { RetryPlan } from '../plan/plan-node.ts';
import type { Act } from './act.ts';

/** The policy that applies to a leaf. */
export function retryOf(act: Act): RetryPlan {
  const n = act.node;
  if (n.retry) return n.retry;
  if (n.retries !== undefined) return { limit: n.retries, on: 'always' };
  return act.scope.retry ?? { limit: act.scope.retries ?? 0, on: 'always' };
}

/**
 * The wait in seconds before the next attempt of `act`, whose attempt `act.attempt` just
 * failed (`errored`: without an exit code of its own) at `now` (ms); undefined when it
 * does not run again.
 */
export function nextAttemptDelay(act: Act, errored: boolean, now: number): number | undefined {
  const r = retryOf(act);
  // Counted in this round: a retry of the run gives the step its whole limit again (roundFirst).
  const n = act.attempt - act.roundFirst + 1;
  if (n > r.limit) return undefined;
  if (r.on === 'failed' && errored) return undefined;
  if (r.on === 'error' && !errored) return undefined;
  const b = r.backoff;
  if (!b) return 0;
  const wait = b.max !== undefined ? Math.min(b.duration * b.factor ** (n - 1), b.max) : b.duration * b.factor ** (n - 1);
  // As Argo's processNodeRetries: no wait that would end past the limit ("Backoff would
  // exceed max duration limit"), so no attempt starts after it.
  if (b.maxDuration !== undefined && act.firstAt && now && now + wait * 1000 > act.firstAt + b.maxDuration * 1000) return undefined;
  return wait;
}
