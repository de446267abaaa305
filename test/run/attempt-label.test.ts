/**
 * attemptLabel, the one way a step's attempt reads in `strata runs get` (its ATTEMPT column
 * blank for "1") and the UI's step panel: a retry is its attempt, a re-run of the same attempt
 * after a takeover is `1 (run 2)`, and a view from a server before `attempt` reads `attempts`.
 */
import { describe, expect, it } from 'vitest';
import { attemptLabel } from '../../src/run/attempt-label.ts';

describe('attemptLabel', () => {
  it('tells a retry from a re-run of the same attempt', () => {
    expect(attemptLabel({ attempt: 1, attempts: 1 })).toBe('1');
    expect(attemptLabel({ attempt: 2, attempts: 2 })).toBe('2');
    expect(attemptLabel({ attempt: 1, attempts: 2, execution: 2 })).toBe('1 (run 2)');
    expect(attemptLabel({ attempt: 2, attempts: 3, execution: 2 })).toBe('2 (run 2)');
    expect(attemptLabel({ attempt: 3, attempts: 3, execution: 1 })).toBe('3');
  });

  it('says which run of its pod a step inside a pod run again last ran in', () => {
    expect(attemptLabel({ attempt: 1, attempts: 2, pod: { attempt: 2, execution: 1 } })).toBe('1 (pod attempt 2)');
    expect(attemptLabel({ attempt: 1, attempts: 2, pod: { attempt: 1, execution: 2 } })).toBe('1 (pod run 2)');
    expect(attemptLabel({ attempt: 2, attempts: 4, pod: { attempt: 2, execution: 3 } })).toBe('2 (pod attempt 2, run 3)');
    expect(attemptLabel({ attempt: 1, attempts: 3, execution: 2, pod: { attempt: 2, execution: 1 } })).toBe('1 (run 2; pod attempt 2)');
    expect(attemptLabel({ attempt: 1, attempts: 1, pod: { attempt: 1, execution: 1 } })).toBe('1');
  });

  it('reads `attempts` for a view without `attempt` (a server before it existed)', () => {
    expect(attemptLabel({ attempts: 2 })).toBe('2');
    expect(attemptLabel({ attempts: 0 })).toBe('0');
  });
});
