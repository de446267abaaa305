/**
 * Whether a failed leaf runs again, and after what wait (docs/flow-language.md, Retries
 * with back-off): the node's `retry` (or `retries`), else the one a composite around it
 * gives; the failure must match `on`; the wait before attempt n+1 (n counted from the
 * attempt its round started at: a retry of the run starts a round) is duration × factor^(n−1),
 * at most `max`; no attempt starts once `maxDuration` has passed since the first started,
 * and a wait that would end after that fails the step at once (Argo's processNodeRetries).
 */
import type { RetryPlan } from '../plan/plan-node.ts';
import { failedAsError, type Act } from './act.ts';

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
  // Counted in this round: a retry of the run gives the step its whole limit again (roundFirst).
  return delayAfter(retryOf(act), act.attempt - act.roundFirst + 1, errored, act.firstAt, now);
}

/**
 * The wait in seconds before a composite with `retryWhole` runs again, its attempt
 * `act.attempt` having just failed at `now` (ms); undefined when it does not. It failed as
 * an error when the child that failed it did, through graphs, fan-outs and units, never
 * through a sequence (failedAsError): as Argo's processNodeRetries reads the phase of a
 * steps node (always Failed) or a dag node (its failing task's, Error included).
 */
export function wholeAttemptDelay(act: Act, now: number): number | undefined {
  return act.whole ? delayAfter(act.whole, act.attempt, failedAsError(act), act.firstAt, now) : undefined;
}

/** The wait before attempt n+1 under `r`, attempt n (counted in its round) having failed; undefined when there is none. */
function delayAfter(r: RetryPlan, n: number, errored: boolean, firstAt: number | undefined, now: number): number | undefined {
  if (n > r.limit) return undefined;
  if (r.on === 'failed' && errored) return undefined;
  if (r.on === 'error' && !errored) return undefined;
  const b = r.backoff;
  if (!b) return 0;
  const wait = b.max !== undefined ? Math.min(b.duration * b.factor ** (n - 1), b.max) : b.duration * b.factor ** (n - 1);
  // As Argo's processNodeRetries: no wait that would end past the limit ("Backoff would
  // exceed max duration limit"), so no attempt starts after it.
  if (b.maxDuration !== undefined && firstAt && now && now + wait * 1000 > firstAt + b.maxDuration * 1000) return undefined;
  return wait;
}
