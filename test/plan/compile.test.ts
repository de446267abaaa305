import { describe, expect, it } from 'vitest';
import { isStrataError, type StrataError } from '../../src/errors/strata-error.ts';
import { DEFAULT_LIMITS } from '../../src/flow/limits.ts';
import { compileFlow } from '../../src/plan/compile.ts';
import { compile, flow, registry, task } from '../fixtures/build-flow.ts';

function errorOf(fn: () => unknown): StrataError {
  try {
    fn();
  } catch (e) {
    if (isStrataError(e)) return e;
    throw e;
  }
  throw new Error('nothing thrown');
}

const lib = flow({ sequence: [task('prep'), task('norm')] }, { name: 'lib' });
const single = flow(task(), { name: 'single' });

describe('step ids', () => {
  const cases: Array<{ name: string; root: unknown; ids: string[] }> = [
    { name: 'the root adds no segment, even with an id', root: { id: 'top', sequence: [task('a'), task()] }, ids: ['a', '1'] },
    { name: 'a node without an id is named by its index in its parent\'s list', root: { sequence: [task(), { sequence: [task(), task('x')] }] }, ids: ['0', '1', '1/0', '1/x'] },
    { name: 'a graph node is named by its key', root: { graph: { nodes: { load: task(), save: task(undefined, { dependsOn: ['load'] }) } } }, ids: ['load', 'save'] },
    { name: 'a pod\'s flow root adds no segment: container extract of pod etl is etl/extract', root: { sequence: [{ id: 'etl', pod: { flow: { sequence: [task('extract'), task('load')] } } }] }, ids: ['etl', 'etl/extract', 'etl/load'] },
    { name: 'a pod whose flow is one task names it by its id, or main', root: { sequence: [{ id: 'p', pod: { flow: task() } }, { id: 'q', pod: { flow: task('only') } }] }, ids: ['p', 'p/main', 'q', 'q/only'] },
    { name: 'a fan-out\'s item template is fan/*, and what do contains goes beneath it', root: { sequence: [{ id: 'fan', fanOut: { over: [1], do: { sequence: [task('load')] } } }] }, ids: ['fan', 'fan/*', 'fan/*/load'] },
    { name: 'a ring member x is ring/x#*; unnamed members by index', root: { sequence: [{ id: 'ring', cycle: { ring: [task(), task('score')], rounds: 2 } }] }, ids: ['ring', 'ring/0#*', 'ring/score#*'] },
    { name: 'a use unit\'s inside goes beneath the use node\'s id', root: { sequence: [{ id: 'u', use: 'lib@1' }, { id: 'w', use: 'single@1' }] }, ids: ['u', 'u/prep', 'u/norm', 'w', 'w/main'] },
    { name: 'a fanIn\'s do shares its id; a composite do goes beneath it', root: { sequence: [{ id: 'fan', fanOut: { over: [1], do: task() } }, { id: 'j', fanIn: { from: 'fan', do: task() } }, { id: 'k', fanIn: { from: 'fan', do: { sequence: [task('sum')] } } }] }, ids: ['fan', 'fan/*', 'j', 'k', 'k/sum'] },
    { name: 'templates nest: a ring inside a fan-out item', root: { sequence: [{ id: 'fan', fanOut: { over: [1], do: { sequence: [{ id: 'ring', cycle: { ring: [task('p')], rounds: 1 } }] } } }] }, ids: ['fan', 'fan/*', 'fan/*/ring', 'fan/*/ring/p#*'] },
    { name: 'a flow whose root is a single task names it main', root: task(), ids: ['main'] },
  ];
  for (const { name, root, ids } of cases) {
    it(name, () => {
      expect(compile(root, {}, registry(lib, single)).stepIds).toEqual(ids);
    });
  }

  it('the same flow always yields the same plan', () => {
    const root = { graph: { nodes: { etl: { pod: { flow: { sequence: [task('x')] } } }, u: { use: 'lib@1', dependsOn: ['etl'] }, r: { cycle: { ring: [task()], rounds: 2 } } } } };
    expect(compile(root, {}, registry(lib))).toEqual(compile(root, {}, registry(lib)));
  });

  it('a fan-in in a graph is made to depend on what it joins', () => {
    const c = compile({ graph: { nodes: { join: { fanIn: { from: 'fan', do: task() } }, fan: { fanOut: { over: [1], do: task() } } } } });
    expect(c.root).toMatchObject({ kind: 'graph', children: [{ seg: 'join', deps: ['fan'] }, { seg: 'fan' }] });
  });

  it('a use unit carries its own default params and the caller\'s with', () => {
    const withDefaults = flow({ sequence: [task('a')] }, { name: 'd', params: { k: 1, m: 2 } });
    const c = compile({ sequence: [{ id: 'u', use: 'd@1', with: { k: 5 } }] }, {}, registry(withDefaults));
    expect(c.root).toMatchObject({ children: [{ kind: 'use', ref: 'd@1', params: { k: 1, m: 2 }, with: { k: 5 } }] });
  });
});

describe('compile errors', () => {
  const a = flow({ sequence: [task('first'), { id: 'sub', use: 'b@2' }] }, { name: 'a', version: '1' });
  const b = flow({ graph: { nodes: { inner: { use: 'a@1' } } } }, { name: 'b', version: '2' });
  const self = flow({ sequence: [{ id: 'again', use: 'me@1' }] }, { name: 'me' });

  it('a use cycle is rejected with its path named: a@1 -> b@2 -> a@1', () => {
    const e = errorOf(() => compileFlow(a, registry(a, b)));
    expect(e.code).toBe('cycle');
    expect(e.message).toBe('spec.root.sequence[1].use(b@2).spec.root.graph.nodes.inner.use: use cycle a@1 -> b@2 -> a@1: a unit that uses itself needs a when on the way (on this use node or a node around it in the unit), or it never ends');
  });

  it('a flow that uses itself is a cycle of one', () => {
    expect(errorOf(() => compileFlow(self, registry(self))).message).toBe('spec.root.sequence[0].use: use cycle me@1 -> me@1: a unit that uses itself needs a when on the way (on this use node or a node around it in the unit), or it never ends');
  });

  it('a use of a flow that is not registered names the reference and where it is', () => {
    const e = errorOf(() => compile({ sequence: [task('a'), { id: 'u', use: 'gone@3' }] }));
    expect(e).toMatchObject({ code: 'not_found', message: 'spec.root.sequence[1].use: no registered flow "gone@3"' });
  });

  it('units nested deeper than the limit are rejected with the chain', () => {
    const chain = [1, 2, 3].map((i) => flow({ sequence: [{ id: 'next', use: `c${i + 1}@1` }] }, { name: `c${i}` }));
    const last = flow(task(), { name: 'c4' });
    const e = errorOf(() => compileFlow(flow({ sequence: [{ id: 'go', use: 'c1@1' }] }), registry(...chain, last), { ...DEFAULT_LIMITS, maxUnitDepth: 2 }));
    expect(e.message).toContain('units nested more than 2 deep (test@1 -> c1@1 -> c2@1 -> c3@1), the limit (STRATA_MAX_UNIT_DEPTH)');
  });

  it('a used flow that holds a pod cannot be used inside a pod', () => {
    const podded = flow({ sequence: [{ id: 'inner', pod: { flow: task() } }] }, { name: 'podded' });
    const e = errorOf(() => compile({ sequence: [{ id: 'outer', pod: { flow: { sequence: [{ id: 'u', use: 'podded@1' }] } } }] }, {}, registry(podded)));
    expect(e.message).toContain('spec.root.sequence[0].pod.flow.sequence[0].use(podded@1).spec.root.sequence[0].pod: a pod cannot hold another pod (inside spec.root.sequence[0])');
  });

  it('a plan larger than the step limit (units multiply steps) is refused', () => {
    const big = flow({ sequence: [task(), task(), task(), task()] }, { name: 'big' });
    const e = errorOf(() => compileFlow(flow({ graph: { nodes: { x: { use: 'big@1' }, y: { use: 'big@1' } } } }), registry(big), { ...DEFAULT_LIMITS, maxSteps: 8 }));
    expect(e).toMatchObject({ code: 'limit_exceeded', message: 'the plan has 10 steps, more than the limit of 8 (STRATA_MAX_RUN_STEPS)' });
  });
});
