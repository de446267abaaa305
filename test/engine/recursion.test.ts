/** A unit that uses itself, behind a when: expanded as it starts, up to a depth limit naming the chain. */
import { describe, expect, it } from 'vitest';
import { compileFlow } from '../../src/plan/compile.ts';
import { dryRun } from '../../src/engine/dry-run.ts';
import { flow, registry, task } from '../fixtures/build-flow.ts';
import { done, engine, ok, started } from './drive.ts';

const countdown = (guard: unknown = { '>': [{ var: 'params.n' }, 0] }) => flow({
  sequence: [task('say'), { id: 'rec', when: guard, use: 'countdown@1', with: { n: { '-': [{ var: 'params.n' }, 1] } } }],
}, { name: 'countdown', params: { n: 3 } });

describe('recursion', () => {
  it('a unit that uses itself without a when on the way is still refused, saying what to add', () => {
    const loop = flow({ sequence: [task('a'), { id: 'rec', use: 'loop@1' }] }, { name: 'loop' });
    expect(() => compileFlow(loop, registry(loop))).toThrow('spec.root.sequence[1].use: use cycle loop@1 -> loop@1: a unit that uses itself needs a when on the way');
  });

  it('runs as deep as its guard lets it, each level beneath the last', () => {
    const c = compileFlow(countdown(), registry(countdown()));
    expect(dryRun(c.root, { n: 3 }).order).toEqual([['say'], ['rec/say'], ['rec/rec/say'], ['rec/rec/rec/say']]);
  });

  it('a used flow that uses itself, inside another', () => {
    const outer = flow({ sequence: [task('first'), { id: 'cd', use: 'countdown@1', with: { n: 1 } }] });
    const c = compileFlow(outer, registry(countdown()));
    expect(dryRun(c.root, {}).order).toEqual([['first'], ['cd/say'], ['cd/rec/say']]);
  });

  it('past 100 open copies of the unit the node fails, naming the chain', () => {
    const c = compileFlow(countdown(true), registry(countdown(true)));
    const e = engine(c.root, { params: { n: 1 } });
    let cmds = e.start();
    for (let i = 0; i < 200 && !done(cmds); i++) cmds = e.apply(started(cmds).map((s) => ok(s)));
    const d = done(cmds)!;
    expect(d.status).toBe('failed');
    expect(d.error).toContain('recursion deeper than 100 units: countdown@1 -> countdown@1 -> countdown@1 -> … -> countdown@1 (101 units)');
  });

  it('a dry run does not expand a recursion whose guard rests on step results, and says so', () => {
    const f = countdown({ '!=': [{ result: 'say' }, 'stop'] });
    const r = dryRun(compileFlow(f, registry(f)).root, { n: 3 });
    expect(r.order).toEqual([['say']]);
    expect(r.notes?.join('\n')).toContain('uses countdown@1 again behind a guard that depends on step results');
  });
});

describe('a skipped unit', () => {
  it('a use node whose when is false ends skipped itself (its body never starts to say so)', () => {
    const lib = flow(task('x'), { name: 'lib' });
    const c = compileFlow(flow({ sequence: [{ id: 'u', when: false, use: 'lib@1' }, task('after')] }), registry(lib));
    const cmds = engine(c.root).start();
    expect(cmds.filter((x) => x.type === 'status' && x.step.startsWith('u')).map((x) => `${(x as { step: string }).step}:${(x as { status: string }).status}`)).toEqual(['u:skipped', 'u/x:skipped']);
  });
});
