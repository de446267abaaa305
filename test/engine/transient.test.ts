/**
 * Issue 12: `retry.on: transient` (Argo's retryPolicy OnTransientError) runs a step again only
 * when its failure is one Argo's IsTransientErr would call transient (argo-workflows
 * util/errors/errors.go). The runtime that saw the fault decides that where it has the
 * status or code, and says so in the `finished` event's `transient`: the engine never reads
 * the words of an error (a message may quote anything). Which faults count is
 * test/engine/transient-fault.test.ts. Through the pure engine: its events are what the
 * worker appends.
 */
import { describe, expect, it } from 'vitest';
import { compile, task } from '../fixtures/build-flow.ts';
import { done, engine, failed, startOf } from './drive.ts';
import type { EngineEvent } from '../../src/engine/types.ts';

const onTransient = (logVersion?: number) => {
  const e = engine(compile(task('a', { retry: { limit: 2, on: 'transient' } })).root);
  e.start(undefined, logVersion);
  return e;
};

const transient = (error: string, step = 'a'): EngineEvent => ({ type: 'finished', step, attempt: 1, ok: false, error, transient: true });

describe('retry on: transient', () => {
  it('runs again a failure its runtime marked transient (no exit code)', () => {
    const e = onTransient();
    expect(startOf(e.apply(transient('pod p could not be started: Too many requests (HTTP 429 TooManyRequests)')), 'a').attempt).toBe(2);
  });

  it.each([
    ['a program that exited non-zero, even marked transient', { ...transient('exited with code 1: connection refused'), exitCode: 1 } as EngineEvent],
    ['a container that could not start', failed('a', 1, 'image "no-such-image" has no local command')],
    ['a lost step', failed('a', 1, 'the pod was deleted')],
    ['a failure whose words quote a 503 but that was not marked transient', failed('a', 1, 'pod p could not be started: Pod "p" is invalid: "(HTTP 503 ServiceUnavailable)" (HTTP 422 Invalid)')],
    ['a failure whose words name a reset but that was not marked transient', failed('a', 1, 'infrastructure failure: read ECONNRESET')],
    ['a timeout', { ...failed('a', 1, 'i/o timeout'), reason: 'timeout' as const }],
  ])('fails at once after %s', (_what, event) => {
    const e = onTransient();
    expect(done(e.apply(event))).toMatchObject({ status: 'failed' });
  });

  it('a log begun before version 3 (no `transient` on its events) is folded as it was written: the words were the transience', () => {
    const old = onTransient(2);
    expect(startOf(old.apply(failed('a', 1, 'infrastructure failure: read ECONNRESET')), 'a').attempt).toBe(2);
    const older = onTransient(2);
    expect(startOf(older.apply(failed('a', 1, 'pod p could not be started: x (HTTP 503 ServiceUnavailable)')), 'a').attempt).toBe(2);
  });

  it('a composite under retryWhole on: transient does not run again (its failure is its child\'s, never a transient fault of its own)', () => {
    const e = engine(compile({ sequence: [{ id: 'g', retryWhole: { limit: 2, on: 'transient' }, sequence: [task('a', { retries: 0 })] }] }).root);
    e.start();
    expect(done(e.apply(transient('infrastructure failure: connect ECONNREFUSED 10.0.0.1:6443', 'g/a')))).toMatchObject({ status: 'failed' });
  });
});
