import { describe, expect, it } from 'vitest';
import { abortedByTimeout, abortReason, withTimeout } from '../../../runtime/local/abort-reason.ts';

describe('abortReason', () => {
  it.each([
    { what: 'a bare abort()', reason: undefined, words: 'cancelled' },
    { what: 'an Error', reason: new Error('run r1 was cancelled by alice'), words: 'run r1 was cancelled by alice' },
    { what: 'a string', reason: 'shutting down', words: 'shutting down' },
  ])('gives words for $what', ({ reason, words }) => {
    const c = new AbortController();
    c.abort(reason);
    expect(abortReason(c.signal)).toBe(words);
  });
});

describe('withTimeout', () => {
  it('aborts by itself after the time, saying so', async () => {
    const t = withTimeout(new AbortController().signal, 20);
    await new Promise((r) => t.signal.addEventListener('abort', r));
    expect(abortReason(t.signal)).toBe('timed out after 0.02s');
    expect(abortedByTimeout(t.signal)).toBe(true);
  });

  it('tells its own timeout from an outer abort by the reason\'s kind, never its words', () => {
    const outer = new AbortController();
    const t = withTimeout(outer.signal, 10_000);
    outer.abort(Object.assign(new Error('timed out after 3s'), { name: 'TimeoutError' }));
    expect(abortReason(t.signal)).toBe('timed out after 3s');
    expect(abortedByTimeout(t.signal)).toBe(false);
    t.clear();
  });

  it('follows the outer signal, and does nothing once cleared', () => {
    const outer = new AbortController();
    const t = withTimeout(outer.signal, 10_000);
    outer.abort(new Error('stop'));
    expect(abortReason(t.signal)).toBe('stop');
    const u = withTimeout(new AbortController().signal, 5);
    u.clear();
    expect(u.signal.aborted).toBe(false);
  });
});
