/**
 * Issue 12: `retry.on: transient` (Argo's retryPolicy OnTransientError) runs a step again only
 * when its failure is one Argo's IsTransientErr would call transient (argo-workflows
 * util/errors/errors.go; operator.go processNodeRetries tests the node's message): a step
 * ended without an exit code of its own whose error names a network or API-server fault. A
 * program that exited non-zero, a timeout, a container that could not start, a lost step:
 * not. Through the pure engine: its events are what the worker appends.
 */
import { describe, expect, it } from 'vitest';
import { compile, task } from '../fixtures/build-flow.ts';
import { done, engine, failed, startOf } from './drive.ts';

const onTransient = () => {
  const e = engine(compile(task('a', { retry: { limit: 2, on: 'transient' } })).root);
  e.start();
  return e;
};

describe('retry on: transient', () => {
  it.each([
    'infrastructure failure: connect ECONNREFUSED 10.0.0.1:6443',
    'infrastructure failure: read ECONNRESET',
    'infrastructure failure: socket hang up',
    'pod p: dial tcp 10.0.0.1:443: i/o timeout',
    'etcdserver: leader changed',
    'Post "https://api/pods": net/http: TLS handshake timeout',
    'write tcp: connection reset by peer',
    'pod p could not be started: Too many requests, please try again later. (HTTP 429 TooManyRequests)',
    'pod p could not be started: the server is currently unable to handle the request (HTTP 503 ServiceUnavailable)',
    'pod p could not be started: The create operation against pods could not be completed at this time (HTTP 500 ServerTimeout)',
    'pod p could not be started: pods "p" is forbidden: exceeded quota: compute (HTTP 403 Forbidden)',
    'watch: http2: server sent GOAWAY and closed the connection',
  ])('runs again after "%s" (no exit code)', (error) => {
    const e = onTransient();
    expect(startOf(e.apply(failed('a', 1, error)), 'a').attempt).toBe(2);
  });

  it.each([
    ['a program that exited non-zero, its message naming a network fault', { type: 'finished' as const, step: 'a', attempt: 1, ok: false, error: 'exited with code 1: connection refused', exitCode: 1 }],
    ['a container that could not start', { type: 'finished' as const, step: 'a', attempt: 1, ok: false, error: 'image "no-such-image" has no local command' }],
    ['a lost step', { type: 'finished' as const, step: 'a', attempt: 1, ok: false, error: 'the pod was deleted' }],
    ['an API server\'s answer Argo does not call transient (500 InternalError)', { type: 'finished' as const, step: 'a', attempt: 1, ok: false, error: 'pod p could not be started: Internal error occurred (HTTP 500 InternalError)' }],
    ['an API server\'s refusal (422 Invalid)', { type: 'finished' as const, step: 'a', attempt: 1, ok: false, error: 'pod p could not be started: Pod "p" is invalid (HTTP 422 Invalid)' }],
    ['a timeout', { type: 'finished' as const, step: 'a', attempt: 1, ok: false, error: 'i/o timeout', reason: 'timeout' as const }],
  ])('fails at once after %s', (_what, event) => {
    const e = onTransient();
    expect(done(e.apply(event))).toMatchObject({ status: 'failed' });
  });

  it('a composite under retryWhole on: transient does not run again (its failure is its child\'s, never a transient message of its own)', () => {
    const e = engine(compile({ sequence: [{ id: 'g', retryWhole: { limit: 2, on: 'transient' }, sequence: [task('a', { retries: 0 })] }] }).root);
    e.start();
    expect(done(e.apply(failed('g/a', 1, 'infrastructure failure: connect ECONNREFUSED 10.0.0.1:6443')))).toMatchObject({ status: 'failed' });
  });
});
