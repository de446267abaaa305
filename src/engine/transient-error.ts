/**
 * How the engine knows a transient failure, for `retry.on: transient` (Argo's retryPolicy
 * OnTransientError; processNodeRetries, workflow/controller/operator.go, runs such a node
 * again only when IsTransientErr calls its fault transient): by the `transient: true` of the
 * step's `finished` event, which the runtime that met the fault sets (transient-fault.ts),
 * never by the words of its error (a message may quote "(HTTP 503)" or "ECONNRESET" and be
 * nothing of the kind). Only a failure without an exit code of its own counts (not a
 * timeout; retry-policy.ts nextAttemptDelay): a program that exited non-zero failed by itself,
 * whatever it printed. Pure.
 */
import { ARGO_TRANSIENT_TEXTS } from './transient-fault.ts';

/** The words logs of version 2 and before were read by (their events carry no `transient`). */
const LEGACY_TEXTS = [
  ...ARGO_TRANSIENT_TEXTS,
  'exceeded quota',
  'Operation cannot be fulfilled on resourcequota',
  'resource quota evaluation timed out',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'socket hang up',
];

/** The status as the kubernetes runtime wrote it into an error then (`... (HTTP 503 ServiceUnavailable)`). */
const LEGACY_STATUS = /\(HTTP (?:429|503)\b|\(HTTP \d{3} (?:TooManyRequests|ServiceUnavailable|ServerTimeout)\)/;

/**
 * Only for a log of version 2 and before (its events carry no `transient`): whether `error`
 * was transient by the words the engine then read, so an old run folds again as it was
 * decided (docs/runs.md, Versions).
 */
export function legacyTransientText(error: string | undefined): boolean {
  return error !== undefined && (LEGACY_TEXTS.some((t) => error.includes(t)) || LEGACY_STATUS.test(error));
}
