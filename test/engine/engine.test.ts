import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src/flow/types.ts';
import type { PodNode } from '../../src/plan/plan-node.ts';
import { compile, order, task } from '../fixtures/build-flow.ts';
import { done, engine, failed, killed, ok, startOf, started, statuses, ticks, type Command } from './drive.ts';

describe('when guards', () => {
  const cases: Array<{ name: string; root: unknown; params?: Record<string, JsonValue>; order: string[][] }> = [
    { name: 'a skipped step takes no tick', root: { sequence: [task('a'), task('b', { when: false }), task('c')] }, order: [['a'], ['c']] },
    { name: 'a guard reads the params', root: { sequence: [task('a', { when: { var: 'params.full' } }), task('b')] }, params: { full: false }, order: [['b']] },
    { name: 'a guard that holds runs the step', root: { sequence: [task('a', { when: { var: 'params.full' } }), task('b')] }, params: { full: true }, order: [['a'], ['b']] },
    { name: 'a skipped composite skips all of its inside', root: { sequence: [{ id: 's', when: false, sequence: [task('x'), task('y')] }, task('z')] }, order: [['z']] },
    {
      name: 'a skipped graph node counts as done: its dependents run, in the same tick it would have taken',
      root: { graph: { nodes: { a: task(), b: task(undefined, { when: false, dependsOn: ['a'] }), c: task(undefined, { dependsOn: ['b'] }) } } },
      order: [['a'], ['c']],
    },
    {
      name: 'a guard can read an earlier step\'s result by its id',
      root: { sequence: [task('a'), task('b', { when: { '==': [{ var: 'results.a' }, null] } })] },
      order: [['a'], ['b']],
    },
  ];
  for (const { name, root, params, order: expected } of cases) it(name, () => {
    expect(order(root, params)).toEqual(expected);
  });

  it('a skipped step is reported skipped and never started', () => {
    const cmds = engine(compile({ sequence: [task('a', { when: false }), task('b')] }).root).start();
    expect(started(cmds)).toEqual(['b']);
    expect(statuses(cmds)).toContain('a:skipped');
  });

  it('a guard that fails to evaluate fails its step, naming it', () => {
    // json-logic's missing_some reads .length of its list: given a missing variable it throws.
    const e = engine(compile({ sequence: [task('a', { when: { missing_some: [1, { var: 'params.missing' }] } })] }).root);
    const cmds = e.start();
    expect(started(cmds)).toEqual([]);
    expect(done(cmds)).toMatchObject({ status: 'failed', error: expect.stringContaining('step a failed: a, when: ') });
  });
});

describe('retries', () => {
  it('starts a failed leaf again, `retries` times, each with the next attempt number, then fails', () => {
    const e = engine(compile({ sequence: [task('a', { retries: 2 }), task('b')] }).root);
    const attempts: number[] = [startOf(e.start(), 'a').attempt];
    attempts.push(startOf(e.apply(failed('a', 1)), 'a').attempt);
    attempts.push(startOf(e.apply(failed('a', 2)), 'a').attempt);
    const last = e.apply(failed('a', 3, 'out of memory'));
    expect(attempts).toEqual([1, 2, 3]);
    expect(started(last)).toEqual([]);
    expect(done(last)).toMatchObject({ status: 'failed', error: 'step a failed: out of memory' });
  });

  it('a retry that succeeds lets the flow go on', () => {
    const e = engine(compile({ sequence: [task('a', { retries: 1 }), task('b')] }).root);
    e.start();
    e.apply(failed('a', 1));
    expect(started(e.apply(ok('a', null, 2)))).toEqual(['b']);
  });

  it('a composite\'s retries apply to every leaf inside it', () => {
    const e = engine(compile({ sequence: [{ id: 'fan', retries: 1, fanOut: { over: [1, 2], do: task() } }] }).root);
    e.start();
    expect(startOf(e.apply(failed('fan/1', 1)), 'fan/1').attempt).toBe(2);
  });

  it('an event for an earlier attempt changes nothing', () => {
    const e = engine(compile({ sequence: [task('a', { retries: 1 }), task('b')] }).root);
    e.start();
    e.apply(failed('a', 1));
    expect(e.apply(ok('a', null, 1))).toEqual([]);
    expect(started(e.apply(ok('a', null, 2)))).toEqual(['b']);
  });
});

describe('failure propagation', () => {
  const root = { graph: { nodes: {
    a: task(),
    b: { sequence: [task('b1'), task('b2')] },
    c: task(undefined, { dependsOn: ['a'] }),
    d: task(undefined, { dependsOn: ['c'] }),
  } } };

  it('nothing that depends on a failed step starts; an independent running branch finishes; then the run fails', () => {
    const e = engine(compile(root).root);
    expect(started(e.start())).toEqual(['a', 'b/b1']);
    const afterFail = e.apply(failed('a'));
    expect(started(afterFail)).toEqual([]);
    expect(done(afterFail)).toBeUndefined();
    expect(started(e.apply(ok('b/b1')))).toEqual(['b/b2']);
    const end = e.apply(ok('b/b2'));
    expect(started(end)).toEqual([]);
    expect(done(end)).toMatchObject({ status: 'failed', error: 'step a failed: exit code 1' });
    expect(e.status).toBe('failed');
  });

  it('a failure deep inside fails each enclosing node, and the message names the failed step', () => {
    const e = engine(compile({ sequence: [{ id: 'outer', sequence: [{ id: 'inner', sequence: [task('leaf')] }] }, task('after')] }).root);
    e.start();
    const cmds = e.apply(failed('outer/inner/leaf', 1, 'exit code 2'));
    expect(statuses(cmds)).toEqual(['outer/inner/leaf:failed', 'outer/inner:failed', 'outer:failed', 'after:skipped']);
    expect(done(cmds)?.error).toBe('step outer/inner/leaf failed: exit code 2');
  });
});

describe('cancel', () => {
  it('kills every running leaf, ends the run cancelled, and ignores what comes after', () => {
    const e = engine(compile({ graph: { nodes: { a: task(), b: task(), c: { sequence: [task('c1')] }, d: task(undefined, { dependsOn: ['a'] }) } } }).root);
    e.start();
    e.apply(ok('a'));
    const cmds = e.apply({ type: 'cancel', reason: 'by user' });
    expect(killed(cmds).sort()).toEqual(['b', 'c/c1', 'd']);
    expect(done(cmds)).toMatchObject({ status: 'cancelled', error: 'by user' });
    expect(e.status).toBe('cancelled');
    expect(e.apply(ok('b'))).toEqual([]);
  });
});

describe('events that come late or twice', () => {
  it('a repeated finished event changes nothing', () => {
    const e = engine(compile({ sequence: [task('a'), task('b'), task('c')] }).root);
    e.start();
    expect(started(e.apply(ok('a')))).toEqual(['b']);
    expect(e.apply(ok('a'))).toEqual([]);
  });

  it('an event for an unknown step changes nothing', () => {
    const e = engine(compile({ sequence: [task('a')] }).root);
    e.start();
    expect(e.apply(ok('nope'))).toEqual([]);
  });

  it('the same events give the same commands (a run can be rebuilt by replay)', () => {
    const plan = compile({ graph: { nodes: { a: task(), b: { fanOut: { over: [1, 2], do: task() } }, c: task(undefined, { dependsOn: ['a', 'b'] }) } } }).root;
    const log = [ok('b/1'), ok('a'), ok('b/0'), ok('c')];
    const replay = () => { const e = engine(plan); const out: Command[][] = [e.start()]; for (const ev of log) out.push(e.apply(ev)); return out; };
    expect(replay()).toEqual(replay());
  });
});

describe('pods', () => {
  const root = { graph: { nodes: {
    etl: { pod: { flow: { sequence: [task('extract'), { id: 'fan', fanOut: { over: [1, 2], do: task() } }] } } },
    report: task(undefined, { dependsOn: ['etl'] }),
  } } };

  it('a pod is one leaf at macro level: its id is started, its inside is not (the quarterback runs it)', () => {
    const e = engine(compile(root).root);
    expect(started(e.start())).toEqual(['etl']);
    expect(started(e.apply(ok('etl')))).toEqual(['report']);
  });

  it('the dry run simulates it in place: its containers are the leaves', () => {
    expect(order(root)).toEqual([['etl/extract'], ['etl/fan/0', 'etl/fan/1'], ['report']]);
  });

  it('its start command carries the micro plan and channels', () => {
    const cmd = startOf(engine(compile(root).root).start(), 'etl');
    expect(cmd.kind).toBe('pod');
    expect(cmd.pod).toMatchObject({ name: 'etl', channels: { scratch: 'memory', ipc: [] }, body: { kind: 'sequence', seg: '' } });
  });

  it('the same engine runs the micro plan, with step ids beneath the pod (the flow root adds no segment)', () => {
    const pod = compile(root).root;
    const etl = (pod as Extract<typeof pod, { kind: 'graph' }>).children[0] as PodNode;
    expect(ticks(engine(etl.body, { prefix: 'etl' }))).toEqual([['etl/extract'], ['etl/fan/0', 'etl/fan/1']]);
  });
});

describe('generate', () => {
  const root = { sequence: [{ id: 'g', generate: { image: 'describer' } }, task('after')] };
  const body = { kind: 'sequence' as const, seg: '', children: [{ kind: 'task' as const, seg: 'inner', task: { image: 'x' } }] };

  it('asks for the generated unit with the step\'s Dataset, runs it beneath the step, then goes on', () => {
    const e = engine(compile(root).root);
    e.start();
    const gen = e.apply(ok('g', { kind: 'Dataset' }));
    expect(gen.filter((c) => c.type === 'generate')).toEqual([{ type: 'generate', step: 'g', dataset: { kind: 'Dataset' }, depth: 1, attempt: 1 }]);
    expect(started(e.apply({ type: 'expanded', step: 'g', body }))).toEqual(['g/inner']);
    expect(started(e.apply(ok('g/inner')))).toEqual(['after']);
  });

  it('a step run again after a retry of the run is answered for its new attempt, never with the earlier attempt\'s unit (tester 15)', () => {
    const other = { kind: 'sequence' as const, seg: '', children: [{ kind: 'task' as const, seg: 'other', task: { image: 'x' } }] };
    const e = engine(compile(root).root);
    e.start();
    // Attempt 1 output a Dataset; its unit was asked for, then the run was cancelled before the answer came.
    expect(e.apply(ok('g', { n: 1 })).filter((c) => c.type === 'generate')).toMatchObject([{ attempt: 1 }]);
    e.apply({ type: 'cancel' });
    e.apply({ type: 'retry' });
    expect(e.apply(ok('g', { n: 2 }, 2)).filter((c) => c.type === 'generate')).toEqual([{ type: 'generate', step: 'g', dataset: { n: 2 }, depth: 1, attempt: 2 }]);
    // Attempt 1's answer, late: not attempt 2's unit.
    expect(started(e.apply({ type: 'expanded', step: 'g', attempt: 1, body: other }))).toEqual([]);
    expect(started(e.apply({ type: 'expanded', step: 'g', attempt: 2, body }))).toEqual(['g/inner']);
  });

  it('a repeated finished event does not expand the step again', () => {
    const e = engine(compile(root).root);
    e.start();
    e.apply(ok('g', {}));
    e.apply({ type: 'expanded', step: 'g', body });
    expect(e.apply(ok('g', {}))).toEqual([]);
  });

  it('reports the step once: the generated unit shares its id without a second running/succeeded', () => {
    const e = engine(compile(root).root);
    const cmds = [...e.start(), ...e.apply(ok('g', {})), ...e.apply({ type: 'expanded', step: 'g', body }), ...e.apply(ok('g/inner'))];
    expect(statuses(cmds).filter((s) => s.startsWith('g:'))).toEqual(['g:running', 'g:succeeded']);
  });

  it('a failed expansion fails the step', () => {
    const e = engine(compile(root).root);
    e.start();
    e.apply(ok('g', {}));
    expect(done(e.apply({ type: 'expandFailed', step: 'g', error: 'no rule matched' }))).toMatchObject({ status: 'failed', error: 'step g failed: no rule matched' });
  });
});

describe('limits at run time', () => {
  it('fails a run that would make more steps than allowed, with the reason', async () => {
    const { RunEngine } = await import('../../src/engine/engine.ts');
    const { compileFlow } = await import('../../src/plan/compile.ts');
    const { validateFlowDocument } = await import('../../src/flow/flow-document.ts');
    const xs = Array.from({ length: 30 }, (_, i) => i);
    const doc = validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'b', version: '1' }, spec: { params: { xs }, root: { fanOut: { over: { var: 'params.xs' }, do: { fanOut: { over: { var: 'params.xs' }, as: 'inner', do: { task: { image: 'x' } } } } } } } });
    const engine = new RunEngine(compileFlow(doc).root, { params: { xs }, maxSteps: 100 });
    let commands = engine.start();
    let done;
    while (!(done = commands.find((c) => c.type === 'done'))) {
      const starts = commands.filter((c) => c.type === 'start') as Array<{ step: string; attempt: number }>;
      expect(starts.length).toBeGreaterThan(0);
      commands = engine.apply(starts.map((c) => ({ type: 'finished' as const, step: c.step, attempt: c.attempt, ok: true })));
    }
    expect(done).toMatchObject({ type: 'done', status: 'failed' });
    expect((done as { error: string }).error).toContain('more than 100 steps');
  });
});
