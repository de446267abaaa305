/**
 * How every runtime words a step stopped at its timeout (`timed out after 2s`), and how the
 * engine knows one: by the `reason: 'timeout'` of the step's `finished` event, which the
 * runtime that stopped it sets, never by the words of its error (a program may print
 * anything). A timeout is a failure (`failed`), not an error (`errored`): the program ran
 * and did not finish in time, as Argo makes a node past its deadline Failed
 * (argoproj/argo-workflows#6135), so `continueOn.failed` and `retry.on: failed` cover it at
 * both levels (issue 12, Argo tester fault 5). An error is what never reached the program's
 * end by its own doing: it could not start, its pod or process was lost, it was cancelled.
 */

/** Why a step's attempt failed, when the runtime knows it apart from the program: `timeout`, stopped at its timeout. */
export type FailureReason = 'timeout';

/**
 * The version of the run log's event shapes, recorded in its first entry (`begin`, `v`).
 * 8: a pod's quarterback may make its start's count and what the run granted it (its start
 * command's `pod.allowed`); past that its steps wait while it asks (an `ask` event, which the
 * run reserves as far as it has steps left), so pods running at once hold the limit between
 * them (7 and before: each counted on from the run's steps when it started; step-budget.ts).
 * 7: a pod a retry of the run keeps counts the micro steps charged for it before again, as a
 * kept fan-out's items count again, and one activated to run again is charged what its new
 * run makes (6: a kept pod counted its start's steps only, so a retried run had its fan-out
 * for free; one run again was charged only past its earlier charge; step-budget.ts chargeAgain,
 * retryRun in engine-events.ts).
 * 6: a pod's quarterback counts its steps on from the run's (StartCommand.pod.stepsBefore),
 * and the micro steps it made past what the pod's start counted (its `finished.steps`) are
 * charged to the run when it ends (5 and before: a fan-out or cycle inside a pod was bounded
 * per pod, not for the run; step-budget.ts charge). 5: a pod's containers count against STRATA_MAX_RUN_STEPS as it starts (its micro plan's
 * steps; 4 and before: a pod counted once, so a fan-out of pods made many times the limit).
 * 4: STRATA_MAX_RUN_STEPS counts a run's steps (activations with an id of their own), as a
 * plan counts them; 3 and before counted the run's root and each unit's root too, so a plan
 * right at the limit failed its last step (engine-core.ts startAct, by logVersion). 3: a transient fault is `finished.transient` (transient-error.ts). 2: a timeout is
 * `finished.reason`; a transient fault is known by its words only (legacyTransientText).
 * 1 (a `begin` without `v`): a log written before, whose timeouts are known by their words
 * only (legacyTimeoutText).
 */
export const LOG_VERSION = 8;

/** The error of a step stopped at its timeout of `seconds`: words only, for people. */
export function timedOutError(seconds: number): string {
  return `timed out after ${seconds}s`;
}

/**
 * Only for a log of version 1 (its events carry no `reason`): whether `error` was how the
 * runtimes of then worded a timeout, so an old run folds again as it was decided.
 */
export function legacyTimeoutText(error: string | undefined): boolean {
  return error !== undefined && !error.startsWith('infrastructure failure') && /(^|\b)timed out after [0-9]/.test(error);
}
