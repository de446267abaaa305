/** DAG targets: only the named nodes and what they depend on run (a graph's targets, the run option). */
import { describe, expect, it } from 'vitest';
import { selectTargets } from '../../src/plan/targets.ts';
import { compile, task } from '../fixtures/build-flow.ts';
import { dryRun } from '../../src/engine/dry-run.ts';
import { engine, statuses } from '../engine/drive.ts';

const diamond = { a: task(), b: task(undefined, { dependsOn: ['a'] }), c: task(undefined, { dependsOn: ['a'] }), d: task(undefined, { dependsOn: ['b', 'c'] }), e: task() };

describe('DAG targets', () => {
  it('graph.targets runs the targets and their dependencies; the rest ends skipped, saying why', () => {
    const c = compile({ graph: { targets: ['b'], nodes: diamond } });
    expect(dryRun(c.root, {}).order).toEqual([['a'], ['b']]);
    const cmds = engine(c.root).start();
    expect(cmds.find((x) => x.type === 'status' && x.step === 'd')).toMatchObject({ status: 'skipped', error: 'not started: not needed by the targets b' });
    expect(statuses(cmds)).toEqual(expect.arrayContaining(['c:skipped', 'e:skipped']));
  });

  it('the run option takes step ids at any depth, through sequences (later siblings skipped) and units', () => {
    const c = compile({ sequence: [task('prep'), { id: 'g', graph: { nodes: diamond } }, task('after')] });
    const root = selectTargets(c.root, ['g/c', 'g/e'], c.stepIds);
    expect(dryRun(root, {}).order).toEqual([['prep'], ['g/a', 'g/e'], ['g/c']]);
    expect(c.root).toEqual(compile({ sequence: [task('prep'), { id: 'g', graph: { nodes: diamond } }, task('after')] }).root); // not changed in place
  });

  it('a target inside a fan-out item names it with *', () => {
    const c = compile({ sequence: [{ id: 'fan', fanOut: { over: [1, 2], do: { graph: { nodes: { x: task(), y: task() } } } } }, task('z')] });
    expect(dryRun(selectTargets(c.root, ['fan/*/y'], c.stepIds), {}).order).toEqual([['fan/0/y', 'fan/1/y']]);
  });

  it('an unknown target is refused with the nearest id', () => {
    const c = compile({ graph: { nodes: diamond } });
    expect(() => selectTargets(c.root, ['dd'], c.stepIds)).toThrow('target "dd": no step "dd" in the plan (did you mean "d"?)');
  });

  it('graph.targets names nodes of the graph', () => {
    expect(() => compile({ graph: { targets: ['x'], nodes: diamond } })).toThrow('spec.root.graph.targets[0]: no node named "x"');
  });
});
