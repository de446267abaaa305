import { describe, expect, it } from 'vitest';
import { timerDedupe, timerEvent, timerKey, timerOfKey, type TimerName } from '../../src/engine/timer-names.ts';

describe('timer names', () => {
  const cases: Array<[TimerName, string, string]> = [
    // The first deadline and a leaf's back-off keep the keys and dedupes of logs written before timers were numbered.
    [{ type: 'deadline', step: 'fan', armed: 1 }, 'fan', 'd|fan'],
    [{ type: 'deadline', step: 'p/fan', armed: 3 }, 'p/fan|d3', 'd|p/fan|d3'],
    [{ type: 'backoff', step: 'a', attempt: 2 }, 'a|2', 'b|a|2'],
    [{ type: 'backoff', step: 'box', attempt: 2, started: 4 }, 'box|2|s4', 'b|box|2|s4'],
  ];
  it.each(cases)('%j: key %s, dedupe %s, and back from its key', (t, key, dedupe) => {
    expect(timerKey(t)).toBe(key);
    expect(timerDedupe(t)).toBe(dedupe);
    expect(timerOfKey(key)).toEqual(t);
  });

  it('a timer command (with its seconds) names the event it appends, without them', () => {
    expect(timerEvent({ type: 'deadline', step: 'fan', armed: 2, seconds: 3 } as TimerName)).toEqual({ type: 'deadline', step: 'fan', armed: 2 });
    expect(timerEvent({ type: 'backoff', step: 'a', attempt: 2, seconds: 1 } as TimerName)).toEqual({ type: 'backoff', step: 'a', attempt: 2 });
  });
});
