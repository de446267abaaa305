/** The `retry` event: a failed or cancelled run goes on, succeeded leaves kept, the rest on a new attempt. */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/types.ts';
import { compile, task } from '../fixtures/build-flow.ts';
import { done, engine, failed, ok, startOf, started, statuses } from './drive.ts';

const RETRY: EngineEvent = { type: 'retry' };

describe('retry', () => {
  it('a sequence goes on from its failed step; steps before it do not start again', () => {
    const e = engine(compile({ sequence: [task('a'), task('b'), task('c')] }).root);
    e.start();
    e.apply(ok('a', { n: 1 }));
    expect(done(e.apply(failed('b')))).toMatchObject({ status: 'failed' });
    const cmds = e.apply(RETRY);
    expect(started(cmds)).toEqual(['b']);
    expect(startOf(cmds, 'b').attempt).toBe(2);
    expect(statuses(cmds)).not.toContain('a:running');
    expect(started(e.apply(ok('b', null, 2)))).toEqual(['c']);
    expect(done(e.apply(ok('c')))).toMatchObject({ status: 'succeeded' });
  });

  it('a graph keeps its succeeded branches and runs the failed node and what depends on it', () => {
    const e = engine(compile({ graph: { nodes: { a: task(), b: task(undefined, { dependsOn: ['a'] }), x: task(), y: task(undefined, { dependsOn: ['x', 'b'] }) } } }).root);
    expect(started(e.start())).toEqual(['a', 'x']);
    e.apply(ok('a'));
    e.apply(ok('x'));
    expect(done(e.apply(failed('b')))).toMatchObject({ status: 'failed' });
    const cmds = e.apply(RETRY);
    expect(started(cmds)).toEqual(['b']);
    expect(started(e.apply(ok('b', null, 2)))).toEqual(['y']);
  });

  it('a retried step reads a kept step as succeeded: its result, parameters and status (Argo tester 3, N20)', () => {
    const reader = { image: 'busybox', command: ['echo', '{{ steps.a.result }}', '{{ steps.a.status }}'] };
    const e = engine(compile({ graph: { nodes: { a: task(), b: { task: reader, dependsOn: ['a'], when: { '==': [{ status: 'a' }, 'succeeded'] } } } } }).root);
    e.start();
    e.apply(ok('a', 'a-out'));
    expect(done(e.apply(failed('b')))).toMatchObject({ status: 'failed' });
    const cmds = e.apply(RETRY);
    expect(done(cmds)).toBeUndefined();
    expect(startOf(cmds, 'b').task?.command).toEqual(['echo', 'a-out', 'succeeded']);
  });

  it('fan-out items that succeeded keep their results for the fan-in', () => {
    const e = engine(compile({ sequence: [{ id: 'fan', fanOut: { over: [1, 2, 3], do: task('w') } }, { id: 'sum', fanIn: { from: 'fan', do: task('r') } }] }).root);
    e.start();
    e.apply(ok('fan/0', 10));
    e.apply(failed('fan/1'));
    expect(done(e.apply(ok('fan/2', 30)))).toMatchObject({ status: 'failed' });
    const cmds = e.apply(RETRY);
    expect(started(cmds)).toEqual(['fan/1']);
    const next = e.apply(ok('fan/1', 20, 2));
    expect(startOf(next, 'sum').data.results).toEqual([10, 20, 30]);
  });

  it('a composite kept whole says nothing: its record stays its own (a tester saw attempts 3 and the retry\'s end on it)', () => {
    const e = engine(compile({ sequence: [{ id: 'fan', fanOut: { over: [1, 2], do: task('w') } }, { id: 'sum', fanIn: { from: 'fan', do: task('r') } }, task('b')] }).root);
    e.start();
    e.apply(ok('fan/0', 10));
    e.apply(ok('fan/1', 20));
    e.apply(ok('sum', 30));
    expect(done(e.apply(failed('b')))).toMatchObject({ status: 'failed' });
    const cmds = e.apply(RETRY);
    expect(started(cmds)).toEqual(['b']);
    expect(statuses(cmds)).toEqual(['b:running']);
    expect(done(e.apply(ok('b', null, 2)))).toMatchObject({ status: 'succeeded' });
  });

  it('a composite that succeeded says it runs again, before its steps, once one beneath it runs again', () => {
    const inner = { id: 'grp', sequence: [task('a'), { ...task('c'), continueOn: { failed: true, error: true } }] };
    const e = engine(compile({ sequence: [inner, task('b')] }).root);
    e.start();
    e.apply(ok('grp/a'));
    e.apply(failed('grp/c'));
    expect(done(e.apply(failed('b')))).toMatchObject({ status: 'failed' });
    const cmds = e.apply(RETRY);
    expect(started(cmds)).toEqual(['grp/c']);
    expect(statuses(cmds)).toEqual(['grp:running', 'grp/c:running']);
    expect(statuses(e.apply(ok('grp/c', null, 2)))).toEqual(['grp/c:succeeded', 'grp:succeeded', 'b:running']);
  });

  it('a cancelled run can be retried; a succeeded or running run ignores retry', () => {
    const e = engine(compile({ sequence: [task('a'), task('b')] }).root);
    e.start();
    expect(e.apply(RETRY)).toEqual([]);
    e.apply(ok('a'));
    e.apply({ type: 'cancel' });
    expect(e.status).toBe('cancelled');
    expect(started(e.apply(RETRY))).toEqual(['b']);
    expect(done(e.apply(ok('b', null, 2)))).toMatchObject({ status: 'succeeded' });
    expect(e.apply(RETRY)).toEqual([]);
  });

  it('a late completion of the old attempt changes nothing after a retry', () => {
    const e = engine(compile({ sequence: [task('a')] }).root);
    e.start();
    e.apply(failed('a'));
    e.apply(RETRY);
    expect(e.apply(ok('a', null, 1))).toEqual([]);
    expect(e.status).toBe('running');
  });

  it('start records carry the image, fan-out items their value, finished leaves their exit code', () => {
    const e = engine(compile({ fanOut: { over: ['x'], do: task('w') } }).root);
    const cmds = e.start();
    expect(cmds).toContainEqual(expect.objectContaining({ type: 'status', step: '0', status: 'running', item: 'x', image: expect.any(String) }));
    const end = e.apply({ type: 'finished', step: '0', attempt: 1, ok: false, error: 'exited with code 3', exitCode: 3 });
    expect(end).toContainEqual(expect.objectContaining({ type: 'status', step: '0', status: 'failed', exitCode: 3 }));
  });
});
