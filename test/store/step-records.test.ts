/**
 * A step's record read as users see it (toStepView) and shown by `strata runs get`
 * (runTree): the engine's `attempt` is its own field beside `attempts` (the larger of the
 * engine's attempt and the executions), a record written before `attempt` was kept reads
 * with `attempts` for it, and the ATTEMPT column tells a retry from a re-run after a takeover.
 */
import { describe, expect, it } from 'vitest';
import { toStepView } from '../../src/store/step-records.ts';
import { runTree } from '../../src/cli/run-tree.ts';
import type { RunView, StepView } from '../../src/run/run-view.ts';

const at = '2026-12-01T00:00:00.000Z';

describe('toStepView', () => {
  it('gives the engine attempt as `attempt`, and keeps `attempts` and `execution` as stored', () => {
    const v = toStepView(JSON.stringify({ status: 'succeeded', attempt: 1, executions: 2, execution: 2, attempts: 2, startedAt: at, finishedAt: at, error: null }));
    expect(v).toMatchObject({ attempt: 1, attempts: 2, execution: 2 });
    expect(v).not.toHaveProperty('executions');
  });

  it('reads a record without `attempt` (written before it was kept) with `attempts` for it', () => {
    expect(toStepView(JSON.stringify({ status: 'succeeded', attempts: 3, startedAt: at, finishedAt: at, error: null }))).toMatchObject({ attempt: 3, attempts: 3 });
    expect(toStepView(JSON.stringify({ status: 'pending', attempts: 0, startedAt: null, finishedAt: null, error: null }))).toMatchObject({ attempt: 0, attempts: 0 });
  });
});

describe('runs get ATTEMPT column', () => {
  const view = (steps: Record<string, Partial<StepView>>): string => {
    const full = Object.fromEntries(Object.entries(steps).map(([k, s]) => [k, { status: 'succeeded', attempts: 1, attempt: 1, startedAt: at, finishedAt: at, result: null, error: null, ...s } as StepView]));
    const run = { id: 'r', name: 'n', flow: 'f', status: 'succeeded', createdAt: at, finishedAt: at, steps: full } as unknown as RunView;
    return runTree(run, Date.parse(at));
  };
  const attemptOf = (text: string, step: string) => {
    const lines = text.split('\n');
    const head = lines.find((l) => l.startsWith('STEP'))!;
    const row = lines.find((l) => l.includes(` ${step} `))!;
    return row.slice(head.indexOf('ATTEMPT'), head.indexOf('EXIT')).trim();
  };

  it('shows a retry as its attempt, a re-run of the same attempt as `1 (run 2)`, a first run as nothing', () => {
    const text = view({
      retried: { attempt: 2, attempts: 2 },
      taken: { attempt: 1, attempts: 2, execution: 2 },
      both: { attempt: 2, attempts: 3, execution: 2 },
      once: {},
      old: { attempt: undefined, attempts: 2 },
    });
    expect(attemptOf(text, 'retried')).toBe('2');
    expect(attemptOf(text, 'taken')).toBe('1 (run 2)');
    expect(attemptOf(text, 'both')).toBe('2 (run 2)');
    expect(attemptOf(text, 'once')).toBe('');
    expect(attemptOf(text, 'old')).toBe('2');
  });
});
