/**
 * Which failures are transient, for `retry.on: transient` (Argo's retryPolicy
 * OnTransientError). Argo's processNodeRetries (workflow/controller/operator.go) runs such a
 * node again only when IsTransientErr (util/errors/errors.go) calls its message transient:
 * texts of network faults (connection refused or reset, i/o and TLS handshake timeouts, a lost
 * HTTP/2 connection), etcd's (leader changed, request timed out, too many requests) and the
 * operator's TRANSIENT_ERROR_PATTERN. strata's own infrastructure runs on Node, whose errors
 * name the same faults by code (ECONNREFUSED, ECONNRESET, ETIMEDOUT, EAI_AGAIN, "socket hang
 * up"): those count too. Only a failure without an exit code of its own is read (not a
 * timeout): a program that exited non-zero failed by itself, whatever it printed, and Argo's
 * message for it ("Error (exit code 1)") matches none of the texts. Pure.
 */
import type { Act } from './act.ts';
import { endedWithoutExit } from './act.ts';

/** Argo's transient texts (util/errors isTransientEtcdErr, isTransientNetworkErr, isTransientSqbErr, the quota checks), then Node's codes for the same faults. */
const TRANSIENT_TEXTS = [
  'etcdserver: leader changed',
  'etcdserver: request timed out',
  'etcdserver: too many requests',
  'Connection closed by foreign host',
  'net/http: TLS handshake timeout',
  'i/o timeout',
  'connection timed out',
  'connection reset by peer',
  'http2: client connection lost',
  'http2: server sent GOAWAY and closed the connection',
  'connect: connection refused',
  'invalid connection',
  'upper: no more rows in',
  // isExceededQuotaErr, isResourceQuotaConflictErr, isResourceQuotaTimeoutErr: the API server's words.
  'exceeded quota',
  'Operation cannot be fulfilled on resourcequota',
  'resource quota evaluation timed out',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'socket hang up',
];

/**
 * An answer of the Kubernetes API server Argo calls transient by its status, as the
 * kubernetes runtime writes it (`... (HTTP 503 ServiceUnavailable)`, runtime/kubernetes
 * kube-config.ts apiFailure): apierr.IsTooManyRequests (429 or reason TooManyRequests),
 * IsServiceUnavailable (503 or ServiceUnavailable), IsServerTimeout (reason ServerTimeout).
 */
const TRANSIENT_STATUS = /\(HTTP (?:429|503)\b|\(HTTP \d{3} (?:TooManyRequests|ServiceUnavailable|ServerTimeout)\)/;

/** Whether an error text names a transient fault (TRANSIENT_TEXTS, TRANSIENT_STATUS). */
export function isTransientText(error: string | undefined): boolean {
  return error !== undefined && (TRANSIENT_TEXTS.some((t) => error.includes(t)) || TRANSIENT_STATUS.test(error));
}

/** Whether the leaf `act`, which just failed with `error`, failed transiently: no exit code of its own, and a transient text. */
export function failedTransiently(act: Act, error: string | undefined): boolean {
  return endedWithoutExit(act) && isTransientText(error);
}
