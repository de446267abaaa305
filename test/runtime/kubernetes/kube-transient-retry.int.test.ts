/**
 * `retry.on: transient` (Argo's retryPolicy OnTransientError) through the whole stack on the
 * kubernetes runtime, on a STAND-IN API server (test/support/fake-kube-api: not Kubernetes)
 * that answers one pod creation with a fault. A fault Argo's IsTransientErr
 * (util/errors/errors.go) calls transient, by the API server's status (apierr.IsTooManyRequests:
 * 429, apierr.IsServiceUnavailable: 503, apierr.IsServerTimeout: reason ServerTimeout, a
 * Forbidden "exceeded quota") or by the connection's fault (a reset), is first tried again
 * within the attempt (the step's job runs again, as Argo's controller requeues the creation,
 * operator.go requeueIfTransientErr, whatever the retryStrategy); one on every try fails the
 * attempt as an infrastructure failure naming the status, and under `on: transient` the step
 * runs again and the run succeeds. One that is not (422 Invalid, a 500 InternalError, a
 * Forbidden for another reason) fails the step once, not retried.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_JOB_ATTEMPTS } from '../../../src/coordinator/run-system.ts';
import type { Fault } from '../../support/fake-kube-api/server.ts';
import { useKubeRunService } from './support/kube-run-service.ts';

const k = useKubeRunService();

/** A run of one step (`true`), retried on transient errors unless `retry` is false; the next `times` pod creations answered with `fault`. */
async function runWithFault(name: string, fault: Fault, times = DEFAULT_JOB_ATTEMPTS, retry = true) {
  k().cluster.api.clearFaults();
  k().cluster.api.failNext('create', 'pods', fault, times);
  const flow = {
    apiVersion: 'strata/v1', kind: 'Flow', metadata: { name, version: '1' },
    spec: { root: { sequence: [{ id: 'a', task: { image: 'alpine', command: ['true'] }, ...(retry ? { retry: { limit: 2, on: 'transient', backoff: { duration: '1s' } } } : {}) }] } },
  };
  const r = await k().svc.call('POST', '/v1/runs', { flow });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return k().svc.waitRun(r.body.runId, 120_000);
}

describe('retry on: transient, a pod creation that fails (kubernetes runtime)', { timeout: 150_000 }, () => {
  it.each<[string, Fault]>([
    ['429 TooManyRequests', { code: 429, reason: 'TooManyRequests', message: 'Too many requests, please try again later.' }],
    ['503 ServiceUnavailable', { code: 503, reason: 'ServiceUnavailable', message: 'the server is currently unable to handle the request' }],
    ['500 ServerTimeout', { code: 500, reason: 'ServerTimeout', message: 'The create operation against pods could not be completed at this time, please try again.' }],
    ['403 exceeded quota', { code: 403, reason: 'Forbidden', message: 'pods "x" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=10, limited: pods=10' }],
    ['a connection reset', 'reset'],
  ])('%s on every try of the attempt: the attempt fails, the step runs again and the run succeeds', async (what, fault) => {
    const run = await runWithFault(`transient-${what.split(' ')[0]}`, fault);
    expect(run.status, JSON.stringify(run.steps).slice(0, 2000)).toBe('succeeded');
    // The run view counts every execution: the attempt's tries, then the retry's.
    expect(run.steps.a, JSON.stringify(run.steps.a)).toMatchObject({ status: 'succeeded', attempts: DEFAULT_JOB_ATTEMPTS + 1 });
  });

  it('without a retry, a 503 once: the creation is tried again within the attempt (as Argo\'s controller requeues it), the run succeeds', async () => {
    const run = await runWithFault('transient-once', { code: 503, reason: 'ServiceUnavailable', message: 'the server is currently unable to handle the request' }, 1, false);
    expect(run.status, JSON.stringify(run.steps).slice(0, 2000)).toBe('succeeded');
    expect(run.steps.a, JSON.stringify(run.steps.a)).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('without a retry, a 429 on every try: the step fails once as an infrastructure failure naming the status', async () => {
    const run = await runWithFault('transient-always', { code: 429, reason: 'TooManyRequests', message: 'Too many requests, please try again later.' }, DEFAULT_JOB_ATTEMPTS, false);
    expect(run.status).toBe('failed');
    expect(run.steps.a, JSON.stringify(run.steps).slice(0, 2000)).toMatchObject({ status: 'failed', attempts: DEFAULT_JOB_ATTEMPTS });
    expect(run.steps.a.error).toMatch(/^infrastructure failure: pod \S+ could not be started: Too many requests, please try again later\. \(HTTP 429 TooManyRequests\)$/);
  });

  it.each<[string, Fault]>([
    ['422 Invalid', { code: 422, reason: 'Invalid', message: 'Pod "x" is invalid: spec.containers[0].image: Required value' }],
    ['500 InternalError', { code: 500, reason: 'InternalError', message: 'Internal error occurred: admission webhook failed' }],
    ['403 Forbidden', { code: 403, reason: 'Forbidden', message: 'pods is forbidden: User "worker" cannot create resource "pods"' }],
    // Transience is the answer's status, carried as a field (PodOutcome.transient), never read back from the step's words.
    ['422 Invalid whose message quotes a 503', { code: 422, reason: 'Invalid', message: 'Pod "x" is invalid: metadata.annotations[note]: "(HTTP 503 ServiceUnavailable)" is not allowed' }],
    ['422 Invalid whose message names a reset', { code: 422, reason: 'Invalid', message: 'Pod "x" is invalid: spec.containers[0].env[0].value: "read ECONNRESET" is not allowed' }],
  ])('%s: not transient, the step fails once', async (what, fault) => {
    const run = await runWithFault(`not-transient-${what.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, fault, 1);
    expect(run.status).toBe('failed');
    expect(run.steps.a, JSON.stringify(run.steps).slice(0, 2000)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(run.steps.a.error).toContain('could not be started');
  });
});
