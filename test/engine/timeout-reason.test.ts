/**
 * A step stopped at its timeout is known by the `reason` of its `finished` event, never by
 * the words of its error (src/engine/timeout-error.ts): a timeout is `failed` (continueOn
 * failed, retry on failed), and a program whose own message says "timed out after 3" is
 * judged by how it ended, like any other.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/types.ts';
import { compile, task } from '../fixtures/build-flow.ts';
import { done, engine, started } from './drive.ts';

/** A program that wrote "timed out after 3" and was killed by a signal: no exit code, no timeout. */
const liar = (step: string): EngineEvent => ({ type: 'finished', step, attempt: 1, ok: false, error: 'killed by SIGKILL: timed out after 3', exitCode: null });
/** A step the runtime stopped at its timeout. */
const timedOut = (step: string, attempt = 1): EngineEvent => ({ type: 'finished', step, attempt, ok: false, error: 'timed out after 3s', exitCode: null, reason: 'timeout' });
const seq = (continueOn: Record<string, boolean>) => compile({ sequence: [task('a', { continueOn }), task('b')] }).root;

describe('a timeout is a reason, not a wording', () => {
  it('a program that says "timed out after 3" and dies by a signal errored: continueOn.failed does not cover it, continueOn.error does', () => {
    const onFailed = engine(seq({ failed: true }));
    onFailed.start();
    expect(done(onFailed.apply(liar('a')))).toMatchObject({ status: 'failed', error: 'step a failed: killed by SIGKILL: timed out after 3' });
    const onError = engine(seq({ error: true }));
    onError.start();
    expect(started(onError.apply(liar('a')))).toEqual(['b']);
  });

  it('a step stopped at its timeout failed: continueOn.failed covers it, continueOn.error does not', () => {
    const onFailed = engine(seq({ failed: true }));
    onFailed.start();
    expect(started(onFailed.apply(timedOut('a')))).toEqual(['b']);
    const onError = engine(seq({ error: true }));
    onError.start();
    expect(done(onError.apply(timedOut('a')))).toMatchObject({ status: 'failed' });
  });

  it('retry on: failed runs a timed-out step again, and not the one that only says so', () => {
    const e = engine(compile(task('a', { retry: { limit: 1, on: 'failed' } })).root);
    e.start();
    expect(started(e.apply(timedOut('a')))).toEqual(['a']);
    const l = engine(compile(task('a', { retry: { limit: 1, on: 'failed' } })).root);
    l.start();
    expect(done(l.apply(liar('a')))).toMatchObject({ status: 'failed' });
  });

  it('a log begun before version 2 (no reason on its events) is folded as it was written: the words "timed out after Ns" were the timeout', () => {
    const old = engine(seq({ failed: true }));
    old.start(undefined, 1);
    expect(started(old.apply({ type: 'finished', step: 'a', attempt: 1, ok: false, error: 'timed out after 3s', exitCode: null }))).toEqual(['b']);
    const current = engine(seq({ failed: true }));
    current.start(undefined, 2);
    expect(done(current.apply({ type: 'finished', step: 'a', attempt: 1, ok: false, error: 'timed out after 3s', exitCode: null }))).toMatchObject({ status: 'failed' });
  });
});
