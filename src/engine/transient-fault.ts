/**
 * Which faults are transient, for `retry.on: transient` (Argo's retryPolicy OnTransientError),
 * decided by the runtime where it meets the fault, from what it has there: the API server's
 * status and reason, Node's error code, and the fault's own message (not a step's error made
 * of it). Argo's isTransientErr (argo-workflows util/errors/errors.go) is the model: the API
 * server's statuses (apierr.IsTooManyRequests, IsServiceUnavailable, IsServerTimeout), the
 * quota refusals (a Forbidden "exceeded quota", a Conflict on a resourcequota, an
 * InternalError "resource quota evaluation timed out"), network faults by their type
 * (*net.OpError, *net.DNSError: Node's codes here) or their texts, etcd's texts. The runtime
 * then says `transient: true` on the step's outcome; nothing later reads words. Pure.
 */

/** What a runtime knows of a fault where it met it. */
export interface Fault {
  /** the HTTP status of an API server's answer */
  status?: number;
  /** the `reason` of a Kubernetes Status (`TooManyRequests`, `ServerTimeout`, ...) */
  reason?: string;
  /** Node's error code (`ECONNRESET`, `EAGAIN`, ...) */
  code?: string;
  /** the fault's own message (the API server's words, the socket's), not a step's error */
  message?: string;
}

/** Argo's texts of network, etcd and database faults (isTransientNetworkErr, isTransientEtcdErr, isTransientSqbErr), matched in the fault's own message as Argo matches err.Error(). */
export const ARGO_TRANSIENT_TEXTS = [
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
];

/**
 * Node's codes for the faults Argo finds by type (*net.OpError: a dial, read or write that
 * failed; *net.DNSError: a name not resolved), and EAGAIN, the kernel's "try again": no
 * process could be made for now (the limit of processes reached), the local runtime's
 * counterpart of a pod refused for an exceeded quota (docs/flow-language.md, Retries).
 */
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'EAGAIN']);

/** Whether `f` has the reason `reason` or the status `code`, as apierr's IsTooManyRequests and its kind read a Status. */
function is(f: Fault, code: number, reason: string): boolean {
  return f.reason === reason || f.status === code;
}

/** Whether Argo's isTransientErr would call `f` transient (this file's header). */
export function isTransientFault(f: Fault): boolean {
  const m = f.message ?? '';
  return (
    is(f, 429, 'TooManyRequests') ||
    is(f, 503, 'ServiceUnavailable') ||
    f.reason === 'ServerTimeout' ||
    (is(f, 403, 'Forbidden') && m.includes('exceeded quota')) ||
    (is(f, 409, 'Conflict') && m.includes('Operation cannot be fulfilled on resourcequota')) ||
    (is(f, 500, 'InternalError') && m.includes('resource quota evaluation timed out')) ||
    (f.code !== undefined && TRANSIENT_CODES.has(f.code)) ||
    ARGO_TRANSIENT_TEXTS.some((t) => m.includes(t))
  );
}

/** A thrown error that says its fault is transient (`transient: true`), read by property: it may cross from a runtime to the worker. */
export function thrownTransient(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { transient?: unknown }).transient === true;
}

/** An Error with `message` that says its fault is transient (thrownTransient). */
export function transientError(message: string): Error {
  return Object.assign(new Error(message), { transient: true as const });
}
