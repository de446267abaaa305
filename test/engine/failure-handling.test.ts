/** continueOn, failFast: false, conditions on outcomes, exit handlers: events in, commands out. */
import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/engine/types.ts';
import { compile, task } from '../fixtures/build-flow.ts';
import { done, engine, failed, ok, startOf, started, statuses } from './drive.ts';

const exitFail = (step: string, code = 1) => ({ type: 'finished' as const, step, attempt: 1, ok: false, error: `exited with code ${code}`, exitCode: code });
const errorOf = (cmds: Command[], step: string) => cmds.find((c) => c.type === 'status' && c.step === step && c.status !== 'running') as { status: string; error?: string } | undefined;

describe('continueOn', () => {
  it('a failed step the sequence goes on after: it stays failed, the sequence succeeds', () => {
    const e = engine(compile({ sequence: [task('a', { continueOn: { failed: true } }), task('b')] }).root);
    e.start();
    const cmds = e.apply(exitFail('a'));
    expect(statuses(cmds)).toContain('a:failed');
    expect(started(cmds)).toEqual(['b']);
    expect(done(e.apply(ok('b', 7)))).toMatchObject({ status: 'succeeded', result: 7 });
  });

  it('failed covers a non-zero exit, error a failure without an exit code', () => {
    const onlyFailed = engine(compile({ sequence: [task('a', { continueOn: { failed: true } }), task('b')] }).root);
    onlyFailed.start();
    expect(done(onlyFailed.apply(failed('a', 1, 'lost')))).toMatchObject({ status: 'failed' });
    const onlyError = engine(compile({ sequence: [task('a', { continueOn: { error: true } }), task('b')] }).root);
    onlyError.start();
    expect(started(onlyError.apply(failed('a', 1, 'lost')))).toEqual(['b']);
  });

  it('a fan-out item that continues counts as done; its result is null', () => {
    const e = engine(compile({ fanOut: { over: [1, 2], do: task(undefined, { continueOn: { failed: true } }) } }).root);
    e.start();
    e.apply(exitFail('0'));
    expect(done(e.apply(ok('1', 'two')))).toMatchObject({ status: 'succeeded', result: [null, 'two'] });
  });
});

describe('failFast: false', () => {
  const graph = (failFast?: boolean) => compile({ graph: { ...(failFast === undefined ? {} : { failFast }), nodes: { a: task(), b: task(undefined, { dependsOn: ['a'] }), c: task(), d: task(undefined, { dependsOn: ['c'] }) } } }).root;

  it('by default a failure stops the graph: nothing more starts', () => {
    const e = engine(graph());
    e.start();
    e.apply(failed('a'));
    const cmds = e.apply(ok('c'));
    expect(started(cmds)).toEqual([]);
    expect(done(cmds)).toMatchObject({ status: 'failed' });
    expect(statuses(cmds)).toEqual(expect.arrayContaining(['d:skipped', 'b:skipped']));
  });

  it('independent branches go on; the failed node\'s dependents are skipped; the graph fails at the end', () => {
    const e = engine(graph(false));
    e.start();
    const afterA = e.apply(failed('a'));
    expect(errorOf(afterA, 'b')).toMatchObject({ status: 'skipped', error: 'not started: step b failed'.replace('step b', 'step a') });
    expect(started(e.apply(ok('c')))).toEqual(['d']);
    expect(done(e.apply(ok('d')))).toMatchObject({ status: 'failed', error: 'step a failed: exit code 1' });
  });

  it('a fan-out runs its remaining items after one fails', () => {
    const e = engine(compile({ fanOut: { over: [1, 2, 3], concurrency: 1, failFast: false, do: task() } }).root);
    e.start();
    expect(started(e.apply(failed('0')))).toEqual(['1']);
    expect(started(e.apply(ok('1')))).toEqual(['2']);
    expect(done(e.apply(ok('2')))).toMatchObject({ status: 'failed' });
  });
});

describe('conditions on outcomes', () => {
  it('a node that runs on a failure handles it: the graph goes on and succeeds', () => {
    const e = engine(compile({ graph: { nodes: { a: task(), onfail: task(undefined, { dependsOn: [{ node: 'a', on: 'failed' }] }), onok: task(undefined, { dependsOn: ['a'] }) } } }).root);
    e.start();
    const cmds = e.apply(exitFail('a'));
    expect(started(cmds)).toEqual(['onfail']);
    expect(errorOf(cmds, 'onok')).toMatchObject({ status: 'skipped', error: 'not started: step a failed' });
    expect(done(e.apply(ok('onfail')))).toMatchObject({ status: 'succeeded' });
  });

  it('a condition handles only the kind of failure it names: one on errored leaves a non-zero exit unhandled, and the graph fails', () => {
    // Argo tester 2, fault 1: `continueOn: {error: true}` then a step; the step exits 1 and the run succeeded.
    const root = compile({ graph: { nodes: { bad: task(), after: task(undefined, { dependsOn: [{ node: 'bad', on: ['succeeded', 'errored'] }] }) } } }).root;
    const e = engine(root);
    e.start();
    const cmds = e.apply(exitFail('bad'));
    expect(errorOf(cmds, 'after')).toMatchObject({ status: 'skipped' });
    expect(done(cmds)).toMatchObject({ status: 'failed', error: 'step bad failed: exited with code 1' });
    // The same condition handles a failure without an exit code: after runs, the graph succeeds.
    const e2 = engine(root);
    e2.start();
    expect(started(e2.apply(failed('bad', 1, 'lost')))).toEqual(['after']);
    expect(done(e2.apply(ok('after')))).toMatchObject({ status: 'succeeded' });
    // And one on failed leaves an errored step unhandled.
    const e3 = engine(compile({ graph: { nodes: { bad: task(), after: task(undefined, { depends: 'bad.Failed' }) } } }).root);
    e3.start();
    expect(done(e3.apply(failed('bad', 1, 'lost')))).toMatchObject({ status: 'failed' });
  });

  it('a condition that does not hold omits the node, and a plain dependent of it too', () => {
    const e = engine(compile({ graph: { nodes: { a: task(), cleanup: task(undefined, { depends: 'a.Failed' }), after: task(undefined, { dependsOn: ['cleanup'] }) } } }).root);
    e.start();
    const cmds = e.apply(ok('a'));
    expect(errorOf(cmds, 'cleanup')).toMatchObject({ status: 'skipped', error: 'not started: its condition on a does not hold (a succeeded)' });
    expect(errorOf(cmds, 'after')).toMatchObject({ status: 'skipped', error: 'not started: step cleanup did not run' });
    expect(done(cmds)).toMatchObject({ status: 'succeeded' });
  });

  it('Argo\'s depends expression over several siblings', () => {
    const root = compile({ graph: { nodes: { a: task(), b: task(), c: task(undefined, { when: false }), d: task(undefined, { depends: 'a && (b.Failed || c.Skipped)' }) } } }).root;
    const e = engine(root);
    e.start();
    e.apply(ok('a'));
    expect(started(e.apply(ok('b')))).toEqual(['d']);
    const e2 = engine(root);
    e2.start();
    e2.apply(failed('a'));
    const cmds = e2.apply(ok('b'));
    expect(errorOf(cmds, 'd')).toMatchObject({ status: 'skipped' });
  });

  it('any runs after whatever happened; errored and completed tell failures apart', () => {
    const root = compile({ graph: { nodes: { a: task(), x: task(undefined, { dependsOn: [{ node: 'a', on: 'errored' }] }), y: task(undefined, { dependsOn: [{ node: 'a', on: ['completed'] }] }), z: task(undefined, { dependsOn: [{ node: 'a', on: 'any' }] }) } } }).root;
    const e = engine(root);
    e.start();
    expect(started(e.apply(failed('a', 1, 'lost')))).toEqual(['x', 'y', 'z']);
    const e2 = engine(root);
    e2.start();
    expect(started(e2.apply(exitFail('a')))).toEqual(['y', 'z']);
  });

  it('AnySucceeded and AllFailed read a fan-out\'s items', () => {
    const root = compile({ graph: { nodes: { fan: { fanOut: { over: [1, 2], failFast: false, do: task() } }, some: task(undefined, { depends: 'fan.AnySucceeded' }), none: task(undefined, { depends: 'fan.AllFailed' }) } } }).root;
    const e = engine(root);
    e.start();
    e.apply(failed('fan/0'));
    const cmds = e.apply(ok('fan/1'));
    expect(started(cmds)).toEqual(['some']);
    expect(errorOf(cmds, 'none')).toMatchObject({ status: 'skipped' });
  });
});

describe('exit handlers', () => {
  it('runs after the node, whatever its outcome, reading it as exit; the node ends after it', () => {
    const e = engine(compile({ sequence: [task('a'), task('b')], onExit: { id: 'h', task: { image: 'x', args: ['{{ exit.status }}', '{{ exit.failures }}', '{{ exit.duration }}'] } } } as never).root);
    e.start(1_000);
    e.apply(ok('a'));
    const cmds = e.apply({ ...exitFail('b', 3), at: 3_500 });
    expect(done(cmds)).toBeUndefined();
    expect(startOf(cmds, 'onExit').task!.args).toEqual(['failed', '[{"step":"b","error":"exited with code 3","exitCode":3}]', '2.5']);
    expect(startOf(cmds, 'onExit').env.exit).toEqual({ status: 'failed', duration: 2.5, failures: [{ step: 'b', error: 'exited with code 3', exitCode: 3 }] });
    expect(done(e.apply(ok('onExit')))).toMatchObject({ status: 'failed', error: 'step b failed: exited with code 3' });
  });

  it('a node that succeeded keeps its status and result when its handler fails; its parent fails for it (Argo tester 3, N3)', () => {
    const e = engine(compile({ sequence: [task('a', { onExit: task('h') }), task('b')] }).root);
    e.start();
    expect(started(e.apply(ok('a', 'a-out')))).toEqual(['a/onExit']);
    const cmds = e.apply(failed('a/onExit'));
    expect(errorOf(cmds, 'a/onExit')).toMatchObject({ status: 'failed', error: 'exit code 1' });
    expect(errorOf(cmds, 'a')).toMatchObject({ status: 'succeeded', result: 'a-out' });
    expect(started(cmds)).toEqual([]);
    expect(done(cmds)).toMatchObject({ status: 'failed', error: 'exit handler failed: step a/onExit failed: exit code 1' });
  });

  it('the run\'s root task keeps its status and result when the run\'s handler fails; the run fails with the handler\'s error', () => {
    const e = engine(compile({ ...task('main'), onExit: task('bye') }).root);
    e.start();
    expect(started(e.apply(ok('main', 'main-ok')))).toEqual(['main/onExit']);
    const cmds = e.apply(failed('main/onExit'));
    expect(errorOf(cmds, 'main')).toMatchObject({ status: 'succeeded', result: 'main-ok' });
    expect(errorOf(cmds, 'main')).not.toHaveProperty('error');
    expect(done(cmds)).toMatchObject({ status: 'failed', error: 'exit handler failed: step main/onExit failed: exit code 1' });
  });

  it('a graph node whose handler failed is a failure to its siblings\' conditions; continueOn covers it', () => {
    const g = (extra: object) => compile({ graph: { nodes: { a: { task: { image: 'x' }, onExit: task('h'), ...extra }, onfail: { task: { image: 'x' }, depends: 'a.Failed' }, onok: { task: { image: 'x' }, depends: 'a.Succeeded' } } } }).root;
    const e = engine(g({}));
    e.start();
    e.apply(ok('a', 1));
    expect(started(e.apply(failed('a/onExit')))).toEqual(['onfail']);
    const c = engine(g({ continueOn: { failed: true } }));
    c.start();
    c.apply(ok('a', 1));
    expect(started(c.apply(failed('a/onExit')))).toEqual(['onfail']);
    expect(done(c.apply(ok('onfail')))).toMatchObject({ status: 'succeeded' });
  });

  it('is not run for a node skipped by its when: it ends skipped too', () => {
    const e = engine(compile({ sequence: [task('a', { when: false, onExit: task('h') }), task('b')] }).root);
    const cmds = e.start();
    expect(statuses(cmds)).toEqual(expect.arrayContaining(['a:skipped', 'a/onExit:skipped']));
    expect(started(cmds)).toEqual(['b']);
  });
});
