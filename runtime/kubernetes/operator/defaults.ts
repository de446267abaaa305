/**
 * The operator's defaults, in a file of their own so that strata's configuration
 * (src/app/config.ts, STRATA_OPERATOR_*) states them without loading the Kubernetes client.
 */

/** How often a Dataset's active run is looked at (ms). */
export const DEFAULT_POLL_MS = 5000;

/** How many times a reconcile failing with an error that is no fault that may pass (a bug of strata's) is tried before phase Error (reconcile-failure.ts). */
export const DEFAULT_ERROR_TRIES = 5;
