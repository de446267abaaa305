/** Templates resolved when a step starts, for each attempt, from what json-logic reads there. */
import { describe, expect, it } from 'vitest';
import { placeInputs } from '../../src/engine/input-placeholder.ts';
import { compile } from '../fixtures/build-flow.ts';
import { done, engine, failed, ok, startOf, statuses } from './drive.ts';

const t = (id: string, task: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ id, task: { image: 'busybox', ...task }, ...extra });

describe('substitution', () => {
  it('fills image, command, args, env and workingDir, each argv element on its own', () => {
    const e = engine(compile({
      sequence: [
        t('split', {}),
        { id: 'fan', fanOut: { over: [{ name: 'a b; rm -rf /', n: 2 }], as: 'part', do: t('w', {
          image: 'reg/{{ params.tool }}:{{ params.v }}',
          command: ['convert', '{{ part.name }}'],
          args: ['--n={{ part.n }}', '{{ part }}', '{{ steps.split.result.count }}', '{{ steps["split"].status }}', '{{ attempt }}', '{{ params.flags }}'],
          env: { WHO: '{{ params.who }}' },
          workingDir: '/data/{{ params.tool }}',
        }) } },
      ],
    }, { tool: 'conv', v: 1.5, who: 'x', flags: [1, true] } as never).root, { params: { tool: 'conv', v: 1.5, who: 'x', flags: [1, true] } });
    e.start();
    const task = startOf(e.apply(ok('split', { count: 3 })), 'fan/0').task!;
    expect(task).toEqual({
      image: 'reg/conv:1.5',
      command: ['convert', 'a b; rm -rf /'],
      args: ['--n=2', '{"name":"a b; rm -rf /","n":2}', '3', 'succeeded', '1', '[1,true]'],
      env: { WHO: 'x' },
      workingDir: '/data/conv',
    });
  });

  it('resolves again for every attempt', () => {
    const e = engine(compile(t('a', { args: ['try-{{ attempt }}'] }, { retries: 2 })).root);
    expect(startOf(e.start(), 'a').task!.args).toEqual(['try-1']);
    expect(startOf(e.apply(failed('a', 1)), 'a').task!.args).toEqual(['try-2']);
  });

  it('a computed value is json-logic written as text', () => {
    const e = engine(compile({ fanOut: { over: [4], do: t('a', { image: { cat: ['img:', { var: 'item' }] }, args: [{ '+': [{ var: 'item' }, { var: 'attempt' }] }] }) } }).root);
    expect(startOf(e.start(), '0').task).toMatchObject({ image: 'img:4', args: ['5'] });
  });

  it('a reference to a result a step never gave fails the step, saying which and why', () => {
    const e = engine(compile({ graph: { nodes: { a: t('a', {}, { when: false }), b: t('b', { args: ['{{ steps.a.result }}'] }, { dependsOn: ['a'] }) } } }).root);
    const cmds = e.start();
    expect(statuses(cmds)).toContain('b:failed');
    expect(cmds.find((c) => c.type === 'status' && c.step === 'b' && c.status === 'failed')).toMatchObject({ error: 'args[0]: {{ steps.a.result }}: step a was skipped and has no result' });
    expect(done(cmds)).toMatchObject({ status: 'failed' });
  });

  it('a value that is null, or holds a NUL character, fails the step', () => {
    const nul = engine(compile(t('a', { env: { X: '{{ params.x }}' } }), { x: 'a\u0000b' } as never).root, { params: { x: 'a\u0000b' } });
    expect(done(nul.start())).toMatchObject({ status: 'failed', error: 'env.X: {{ params.x }} holds a NUL character, which no argument or environment value can carry' });
    const missing = engine(compile(t('a', { args: ['{{ params.x.y }}'] }), { x: {} } as never).root, { params: { x: {} } });
    expect(done(missing.start())).toMatchObject({ status: 'failed', error: 'args[0]: {{ params.x.y }} is null' });
  });

  it('a field too big for one argument or environment variable (MAX_ARG_STRLEN) fails the step naming it; one byte less passes', () => {
    const start = (task: Record<string, unknown>, x: string) => engine(compile(t('a', task), { x } as never).root, { params: { x } }).start();
    const run = (task: Record<string, unknown>, x: string) => done(start(task, x));
    expect(startOf(start({ args: ['{{ params.x }}'] }, 'y'.repeat(131_071)), 'a').task!.args![0]).toHaveLength(131_071);
    expect(run({ args: ['{{ params.x }}!'] }, 'y'.repeat(131_071))).toMatchObject({ status: 'failed', error: expect.stringMatching(/^args\[0\] is 131,072 bytes once substituted, more than the 131,071 a single argument/) });
    // An environment variable is `NAME=value`; é is two bytes.
    expect(startOf(start({ env: { V: '{{ params.x }}' } }, 'é'.repeat(65_534)), 'a').task!.env!.V).toHaveLength(65_534);
    expect(run({ env: { V: '{{ params.x }}' } }, 'é'.repeat(65_535))).toMatchObject({ status: 'failed', error: expect.stringMatching(/^env\.V \(V=value\) is 131,072 bytes/) });
  });

  it('an input reference is a placeholder the runtime fills with the input\'s path', () => {
    const e = engine(compile({ sequence: [t('a', {}), t('b', { args: ['--in={{ inputs.rows }}'], inputs: { rows: 'a:rows.json' } })] }).root);
    e.start();
    const task = startOf(e.apply(ok('a')), 'b').task!;
    expect(task.args![0]).not.toBe('--in=/x/rows');
    expect(placeInputs(task, (n) => `/x/${n}`, { id: 'r1', step: 'b', pod: 'p' }).args).toEqual(['--in=/x/rows']);
  });

  it('run.id, run.step and run.pod are placeholders the runtime fills; other run fields are refused when planned', () => {
    const e = engine(compile(t('a', { args: ['{{ run.id }}/{{ run.step }}', '{{run.pod}}'], env: { W: 'in {{ run.id }}' } })).root);
    const task = startOf(e.start(), 'a').task!;
    const placed = placeInputs(task, (n) => n, { id: 'r1', step: 'a', pod: 'strata-r1-a' });
    expect([placed.args, placed.env]).toEqual([['r1/a', 'strata-r1-a'], { W: 'in r1' }]);
    expect(() => compile(t('a', { args: ['{{ run.name }}'] }))).toThrow(/write run.id, run.step or run.pod/);
  });

  it('a dry run lists starts without resolving or building their task', () => {
    const e = engine(compile(t('a', { args: ['{{ params.x }}'] }), { x: null } as never).root, { dryRun: true, quietStatus: true });
    const start = startOf(e.start(), 'a');
    expect([start.step, start.attempt, start.task]).toEqual(['a', 1, undefined]);
  });
});
