/**
 * A failed step's outputs (Argo tester 3, N14): the result and output parameters its last
 * attempt gave are its own, read by continueOn and `.Failed` dependents; what it never gave,
 * and what a skipped step has, fail the reader naming the step, never the text `null`.
 */
import { describe, expect, it } from 'vitest';
import type { Command, StatusCommand } from '../../src/engine/types.ts';
import type { JsonValue } from '../../src/flow/types.ts';
import { compile, task } from '../fixtures/build-flow.ts';
import { done, engine, ok, startOf, started } from './drive.ts';

const failWith = (step: string, extra: { result?: JsonValue; parameters?: Record<string, JsonValue> } = {}, attempt = 1) =>
  ({ type: 'finished' as const, step, attempt, ok: false, error: 'exited with code 1', exitCode: 1, ...extra });
const statusOf = (cmds: Command[], step: string) => cmds.find((c): c is StatusCommand => c.type === 'status' && c.step === step && c.status !== 'running');
const reader = (args: unknown[]) => task('report', { task: { image: 'x', args } });
const checkTask = (extra: object = {}) => ({ id: 'check', task: { image: 'x', outputs: { parameters: { reason: { path: 'reason' } } } }, ...extra });

describe('a failed step keeps the outputs its program gave', () => {
  const flowOf = (args: unknown[]) => compile({ sequence: [checkTask({ continueOn: { failed: true } }), reader(args)] }).root;

  it('continueOn: the next step reads its result and output parameter, by reference and by json-logic', () => {
    const e = engine(flowOf(['{{ steps.check.result }}', '{{ steps.check.outputs.parameters.reason }}', { cat: ['[', { text: { result: 'check' } }, '] [', { text: { output: ['check', 'reason'] } }, ']'] }]));
    e.start();
    const cmds = e.apply(failWith('check', { result: 'checked 3 items', parameters: { reason: 'disk full' } }));
    expect(statusOf(cmds, 'check')).toMatchObject({ status: 'failed', result: 'checked 3 items', parameters: { reason: 'disk full' }, exitCode: 1 });
    expect(startOf(cmds, 'report').task!.args).toEqual(['checked 3 items', 'disk full', '[checked 3 items] [disk full]']);
    expect(done(e.apply(ok('report')))).toMatchObject({ status: 'succeeded' });
  });

  it('a graph node on `check.Failed` reads its result', () => {
    const e = engine(compile({ graph: { nodes: { check: task(), why: { task: { image: 'x', args: ['check said [{{ steps.check.result }}]'] }, depends: 'check.Failed' } } } }).root);
    e.start();
    const cmds = e.apply(failWith('check', { result: 'quota exceeded' }));
    expect(startOf(cmds, 'why').task!.args).toEqual(['check said [quota exceeded]']);
  });

  it('only the last attempt\'s outputs count: an earlier attempt\'s are not read', () => {
    const e = engine(compile({ sequence: [task('check', { continueOn: { failed: true }, retries: 1 }), reader(['{{ steps.check.result }}'])] }).root);
    e.start();
    expect(started(e.apply(failWith('check', { result: 'first' })))).toEqual(['check']);
    const cmds = e.apply(failWith('check', { result: 'second' }, 2));
    expect(startOf(cmds, 'report').task!.args).toEqual(['second']);
  });

  it('a result or parameter a failed step never gave fails the reader, naming the step and why', () => {
    for (const arg of ['{{ steps.check.result }}', '{{ steps.check.outputs.parameters.reason }}', { text: { result: 'check' } }, { text: { output: ['check', 'reason'] } }]) {
      const e = engine(flowOf([arg]));
      e.start();
      const cmds = e.apply(failWith('check'));
      expect(started(cmds)).toEqual([]);
      const error = statusOf(cmds, 'report')?.error ?? '';
      expect(error).toMatch(/step check failed and gave no (result|output parameter "reason")/);
      expect(error).not.toMatch(/\bnull\b/);
    }
  });

  it('a skipped step has no outputs: reading them fails the reader, saying it was skipped', () => {
    for (const arg of ['{{ steps.check.result }}', { text: { result: 'check' } }]) {
      const e = engine(compile({ graph: { nodes: { check: { task: { image: 'x' }, when: false }, report: { task: { image: 'x', args: ['A said', arg] }, depends: 'check.Skipped' } } } }).root);
      const cmds = e.start();
      expect(statusOf(cmds, 'report')).toMatchObject({ status: 'failed' });
      expect(statusOf(cmds, 'report')!.error).toMatch(/step check was skipped and has no result/);
    }
  });

  it('a guard still reads null for a skipped step (it can test for absence)', () => {
    const e = engine(compile({ sequence: [task('check', { when: false }), task('report', { when: { '==': [{ result: 'check' }, null] } })] }).root);
    expect(started(e.start())).toEqual(['report']);
  });
});
