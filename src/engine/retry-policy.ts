/**
 * Whether a failed leaf runs again, and after what wait (docs/flow-language.md, Retries
 * with back-off): the node's `retry` (or `retries`), else the one a composite around it
 * gives; the failure must match `on`; the wait before attempt n+1 (n counted from the
 * attempt its round started at: a retry of the run starts a round) is duration × factor^(n−1),
 * at most `max`; no attempt starts once `maxDuration` has passed since the first started,
 * and a wait that would end after that fails the step at once (Argo's processNodeRetries).
 */
import { clipped } from '../errors/strata-error.ts';
import type { PlannedRetry, RetryPlan } from '../plan/plan-node.ts';
import { failedAsError, type Act } from './act.ts';
import { resolveText, type SubstitutionData } from './substitute.ts';

/** The policy that applies to a leaf (its own as resolved when it started, Act.ownRetry). */
export function retryOf(act: Act): RetryPlan {
  const n = act.node;
  if (act.ownRetry) return act.ownRetry;
  if (n.retries !== undefined) return { limit: n.retries, on: 'always' };
  return act.scope.retry ?? { limit: act.scope.retries ?? 0, on: 'always' };
}

/**
 * The wait in seconds before the next attempt of `act`, whose attempt `act.attempt` just
 * failed (`errored`: without an exit code of its own; `transient`: its runtime said so,
 * transient-error.ts) at `now` (ms); undefined when it does not run again.
 */
export function nextAttemptDelay(act: Act, errored: boolean, now: number, transient = false): number | undefined {
  // Counted in this round: a retry of the run gives the step its whole limit again (roundFirst).
  // Transient only without an exit code of its own, whatever its runtime said (transient-error.ts).
  return delayAfter(retryOf(act), act.attempt - act.roundFirst + 1, errored, act.firstAt, now, errored && transient);
}

/**
 * The wait in seconds before a composite with `retryWhole` runs again, its attempt
 * `act.attempt` having just failed at `now` (ms); undefined when it does not. It failed as
 * an error when the child that failed it did, through graphs, fan-outs and units, never
 * through a sequence (failedAsError): as Argo's processNodeRetries reads the phase of a
 * steps node (always Failed) or a dag node (its failing task's, Error included).
 */
export function wholeAttemptDelay(act: Act, now: number): number | undefined {
  // A composite's failure is never transient (Argo's steps or dag node message is not its task's): `transient` does not run it again.
  return act.whole ? delayAfter(act.whole, act.attempt, failedAsError(act), act.firstAt, now, false) : undefined;
}

/**
 * `r` with its limit a number: a computed one (text with `{{ references }}`) resolved with
 * `d` when its node starts, as Argo substitutes a template's arguments and globals into its
 * retryStrategy (an IntOrString) before processNodeRetries reads the limit with intstr.Int32
 * (argo-workflows workflow/controller/operator.go executeTemplate, processNodeRetries). Throws
 * an Error naming `field`, what was written and what it gave, when that is no whole number
 * from 0 to 100 (Argo: "value '...' cannot be resolved to an int"; the node then fails).
 */
export function resolvedRetry(r: PlannedRetry, field: string, d: () => SubstitutionData): RetryPlan {
  if (typeof r.limit === 'number') return r as RetryPlan;
  const text = resolveText(r.limit, field, d());
  const n = /^\s*[0-9]{1,3}\s*$/.test(text) ? Number(text) : NaN;
  if (!(n >= 0 && n <= 100)) throw new Error(`${field}: "${clipped(r.limit, 120)}" is "${clipped(text, 120)}" once resolved, which is not a whole number from 0 to 100 (the attempts after the first)`);
  return { ...r, limit: n };
}

/** The wait before attempt n+1 under `r`, attempt n (counted in its round) having failed (`errored`: without an exit code; `transient`: transient-error.ts); undefined when there is none. */
function delayAfter(r: RetryPlan, n: number, errored: boolean, firstAt: number | undefined, now: number, transient: boolean): number | undefined {
  if (n > r.limit) return undefined;
  if (r.on === 'transient' && !transient) return undefined;
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
