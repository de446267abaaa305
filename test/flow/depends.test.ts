import { describe, expect, it } from 'vitest';
import { conditionNodes, handledFailures, parseDepends } from '../../src/flow/depends.ts';
import { compile } from '../fixtures/build-flow.ts';

const NODES = new Set(['a', 'b', 'c', 'build-v1.2']);

describe('depends expressions', () => {
  it('reads Argo\'s grammar: && binds tighter than ||, ! and parentheses', () => {
    expect(parseDepends('a && (b.Failed || c.Skipped)', NODES)).toEqual({
      op: 'and',
      args: [{ op: 'is', node: 'a', outcomes: ['bare'] }, { op: 'or', args: [{ op: 'is', node: 'b', outcomes: ['failed'] }, { op: 'is', node: 'c', outcomes: ['skipped'] }] }],
    });
    expect(parseDepends('a || b && !c.succeeded', NODES)).toEqual({
      op: 'or',
      args: [{ op: 'is', node: 'a', outcomes: ['bare'] }, { op: 'and', args: [{ op: 'is', node: 'b', outcomes: ['bare'] }, { op: 'not', arg: { op: 'is', node: 'c', outcomes: ['succeeded'] } }] }],
    });
  });

  it('reads a node name with dots whole, and its outcome after it', () => {
    expect(parseDepends('build-v1.2.Failed', NODES)).toEqual({ op: 'is', node: 'build-v1.2', outcomes: ['failed'] });
    expect(parseDepends('build-v1.2', NODES)).toEqual({ op: 'is', node: 'build-v1.2', outcomes: ['bare'] });
    expect(parseDepends('a.AnySucceeded || b.AllFailed || c.Errored || a.Omitted || b.Completed || c.Any', NODES)).toMatchObject({ op: 'or' });
  });

  it.each([
    ['a &&', 'a node name expected at character 5 (the end)'],
    ['a & b', 'unexpected "&" at character 3'],
    ['(a || b', '")" expected at character 8 (the end)'],
    ['a b', '"&&", "||" or the end expected at character 3 ("b")'],
    ['x.Failed', 'no node named "x"'],
    ['a.Broken', '"Broken" is not an outcome'],
    ['a.Daemoned', '"Daemoned" is not an outcome'],
  ])('refuses %s', (text, message) => expect(() => parseDepends(text, NODES)).toThrow(message));

  it('names the nodes read and the failures handled', () => {
    const c = parseDepends('a && (b.Failed || c.Skipped) && !a.Errored', NODES);
    expect(conditionNodes(c)).toEqual(['a', 'b', 'c']);
    expect(handledFailures(c)).toEqual([['b', ['failed']], ['a', ['errored']]]);
    expect(handledFailures(parseDepends('a.Completed || b.Errored || c.Any', NODES))).toEqual([['a', ['failed', 'errored']], ['b', ['errored']], ['c', ['failed', 'errored']]]);
  });

  it('a flow with bad depends is refused with the place and a hint', () => {
    expect(() => compile({ graph: { nodes: { build: { task: { image: 'x' } }, b: { depends: 'biuld.Failed', task: { image: 'x' } } } } })).toThrow('spec.root.graph.nodes.b.depends: no node named "biuld" at character 1 ("biuld.Failed") (did you mean "build"?)');
    expect(() => compile({ graph: { nodes: { a: { depends: 'b', task: { image: 'x' } }, b: { depends: 'a.Failed', task: { image: 'x' } } } } })).toThrow('dependency cycle');
    expect(() => compile({ graph: { nodes: { a: { task: { image: 'x' } }, b: { depends: 'a', dependsOn: ['a'], task: { image: 'x' } } } } })).toThrow('spec.root.graph.nodes.b.depends: give dependsOn or depends, not both');
    expect(() => compile({ graph: { nodes: { a: { task: { image: 'x' } }, b: { dependsOn: [{ node: 'a', on: 'broke' }], task: { image: 'x' } } } } })).toThrow('spec.root.graph.nodes.b.dependsOn[0].on: must be one of succeeded, failed, errored, skipped, completed, any, or a list of them');
  });
});
