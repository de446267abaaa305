/** Which failed reconciles the operator tries again for as long as they last, and which it gives up on (reconcile-failure.ts). Pure. */
import { describe, expect, it } from 'vitest';
import { FINALIZER } from '../../../../runtime/kubernetes/operator/crd-names.ts';
import { failedStatus, mayPass, reconciledStatus } from '../../../../runtime/kubernetes/operator/reconcile-failure.ts';
import { StrataError } from '../../../../src/errors/strata-error.ts';

/** An error as client-node throws it for an API server's answer. */
const api = (code: number, reason: string) => Object.assign(new Error(`HTTP-Code: ${code}`), { code, body: JSON.stringify({ kind: 'Status', reason, code }) });
const NOW = new Date('2026-12-02T18:00:00Z');
const res = (status?: Record<string, unknown>, meta = {}) => ({ metadata: { name: 'x', generation: 3, ...meta }, ...(status ? { status } : {}) });

describe('reconcile failures', () => {
  const cases: Array<[string, unknown, boolean]> = [
    ['Redis away (ioredis)', new Error('Connection is closed.'), true],
    ['strata\'s own word for it', new StrataError('unavailable', 'Redis is not reachable right now'), true],
    ['the API server unavailable', api(503, 'ServiceUnavailable'), true],
    ['a conflict (the resource changed meanwhile)', api(409, 'Conflict'), true],
    ['the resource gone', api(404, 'NotFound'), true],
    ['a connection reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
    ['a bug: a plain TypeError', new TypeError("Cannot read properties of undefined (reading 'spec')"), false],
    ['strata\'s internal error', new StrataError('internal', 'internal error: boom'), false],
    ['a status the CRD refuses (422)', api(422, 'Invalid'), false],
  ];
  for (const [what, e, passes] of cases) {
    it(`${what}: ${passes ? 'may pass, tried again for as long as it lasts' : 'tried a bounded number of times'}`, () => {
      expect(mayPass(e)).toBe(passes);
      const last = failedStatus(res(), e, 5, 5, NOW);
      expect(last.retry).toBe(passes);
      expect(last.status?.phase).toBe(passes ? undefined : 'Error');
    });
  }

  it('writes nothing new when the condition says it already (no status write, so no event of its own)', () => {
    const bug = new TypeError('boom');
    const first = failedStatus(res(), bug, 5, 5, NOW).status!;
    expect(failedStatus(res(first), bug, 6, 5, NOW)).toEqual({ retry: false });
  });

  it('names the finalizer that holds a resource being deleted', () => {
    const { status } = failedStatus(res(undefined, { deletionTimestamp: '2026-12-02T17:00:00Z', finalizers: [FINALIZER] }), new TypeError('boom'), 5, 5, NOW);
    expect(status?.message).toBe(`strata operator: boom (tried 5 times; the finalizer ${FINALIZER} holds the resource until this goes through, tried again at each change of it, or is removed by hand)`);
  });

  it('turns the condition True after a reconcile that went through: at once after Retrying, after Error only with a status of its own', () => {
    const retrying = res(failedStatus(res(), new Error('Connection is closed.'), 1, 5, NOW).status);
    expect(reconciledStatus(retrying, false, NOW)).toEqual({ conditions: [{ type: 'Reconciled', status: 'True', reason: 'Reconciled', message: '', observedGeneration: 3, lastTransitionTime: NOW.toISOString() }] });
    const error = res(failedStatus(res(), new TypeError('boom'), 5, 5, NOW).status);
    expect(reconciledStatus(error, false, NOW)).toBeUndefined();
    expect(reconciledStatus(error, true, NOW)?.conditions).toHaveLength(1);
    expect(reconciledStatus(res(), true, NOW)).toBeUndefined();
  });
});
