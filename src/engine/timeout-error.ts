/**
 * How every runtime words a step stopped at its timeout (`timed out after 2s`), and how
 * the engine tells that failure from one without a program's own end. A timeout is a
 * failure (`failed`), not an error (`errored`): the program ran and did not finish in
 * time, as Argo makes a node past its deadline Failed (argoproj/argo-workflows#6135), so
 * `continueOn.failed` and `retry.on: failed` cover it at both levels (issue 12, Argo tester
 * fault 5). An error is what never reached the program's end by its own doing: it could
 * not start, its pod or process was lost, it was cancelled.
 */

/** The error of a step stopped at its timeout of `seconds`. */
export function timedOutError(seconds: number): string {
  return `timed out after ${seconds}s`;
}

/** True when `error` says the step (or the pod or container running it) was stopped at its timeout. */
export function isTimeout(error: string | undefined): boolean {
  return error !== undefined && !error.startsWith('infrastructure failure') && /(^|\b)timed out after [0-9]/.test(error);
}
