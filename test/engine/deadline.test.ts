/**
 * A composite's `timeout` is a deadline for the whole node (DESIGN.md section 3; issue 8
 * item 6). The engine has no clock: it asks for a deadline and is told when it passed.
 */
import { describe, expect, it } from 'vitest';
import { compile, task } from '../fixtures/build-flow.ts';
import { compileFlow } from '../../src/plan/compile.ts';
import { validateFlowDocument } from '../../src/flow/flow-document.ts';
import { done, engine, failed, killed, ok, started, statuses } from './drive.ts';

const root = { sequence: [{ id: 'group', timeout: 3, sequence: [task('a'), task('b'), task('c')] }, task('after')] };

describe('composite deadlines', () => {
  it('a composite with a timeout asks for its deadline once, when it starts; its leaves get no timeout of it', () => {
    const cmds = engine(compile(root).root).start();
    expect(cmds.filter((c) => c.type === 'deadline')).toEqual([{ type: 'deadline', step: 'group', seconds: 3, armed: 1 }]);
    expect(cmds.find((c) => c.type === 'start' && c.step === 'group/a')).not.toHaveProperty('timeout');
  });

  it('when it passes: running leaves are killed and cancelled, the rest never starts, the composite fails, nothing after it starts', () => {
    const e = engine(compile(root).root);
    e.start();
    e.apply(ok('group/a'));
    const cmds = e.apply({ type: 'deadline', step: 'group' });
    expect(killed(cmds)).toEqual(['group/b']);
    expect(statuses(cmds)).toEqual(['group/b:cancelled', 'group:failed', 'group/c:skipped', 'after:skipped']);
    expect(cmds.find((c) => c.type === 'status' && c.step === 'group/b')).toMatchObject({ error: 'stopped: step group timed out after 3s' });
    expect(cmds.find((c) => c.type === 'status' && c.step === 'group/c')).toMatchObject({ error: 'not started: step group timed out after 3s' });
    expect(started(cmds)).toEqual([]);
    expect(done(cmds)).toMatchObject({ status: 'failed', error: 'step group timed out after 3s' });
    expect(e.apply(ok('group/b'))).toEqual([]); // the killed leaf's late end changes nothing
  });

  it("the leaves a deadline stopped are the exit handler's failures (Argo tester 3, N15)", () => {
    const reader = { image: 'busybox', command: ['echo', '{{ exit.status }}', { var: 'exit.failures' }] };
    const e = engine(compile({ sequence: [{ id: 'group', timeout: 3, sequence: [task('a'), task('b')], onExit: { task: reader } }] }).root);
    e.start();
    e.apply(ok('group/a'));
    const cmds = e.apply({ type: 'deadline', step: 'group' });
    const exit = cmds.find((c) => c.type === 'start' && c.step === 'group/onExit') as { env: { exit?: { failures: unknown[] } }; task: { command: unknown[] } } | undefined;
    expect(exit, JSON.stringify(cmds)).toBeDefined();
    // The handler's own start carries them, not merely some command of the batch.
    const failures = [{ step: 'group/b', error: 'stopped: step group timed out after 3s' }];
    expect(exit!.env.exit?.failures).toEqual(failures);
    expect(exit!.task.command).toEqual(['echo', 'failed', JSON.stringify(failures)]);
  });

  it('a deadline that comes after the composite finished changes nothing', () => {
    const e = engine(compile(root).root);
    e.start();
    for (const s of ['group/a', 'group/b', 'group/c']) e.apply(ok(s));
    expect(e.apply({ type: 'deadline', step: 'group' })).toEqual([]);
    expect(e.armedTimers()).toEqual([]);
  });

  it('a retry of the run arms a new deadline, numbered; the event of the earlier one ends nothing, its own stops the group again', () => {
    const e = engine(compile(root).root);
    e.start();
    e.apply({ type: 'deadline', step: 'group', armed: 1 });
    const again = e.apply({ type: 'retry' });
    expect(again.filter((c) => c.type === 'deadline')).toEqual([{ type: 'deadline', step: 'group', seconds: 3, armed: 2 }]);
    expect(e.armedTimers()).toEqual([{ type: 'deadline', step: 'group', seconds: 3, armed: 2 }]);
    expect(e.apply({ type: 'deadline', step: 'group', armed: 1 })).toEqual([]);
    const cmds = e.apply({ type: 'deadline', step: 'group', armed: 2 });
    expect(done(cmds)).toMatchObject({ status: 'failed', error: 'step group timed out after 3s' });
  });

  it('a deadline event with no number (a log written before numbers) ends the one armed', () => {
    const e = engine(compile(root).root);
    e.start();
    expect(done(e.apply({ type: 'deadline', step: 'group' }))).toMatchObject({ status: 'failed', error: 'step group timed out after 3s' });
  });

  it('stops whole sub-trees: nested composites are cancelled, a graph\'s running branches killed', () => {
    const e = engine(compile({ id: 'g', timeout: 1, graph: { nodes: { x: { sequence: [task('x1'), task('x2')] }, y: task(), z: task(undefined, { dependsOn: ['y'] }) } } }).root);
    expect(started(e.start())).toEqual(['x/x1', 'y']);
    const cmds = e.apply({ type: 'deadline', step: '' });
    expect(killed(cmds).sort()).toEqual(['x/x1', 'y']);
    expect(statuses(cmds)).toEqual(expect.arrayContaining(['x:cancelled', 'x/x1:cancelled', 'y:cancelled', 'x/x2:skipped', 'z:skipped']));
    expect(done(cmds)?.status).toBe('failed');
  });

  it('a run rebuilt from its log arms the deadlines still open', () => {
    const e = engine(compile(root).root);
    e.start();
    expect(e.armedTimers()).toEqual([{ type: 'deadline', step: 'group', seconds: 3, armed: 1 }]);
  });
});

/** A compiled flow with a run-level `spec.deadline` of `seconds`. */
function withDeadline(root: unknown, seconds: number) {
  return compileFlow(validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'f', version: '1' }, spec: { deadline: seconds, root } }));
}

describe("a flow's spec.deadline (Argo tester 7, R18: a Workflow's activeDeadlineSeconds)", () => {
  const retried = { ...task('work'), timeout: 2, retry: { limit: 3, backoff: { duration: 1 } } };

  it('a leaf root asks for it once, at the start; each attempt keeps its own timeout', () => {
    const cmds = engine(withDeadline(retried, 5).root).start();
    expect(cmds.filter((c) => c.type === 'deadline')).toEqual([{ type: 'deadline', step: 'work', seconds: 5, armed: 1 }]);
    expect(cmds.find((c) => c.type === 'start')).toMatchObject({ step: 'work', timeout: 2 });
  });

  it('when it passes during an attempt: the attempt is killed, the leaf fails as the run timed out, a later attempt never starts', () => {
    const e = engine(withDeadline(retried, 5).root);
    e.start();
    e.apply(failed('work', 1));
    e.apply({ type: 'backoff', step: 'work', attempt: 2 });
    const cmds = e.apply({ type: 'deadline', step: 'work' });
    expect(killed(cmds)).toEqual(['work']);
    expect(done(cmds)).toMatchObject({ status: 'failed', error: 'the run timed out after 5s', reason: 'timeout' });
    expect(e.apply(failed('work', 2))).toEqual([]); // the killed attempt's late end starts no attempt 3
    expect(e.armedTimers()).toEqual([]);
  });

  it('when it passes during a back-off: nothing to kill, the back-off is no longer waited for', () => {
    const e = engine(withDeadline(retried, 5).root);
    e.start();
    expect(e.apply(failed('work', 1)).filter((c) => c.type === 'backoff')).toHaveLength(1);
    const cmds = e.apply({ type: 'deadline', step: 'work' });
    expect(killed(cmds)).toEqual([]);
    expect(done(cmds)).toMatchObject({ status: 'failed', error: 'the run timed out after 5s' });
    expect(started(e.apply({ type: 'backoff', step: 'work', attempt: 2 }))).toEqual([]);
  });

  it("a used unit's deadline under its use node's own timeout (one step id): one timer, the shorter, and it stops the unit", () => {
    const unit = (deadline: number) => validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'u', version: '1' }, spec: { deadline, root: { sequence: [task('a')] } } });
    const run = (timeout: number, deadline: number) => engine(compileFlow(validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'm', version: '1' }, spec: { root: { sequence: [{ id: 'u', use: 'u@1', timeout }] } } }), (ref) => (ref === 'u@1' ? unit(deadline) : undefined)).root);
    const e = run(10, 3);
    expect(e.start().filter((c) => c.type === 'deadline')).toEqual([{ type: 'deadline', step: 'u', seconds: 3, armed: 1 }]);
    expect(e.armedTimers()).toEqual([{ type: 'deadline', step: 'u', seconds: 3, armed: 1 }]);
    const cmds = e.apply({ type: 'deadline', step: 'u' });
    expect(killed(cmds)).toEqual(['u/a']);
    expect(done(cmds)).toMatchObject({ status: 'failed', error: expect.stringContaining('timed out after 3s') });
    expect(run(2, 3).start().filter((c) => c.type === 'deadline')).toEqual([{ type: 'deadline', step: 'u', seconds: 2, armed: 1 }]);
  });

  it('a run rebuilt from its log arms it again; on a composite root the shorter of its timeout and the deadline holds', () => {
    const e = engine(withDeadline(retried, 5).root);
    e.start();
    e.apply(failed('work', 1));
    expect(e.armedTimers()).toEqual([{ type: 'deadline', step: 'work', seconds: 5, armed: 1 }, { type: 'backoff', step: 'work', attempt: 2, seconds: 1 }]);
    const group = (timeout: number) => engine(withDeadline({ timeout, sequence: [task('a')] }, 5).root).start().filter((c) => c.type === 'deadline');
    expect([group(3), group(9)]).toEqual([[{ type: 'deadline', step: '', seconds: 3, armed: 1 }], [{ type: 'deadline', step: '', seconds: 5, armed: 1 }]]);
  });
});
