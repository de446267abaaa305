/**
 * attemptLabel, the one way a step's attempt reads in `strata runs get` (its ATTEMPT column
 * blank for "1"), the UI's step panel, `strata runs watch` and the line that opens an
 * execution in a step's log: a retry is its attempt, a re-run of the same attempt after a
 * takeover is `1 (run 2)`, a step inside a pod run again `1 (pod attempt 2)`, and a view
 * from a server before `attempt` reads `attempts` (R1: the three said it three ways).
 */
import { describe, expect, it } from 'vitest';
import { goOf } from '../../src/cli/watch.ts';
import { attemptLabel, attemptLabelOf } from '../../src/run/attempt-label.ts';
import { executionMark } from '../../src/worker/run-step.ts';

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

  it('is the words of `strata runs watch` and of the mark that opens an execution in a log', () => {
    const goes = [
      { attempt: 2, execution: 1, label: '2' },
      { attempt: 1, execution: 2, label: '1 (run 2)' },
      { attempt: 1, execution: 1, pod: { attempt: 2, execution: 1 }, label: '1 (pod attempt 2)' },
      { attempt: 1, execution: 1, pod: { attempt: 1, execution: 2 }, label: '1 (pod run 2)' },
      { attempt: 3, execution: 2, pod: { attempt: 2, execution: 3 }, label: '3 (run 2; pod attempt 2, run 3)' },
    ];
    for (const { label, ...go } of goes) {
      expect(attemptLabelOf(go.attempt, go.execution, go.pod)).toBe(label);
      expect(goOf(go)).toBe(`, attempt ${label}`);
      // The line alone: appendLogLine puts it on a line of its own (log-append-2.lua).
      expect(executionMark(go.attempt, go.execution, go.pod)).toBe(`--- attempt ${label} ---\n`);
    }
    // The first go says nothing in a watch line.
    expect(goOf({ attempt: 1, execution: 1, pod: { attempt: 1, execution: 1 } })).toBe('');
    expect(goOf({})).toBe('');
  });
});
