/**
 * Steps that will never start end `skipped` (or `cancelled` after a cancel) with the reason,
 * so none stays pending in a finished run (DESIGN.md section 3; issue 8 item 5).
 */
import { describe, expect, it } from 'vitest';
import type { Command, StatusCommand } from '../../src/engine/types.ts';
import { compile, task } from '../fixtures/build-flow.ts';
import { engine, failed, ok } from './drive.ts';

/** step -> [status, error] of the not-started marks among the commands. */
function marks(cmds: Command[]): Record<string, [string, string | undefined]> {
  const out: Record<string, [string, string | undefined]> = {};
  for (const c of cmds) if (c.type === 'status' && (c as StatusCommand).ifPending) out[c.step] = [c.status, c.error];
  return out;
}

describe('steps that will never start', () => {
  it('after a failure: later siblings and all known beneath them are skipped, naming the failed step', () => {
    const e = engine(compile({ sequence: [task('a'), { id: 'b', sequence: [task('b1'), { id: 'inner', graph: { nodes: { x: task() } } }] }, task('c')] }).root);
    e.start();
    expect(marks(e.apply(failed('a')))).toEqual({
      b: ['skipped', 'not started: step a failed'],
      'b/b1': ['skipped', 'not started: step a failed'],
      'b/inner': ['skipped', 'not started: step a failed'],
      'b/inner/x': ['skipped', 'not started: step a failed'],
      c: ['skipped', 'not started: step a failed'],
    });
  });

  it('in a graph: the dependents of the failure and the independent nodes not yet started', () => {
    const e = engine(compile({ graph: { traversal: 'dfs', nodes: { a: task(), b: task(undefined, { dependsOn: ['a'] }), c: task() } } }).root);
    e.start();
    expect(marks(e.apply(failed('a', 1, 'exit code 2')))).toEqual({ b: ['skipped', 'not started: step a failed'], c: ['skipped', 'not started: step a failed'] });
  });

  it('a composite whose when is false: it is skipped, and so is everything known beneath it, a pod\'s containers too', () => {
    const cmds = engine(compile({ sequence: [{ id: 's', when: false, sequence: [task('x'), { id: 'p', pod: { flow: { sequence: [task('c1'), task('c2')] } } }] }, task('z')] }).root).start();
    expect(marks(cmds)).toEqual({
      's/x': ['skipped', 'not started: step s was skipped (its when was false)'],
      's/p': ['skipped', 'not started: step s was skipped (its when was false)'],
      's/p/c1': ['skipped', 'not started: step s was skipped (its when was false)'],
      's/p/c2': ['skipped', 'not started: step s was skipped (its when was false)'],
    });
  });

  it('after a cancel: what never started is cancelled, with the reason', () => {
    const e = engine(compile({ sequence: [task('a'), task('b'), { id: 'u', sequence: [task('u1')] }] }).root);
    e.start();
    expect(marks(e.apply({ type: 'cancel', reason: 'cancelled by request' }))).toEqual({
      b: ['cancelled', 'not started: cancelled by request'],
      u: ['cancelled', 'not started: cancelled by request'],
      'u/u1': ['cancelled', 'not started: cancelled by request'],
    });
  });

  it('a pod that failed as a macro step (its quarterback lost, say): its containers still pending are marked, only if pending', () => {
    const e = engine(compile({ sequence: [{ id: 'p', pod: { flow: { sequence: [task('c1'), task('c2')] } } }] }).root);
    e.start();
    expect(marks(e.apply(failed('p', 1, 'the quarterback was killed')))).toEqual({ 'p/c1': ['skipped', 'not started: step p failed'], 'p/c2': ['skipped', 'not started: step p failed'] });
  });

  it('a run that succeeds marks nothing, and a fan-out\'s items that never started are not listed', () => {
    const e = engine(compile({ sequence: [{ id: 'fan', fanOut: { over: [1, 2, 3], concurrency: 1, do: task() } }, task('after')] }).root);
    e.start();
    expect(marks(e.apply(failed('fan/0')))).toEqual({ after: ['skipped', 'not started: step fan/0 failed'] });
    const good = engine(compile({ sequence: [task('a'), task('b')] }).root);
    const all = [...good.start(), ...good.apply(ok('a')), ...good.apply(ok('b'))];
    expect(marks(all)).toEqual({});
  });
});
