/** Retries with back-off: the wait is a command, its end an event; the engine reads no clock. */
import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/engine/types.ts';
import { compile, task } from '../fixtures/build-flow.ts';
import { done, engine, failed, ok, startOf, started } from './drive.ts';

const backoffs = (cmds: Command[]) => cmds.filter((c) => c.type === 'backoff');
const exitFail = (step: string, attempt: number, at?: number) => ({ type: 'finished' as const, step, attempt, ok: false, error: 'exited with code 1', exitCode: 1, ...(at ? { at } : {}) });

describe('retry with back-off', () => {
  it('waits duration × factor^(n−1), at most max, before each attempt', () => {
    const e = engine(compile(task('a', { retry: { limit: 4, backoff: { duration: '1s', factor: 3, max: 5 } } })).root);
    e.start();
    const seen: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      const cmds = e.apply(exitFail('a', attempt));
      expect(started(cmds)).toEqual([]);
      const [b] = backoffs(cmds);
      expect(b).toMatchObject({ type: 'backoff', step: 'a', attempt: attempt + 1 });
      seen.push((b as { seconds: number }).seconds);
      expect(e.runningLeaves()).toEqual([]); // nothing to re-enqueue while it waits
      expect(e.armedTimers()).toEqual([b]);
      const next = e.apply({ type: 'backoff', step: 'a', attempt: attempt + 1 });
      expect(startOf(next, 'a').attempt).toBe(attempt + 1);
    }
    expect(seen).toEqual([1, 3, 5, 5]);
    expect(done(e.apply(exitFail('a', 5)))).toMatchObject({ status: 'failed' });
  });

  it('a repeated or stale back-off event changes nothing', () => {
    const e = engine(compile(task('a', { retry: { limit: 1, backoff: { duration: 2 } } })).root);
    e.start();
    e.apply(exitFail('a', 1));
    expect(e.apply({ type: 'backoff', step: 'a', attempt: 7 })).toEqual([]);
    expect(started(e.apply({ type: 'backoff', step: 'a', attempt: 2 }))).toEqual(['a']);
    expect(e.apply({ type: 'backoff', step: 'a', attempt: 2 })).toEqual([]);
  });

  it('on: failed retries a non-zero exit only; on: error the rest only', () => {
    const onFailed = engine(compile(task('a', { retry: { limit: 2, on: 'failed' } })).root);
    onFailed.start();
    expect(done(onFailed.apply(failed('a', 1, 'lost')))).toMatchObject({ status: 'failed' });
    const onFailed2 = engine(compile(task('a', { retry: { limit: 2, on: 'failed' } })).root);
    onFailed2.start();
    expect(startOf(onFailed2.apply(exitFail('a', 1)), 'a').attempt).toBe(2);
    const onError = engine(compile(task('a', { retry: { limit: 2, on: 'error' } })).root);
    onError.start();
    expect(done(onError.apply(exitFail('a', 1)))).toMatchObject({ status: 'failed' });
  });

  it('no attempt starts after maxDuration from the first, by the times the events carry', () => {
    const e = engine(compile(task('a', { retry: { limit: 10, backoff: { duration: 1, maxDuration: '10s' } } })).root);
    e.start(1_000);
    expect(backoffs(e.apply(exitFail('a', 1, 5_000)))).toHaveLength(1);
    e.apply({ type: 'backoff', step: 'a', attempt: 2, at: 6_000 });
    expect(done(e.apply(exitFail('a', 2, 11_500)))).toMatchObject({ status: 'failed' });
  });

  it('no back-off waits past maxDuration: the step fails at once when the wait would end after it (Argo tester 3, N19)', () => {
    const e = engine(compile(task('a', { retry: { limit: 10, backoff: { duration: 1, factor: 2, maxDuration: '4s' } } })).root);
    e.start(1_000);
    expect(backoffs(e.apply(exitFail('a', 1, 1_500)))).toEqual([{ type: 'backoff', step: 'a', attempt: 2, seconds: 1 }]);
    e.apply({ type: 'backoff', step: 'a', attempt: 2, at: 2_500 });
    // The wait would be 2 s, to 5.5 s: past the first start (1 s) plus 4 s.
    const cmds = e.apply(exitFail('a', 2, 3_500));
    expect(backoffs(cmds)).toEqual([]);
    expect(done(cmds)).toMatchObject({ status: 'failed' });
  });

  it('retries: N is the short form; retry on a composite is the default of the leaves inside', () => {
    const e = engine(compile({ retry: { limit: 1, backoff: { duration: 4 } }, sequence: [task('a'), task('b', { retries: 0 })] }).root);
    e.start();
    expect(backoffs(e.apply(exitFail('a', 1)))).toEqual([{ type: 'backoff', step: 'a', attempt: 2, seconds: 4 }]);
    e.apply({ type: 'backoff', step: 'a', attempt: 2 });
    e.apply(ok('a', null, 2));
    expect(done(e.apply(exitFail('b', 1)))).toMatchObject({ status: 'failed' });
  });

  it('a cancel during a back-off ends the step cancelled, with nothing to kill', () => {
    const e = engine(compile(task('a', { retry: { limit: 1, backoff: { duration: 60 } } })).root);
    e.start();
    e.apply(exitFail('a', 1));
    const cmds = e.apply({ type: 'cancel' });
    expect(cmds.filter((c) => c.type === 'kill')).toEqual([]);
    expect(done(cmds)).toMatchObject({ status: 'cancelled' });
    expect(e.armedTimers()).toEqual([]);
  });

  it('a composite\'s retryWhole back-off names its start: after a retry of the run its attempts count from 1 again, and the earlier start\'s event ends no wait', () => {
    const e = engine(compile({ sequence: [{ id: 'g', retryWhole: { limit: 1, backoff: { duration: 2 } }, sequence: [task('a', { retries: 0 })] }] }).root);
    e.start();
    expect(backoffs(e.apply(exitFail('g/a', 1)))).toEqual([{ type: 'backoff', step: 'g', attempt: 2, seconds: 2, started: 1 }]);
    expect(started(e.apply({ type: 'backoff', step: 'g', attempt: 2, started: 1 }))).toEqual(['g/a']);
    expect(done(e.apply(exitFail('g/a', 2)))).toMatchObject({ status: 'failed' });
    expect(started(e.apply({ type: 'retry' }))).toEqual(['g/a']);
    expect(backoffs(e.apply(exitFail('g/a', 3)))).toEqual([{ type: 'backoff', step: 'g', attempt: 2, seconds: 2, started: 2 }]);
    expect(e.armedTimers()).toEqual([{ type: 'backoff', step: 'g', attempt: 2, seconds: 2, started: 2 }]);
    expect(e.apply({ type: 'backoff', step: 'g', attempt: 2, started: 1 })).toEqual([]);
    expect(started(e.apply({ type: 'backoff', step: 'g', attempt: 2, started: 2 }))).toEqual(['g/a']);
  });
});
