/**
 * The step limit by log version (LOG_VERSION 4 and 5, tester 13; 6, U2; 7, R14b): a run's log of version 4 or after counts
 * steps as a plan does (not the run's root), so a run of one task under STRATA_MAX_RUN_STEPS=1
 * starts it; a log of version 3 or before folds as it was decided then, its root counted,
 * so the same run fails at once (an older run folded again keeps its end).
 */
import { describe, expect, it } from 'vitest';
import { RunEngine } from '../../src/engine/engine.ts';
import { LOG_VERSION } from '../../src/engine/timeout-error.ts';
import { compile, task } from '../fixtures/build-flow.ts';

/** The first commands of a run of `a` then `b` under maxSteps 1, started with log version `v`: what each does. */
function firstCommands(v: number): string[] {
  const c = compile({ sequence: [task('a'), task('b')] });
  return new RunEngine(c.root, { maxSteps: 1 }).start(0, v).map((x) => `${x.type}${'step' in x ? ` ${x.step}` : ''}`);
}

describe('the step limit by log version', () => {
  it('version 4: the run\'s root is no step, so its first task starts', () => {
    expect(LOG_VERSION).toBeGreaterThanOrEqual(4);
    expect(firstCommands(4)).toContain('start a');
  });

  it('version 3 and before: the root counted, as then: nothing starts and the run ends failed', () => {
    for (const v of [1, 2, 3]) {
      const cmds = firstCommands(v);
      expect(cmds).not.toContain('start a');
      expect(cmds.some((c) => c.startsWith('done'))).toBe(true);
    }
  });

  it('version 5: a pod counts its containers as it starts; version 4 counted the pod once', () => {
    const c = compile({ sequence: [{ id: 'p', pod: { flow: { sequence: [task('a'), task('b'), task('c')] } } }] });
    const first = (v: number) => new RunEngine(c.root, { maxSteps: 3 }).start(0, v).map((x) => `${x.type}${'step' in x ? ` ${x.step}` : ''}`);
    expect(first(4)).toContain('start p');
    expect(first(5)).not.toContain('start p');
  });

  it('version 6: a pod\'s quarterback counts on from the run\'s steps, and the micro steps it made past its start\'s count fail it at the limit; version 5 neither', () => {
    // A fan-out inside the pod: its start counts the body once (the fan-out and its task: 2).
    const c = compile({ sequence: [task('a'), { id: 'p', pod: { flow: { id: 'g', fanOut: { over: { var: 'params.ns' }, do: task('t') } } } }, task('b')] }, { ns: [1, 2, 3, 4] });
    const run = (v: number) => {
      const e = new RunEngine(c.root, { maxSteps: 6, params: { ns: [1, 2, 3, 4] } });
      const started = e.start(0, v).filter((x) => x.type === 'start');
      const afterA = e.apply([{ type: 'finished', step: 'a', attempt: 1, ok: true, at: 1 }]);
      const pod = afterA.find((x) => x.type === 'start' && x.step === 'p');
      // The quarterback made the fan-out and its 4 items: 5 micro steps.
      const end = e.apply([{ type: 'finished', step: 'p', attempt: 1, ok: true, steps: 5, at: 2 }]);
      return { first: started.map((x) => x.step), stepsBefore: pod?.type === 'start' ? pod.pod?.stepsBefore : 'not started', end: end.filter((x) => x.type === 'done').map((x) => `${x.status}: ${x.error ?? ''}`) };
    };
    expect(run(6)).toEqual({ first: ['a'], stepsBefore: 2, end: ['failed: step p failed: the run would make more than 6 steps, the limit (STRATA_MAX_RUN_STEPS)'] });
    expect(run(5)).toEqual({ first: ['a'], stepsBefore: undefined, end: [] });
  });

  it('version 7: a pod kept by a retry of the run counts the micro steps charged for it again, as a kept fan-out\'s items count again; version 6 counted its start\'s only', () => {
    // p fans out over 4 items inside the pod, its quarterback making 5 micro steps; q, a pod of one task, fails, and the run is retried.
    const c = compile({ sequence: [{ id: 'p', pod: { flow: { id: 'g', fanOut: { over: { var: 'params.ns' }, do: task('t') } } } }, { id: 'q', pod: { flow: { sequence: [task('u')] } } }] }, { ns: [1, 2, 3, 4] });
    const qStepsBefore = (v: number) => {
      const e = new RunEngine(c.root, { maxSteps: 100, params: { ns: [1, 2, 3, 4] } });
      e.start(0, v);
      const q = (cmds: ReturnType<RunEngine['apply']>) => cmds.flatMap((x) => (x.type === 'start' && x.step === 'q' ? [x.pod?.stepsBefore] : []));
      const first = q(e.apply([{ type: 'finished', step: 'p', attempt: 1, ok: true, steps: 5, at: 1 }]));
      e.apply([{ type: 'finished', step: 'q', attempt: 1, ok: false, error: 'no', at: 2 }]);
      const retried = q(e.apply([{ type: 'retry', at: 3 }]));
      return { first, retried };
    };
    // The run's steps as q starts, its micro steps aside (q's stepsBefore): the same after the retry as before it;
    // version 6 forgot what p's quarterback made past its start's count (charged once p ended) once p was kept.
    expect(qStepsBefore(7)).toEqual({ first: [7], retried: [7] });
    expect(qStepsBefore(6)).toEqual({ first: [7], retried: [2] });
  });

  it('version 7: a pod run again by a retry of the run (it had failed) counts what its new run makes, not what its failed one was charged', () => {
    // q fans out inside the pod: its failed run made 5 micro steps, its run after the retry 1 (its list shorter, say); r is a pod after it.
    const c = compile({ sequence: [{ id: 'q', pod: { flow: { id: 'g', fanOut: { over: { var: 'params.ns' }, do: task('t') } } } }, { id: 'r', pod: { flow: { sequence: [task('u')] } } }] }, { ns: [1, 2, 3, 4] });
    const e = new RunEngine(c.root, { maxSteps: 100, params: { ns: [1, 2, 3, 4] } });
    e.start(0, 7);
    e.apply([{ type: 'finished', step: 'q', attempt: 1, ok: false, error: 'no', steps: 5, at: 1 }]);
    e.apply([{ type: 'retry', at: 2 }]);
    const after = e.apply([{ type: 'finished', step: 'q', attempt: 2, ok: true, steps: 1, at: 3 }]);
    // As a first run of q making 1 micro step: q (1) and its micro step, then r (1).
    const fresh = new RunEngine(c.root, { maxSteps: 100, params: { ns: [1, 2, 3, 4] } });
    fresh.start(0, 7);
    const once = fresh.apply([{ type: 'finished', step: 'q', attempt: 1, ok: true, steps: 1, at: 1 }]);
    const rStepsBefore = (cmds: ReturnType<RunEngine['apply']>) => cmds.flatMap((x) => (x.type === 'start' && x.step === 'r' ? [x.pod?.stepsBefore] : []));
    expect(rStepsBefore(after)).toEqual(rStepsBefore(once));
    expect(rStepsBefore(once)).toHaveLength(1);
  });
});
