/** References known not to resolve are refused at compile time; those that may resolve pass (issue 8 item 2). */
import { describe, expect, it } from 'vitest';
import { compile, flow, registry, task } from '../fixtures/build-flow.ts';

function problems(root: unknown, resolve?: Parameters<typeof compile>[2]): string[] {
  try {
    compile(root, undefined, resolve);
    return [];
  } catch (e) {
    return (e as Error).message.split('\n');
  }
}

const inputs = (id: string, refs: Record<string, string>) => ({ id, task: { image: 'x', inputs: refs } });

describe('references that resolve pass', () => {
  const cases: Array<{ name: string; root: unknown }> = [
    { name: 'a guard on an earlier step', root: { sequence: [task('a'), task('b', { when: { var: 'results.a.ok' } })] } },
    { name: 'a guard on a later step (it reads null until then; it exists)', root: { sequence: [task('a', { when: { var: 'results.b' } }), task('b')] } },
    { name: 'a fan-out item by its index', root: { sequence: [{ id: 'fan', fanOut: { over: [1, 2], do: task() } }, task('b', { when: { var: 'results.fan/1' } })] } },
    { name: 'a round by its number', root: { sequence: [{ id: 'ring', cycle: { rounds: 2, ring: [task('x')] } }, task('b', { when: { result: 'ring/x#1' } })] } },
    { name: 'an id with dots through result', root: { sequence: [task('v1.2'), task('b', { when: { result: ['v1.2', 'a.b'] } })] } },
    { name: 'a sibling inside a fan-out item, relatively', root: { fanOut: { over: [1], do: { sequence: [task('load'), inputs('save', { rows: './load:rows.json' })] } } } },
    { name: 'anything beneath a generate step', root: { sequence: [{ id: 'g', generate: { image: 'x' } }, inputs('b', { rows: 'g/whatever:rows' })] } },
    { name: 'a var inside map reads the element, not results', root: { sequence: [task('a', { when: { some: [[1], { var: 'results.nothing' }] } })] } },
    { name: 'a relative input above the flow\'s root (a flow that will use this one has it; checked there)', root: { sequence: [inputs('publish', { total: '../tree/world:out' })] } },
    { name: 'a pod\'s outputs and result, from outside it (its flow\'s root shares its id)', root: { graph: { nodes: { pod: { pod: { flow: { sequence: [task('a')] } } }, end: { dependsOn: ['pod'], when: { var: 'results.pod' }, task: { image: 'x', inputs: { p: 'pod:out' } } } } } } },
    { name: 'a container\'s declared output from outside its pod', root: { sequence: [{ id: 'p', pod: { flow: task('c') } }, inputs('b', { rows: 'p/c:rows' })] } },
  ];
  for (const c of cases) it(c.name, () => expect(problems(c.root)).toEqual([]));
});

describe('references that cannot resolve are refused, with the path and the nearest name', () => {
  it('an input naming a composite: it writes no outputs', () => {
    expect(problems({ sequence: [{ id: 's', sequence: [task('x')] }, inputs('b', { rows: 's:rows' })] })).toEqual(['spec.root.sequence[1].task.inputs.rows: input "s": step "s" is a sequence, which writes no outputs; name the step inside it that writes the file']);
  });

  it('inside a used flow, result reads the unit\'s own steps; results, keyed by full ids, says so', () => {
    const lib = flow({ sequence: [task('dedupe'), task('check', { when: { result: 'dedupe' } })] }, { name: 'lib' });
    expect(problems({ sequence: [{ id: 'orders', use: 'lib@1' }] }, registry(lib))).toEqual([]);
    const bad = flow({ sequence: [task('dedupe'), task('check', { when: { var: 'results.dedupe' } })] }, { name: 'lib' });
    expect(problems({ sequence: [{ id: 'orders', use: 'lib@1' }] }, registry(bad))).toEqual([
      'spec.root.sequence[0].use(lib@1).spec.root.sequence[1].when: results.dedupe: no step "dedupe"; results is keyed by the run\'s full step ids, and {"result": "dedupe"} reads a step of this unit',
    ]);
  });

  it('the same input, once the flow is used by one that lacks the step, is checked there', () => {
    const lib = flow({ sequence: [inputs('publish', { total: '../tree/world:out' })] }, { name: 'lib' });
    expect(problems({ sequence: [{ id: 'tree', sequence: [task('world')] }, { id: 'report', use: 'lib@1' }] }, registry(lib))).toEqual([]);
    expect(problems({ sequence: [{ id: 'tree', sequence: [task('wrld')] }, { id: 'report', use: 'lib@1' }] }, registry(lib))).toEqual(['spec.root.sequence[1].use(lib@1).spec.root.sequence[0].task.inputs.total: input "../tree/world": no step "tree/world" (did you mean "tree/wrld"?)']);
  });

  it('a relative input past the item\'s siblings', () => {
    expect(problems({ fanOut: { over: [1], do: { sequence: [task('load'), inputs('save', { rows: './laod:rows.json' })] } } })).toEqual(['spec.root.fanOut.do.sequence[1].task.inputs.rows: input "./laod": no step "*/laod" (did you mean "*/load"?)']);
  });

  it('fanOut.over, cycle.until and use.with are checked too', () => {
    const lib = flow(task('x'), { name: 'lib' });
    const lines = problems({ sequence: [task('a'), { id: 'f', fanOut: { over: { var: 'results.b' }, do: task() } }, { id: 'c', cycle: { ring: [task('m')], until: { result: 'zz' } } }, { id: 'u', use: 'lib@1', with: { k: { var: 'results.q' } } }] }, registry(lib));
    expect(lines).toEqual([
      'spec.root.sequence[1].fanOut.over: results.b: no step "b" (did you mean "a"?)',
      'spec.root.sequence[2].cycle.until: {"result": "zz"}: no step "zz"',
      'spec.root.sequence[3].with.k: results.q: no step "q" (did you mean "a"?)',
    ]);
  });
});
