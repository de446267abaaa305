/**
 * Which faults a runtime calls transient where it meets them (src/engine/transient-fault.ts),
 * after Argo's isTransientErr (argo-workflows util/errors/errors.go): by the API server's
 * status and reason, Node's code, and the fault's own message for Argo's texts.
 */
import { describe, expect, it } from 'vitest';
import { isTransientFault, thrownTransient, transientError, type Fault } from '../../src/engine/transient-fault.ts';

describe('isTransientFault', () => {
  it.each<[string, Fault, boolean]>([
    ['429 (apierr.IsTooManyRequests)', { status: 429, message: 'Too many requests' }, true],
    ['reason TooManyRequests on another status', { status: 500, reason: 'TooManyRequests' }, true],
    ['503 (IsServiceUnavailable)', { status: 503, reason: 'ServiceUnavailable', message: 'unable to handle the request' }, true],
    ['reason ServerTimeout (IsServerTimeout)', { status: 500, reason: 'ServerTimeout' }, true],
    ['403 "exceeded quota" (isExceededQuotaErr)', { status: 403, reason: 'Forbidden', message: 'pods "x" is forbidden: exceeded quota: compute' }, true],
    ['409 on a resourcequota (isResourceQuotaConflictErr)', { status: 409, reason: 'Conflict', message: 'Operation cannot be fulfilled on resourcequotas "q": the object has been modified' }, true],
    ['500 quota evaluation timed out (isResourceQuotaTimeoutErr)', { status: 500, reason: 'InternalError', message: 'resource quota evaluation timed out' }, true],
    ['a reset connection by its code', { code: 'ECONNRESET', message: 'socket hang up' }, true],
    ['a name not resolved (*net.DNSError)', { code: 'EAI_AGAIN' }, true],
    ['EAGAIN on spawn', { code: 'EAGAIN' }, true],
    ['etcd\'s text in the answer', { status: 500, reason: 'InternalError', message: 'etcdserver: leader changed' }, true],
    ['a 422 that quotes a 503', { status: 422, reason: 'Invalid', message: 'the value "(HTTP 503 ServiceUnavailable)" is invalid' }, false],
    ['a 422 that names ECONNRESET', { status: 422, reason: 'Invalid', message: 'the value "read ECONNRESET" is invalid' }, false],
    ['"exceeded quota" but not Forbidden', { status: 422, reason: 'Invalid', message: 'annotation "exceeded quota" is invalid' }, false],
    ['another Forbidden', { status: 403, reason: 'Forbidden', message: 'User "w" cannot create resource "pods"' }, false],
    ['a plain 500 InternalError', { status: 500, reason: 'InternalError', message: 'admission webhook failed' }, false],
    ['ENOENT', { code: 'ENOENT' }, false],
    ['nothing known', {}, false],
  ])('%s: %s', (_what, fault, transient) => {
    expect(isTransientFault(fault)).toBe(transient);
  });

  it('a thrown error says it is transient by a property, which crosses to the worker', () => {
    expect(thrownTransient(transientError('pod p could not be started'))).toBe(true);
    expect(thrownTransient(new Error('pod p could not be started: read ECONNRESET'))).toBe(false);
    expect(thrownTransient(undefined)).toBe(false);
  });
});
