/**
 * What a step inherits of the environment of the process that starts it (the worker's, or
 * the quarterback's inside a pod): everything but strata's own configuration. STRATA_* are
 * the contract's names (a step gets its own, set for it) and hold the API tokens and the
 * notify secret; REDIS_URL (with its password), PORT and HOST configure the worker (Argo
 * tester 6, Q13: every step got REDIS_URL, so any step could rewrite any run in strata's
 * Redis). An Argo step likewise never gets the controller's configuration. docs/operating.md.
 */

/** strata's configuration outside STRATA_* (src/app/config.ts VARIABLES): the worker's, never a step's. */
export const WORKER_ONLY_VARIABLES: readonly string[] = ['REDIS_URL', 'PORT', 'HOST'];

/** The STRATA_* variables the quarterback itself reads on the local runtime (the bubblewrap command; the home naming its namespace; whether containers start from the C launcher). */
export const QUARTERBACK_VARIABLES: readonly string[] = ['STRATA_BWRAP', 'STRATA_HOME', 'STRATA_NATIVE_LAUNCHER'];

/** `host` without undefined values, STRATA_* and WORKER_ONLY_VARIABLES: what a step starts from. */
export function inheritedEnv(host: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(host)) if (v !== undefined && !k.startsWith('STRATA_') && !WORKER_ONLY_VARIABLES.includes(k)) env[k] = v;
  return env;
}

/** The quarterback's environment on the local runtime: what a step inherits, and the STRATA_* it reads itself. */
export function quarterbackEnv(host: Record<string, string | undefined>): Record<string, string> {
  const env = inheritedEnv(host);
  for (const k of QUARTERBACK_VARIABLES) if (host[k] !== undefined) env[k] = host[k]!;
  return env;
}
