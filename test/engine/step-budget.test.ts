/**
 * StepBudget (R2), the run's count against STRATA_MAX_RUN_STEPS and its pods' charges, by
 * log version: 5, a pod's start counts its micro plan's steps; 6, what a pod made past that
 * is charged as it ends and its quarterback counts on from stepsBefore; 7, a kept pod's
 * charge counts again on a retry, one run again has it forgotten.
 */
import { describe, expect, it } from 'vitest';
import { StepBudget } from '../../src/engine/step-budget.ts';
import { compile, task } from '../fixtures/build-flow.ts';

/** A pod's micro plan: a task, then a fan-out over a parameter (its start counts the task and the fan-out, its body once: 2). */
const pod = compile({ id: 'p', pod: { flow: { sequence: [task('a'), { id: 'g', fanOut: { over: { var: 'params.ns' }, do: task('t') } }] } } }, { ns: [1] }).root;
const podBody = pod.kind === 'pod' ? pod.body : pod;

describe('StepBudget', () => {
  it('counts steps on from `before`, past the limit said as it happens; made leaves `before` aside', () => {
    const b = new StepBudget(3, 1, () => 7);
    expect([b.count(), b.count(), b.count()]).toEqual([false, false, true]);
    expect(b.made).toBe(3);
    expect(b.limit).toBe(3);
  });

  it('a pod counts its micro plan as it starts (version 5); once, before', () => {
    const p = { id: 'p', body: podBody, kept: () => false };
    expect([new StepBudget(4, 1, () => 5).count(p), new StepBudget(3, 1, () => 5).count(p)]).toEqual([false, true]);
    expect(new StepBudget(1, 0, () => 4).count(p)).toBe(false);
  });

  it('charges a pod what it made past its start\'s count, the most of its attempts once, and tells its quarterback the run\'s steps aside its own (version 6)', () => {
    const b = new StepBudget(10, 0, () => 6);
    b.count({ id: 'p', body: podBody, kept: () => false });
    expect(b.stepsBefore('p', podBody)).toBe(1);
    expect(b.charge('p', podBody, 5)).toBe(false);
    expect(b.made).toBe(6);
    expect(b.charge('p', podBody, 4)).toBe(false);
    expect(b.made).toBe(6);
    expect(b.stepsBefore('p', podBody)).toBe(1);
    expect(b.charge('p', podBody, 11)).toBe(true);
    expect(new StepBudget(10, 0, () => 5).charge('p', podBody, 50)).toBe(false);
    expect(new StepBudget(10, 0, () => 5).stepsBefore('p', podBody)).toBeUndefined();
  });

  it('a retry counts a kept pod\'s charge again and forgets that of one run again (version 7); version 6 forgets both', () => {
    for (const [v, kept, made] of [[7, true, 6], [7, false, 3], [6, true, 3]] as const) {
      const b = new StepBudget(100, 0, () => v);
      b.count({ id: 'p', body: podBody, kept: () => kept });
      b.charge('p', podBody, 5);
      b.restart();
      b.count({ id: 'p', body: podBody, kept: () => kept });
      expect([v, kept, b.made]).toEqual([v, kept, made]);
    }
  });
});
