import { describe, expect, it } from 'vitest';
import { compile, flow, order, registry, task } from '../fixtures/build-flow.ts';
import { done, engine, ok, startOf, started, statuses } from './drive.ts';

const lib = flow(
  { sequence: [task('prep', { when: { '==': [{ var: 'params.mode' }, 'full'] } }), task('norm')] },
  { name: 'lib', params: { mode: 'fast' } },
);
const single = flow(task(), { name: 'single' });
const resolve = registry(lib, single);

describe('fanIn: a join over a sibling\'s results', () => {
  const cases: Array<{ name: string; root: unknown; order: string[][] }> = [
    {
      name: 'runs after the fan-out in a sequence, as one step under its own id',
      root: { sequence: [{ id: 'fan', fanOut: { over: [1, 2], do: task() } }, { id: 'join', fanIn: { from: 'fan', do: task() } }] },
      order: [['fan/0', 'fan/1'], ['join']],
    },
    {
      name: 'a composite do goes beneath the fanIn id',
      root: { sequence: [{ id: 'fan', fanOut: { over: [1], do: task() } }, { id: 'join', fanIn: { from: 'fan', do: { sequence: [task('sum'), task('report')] } } }] },
      order: [['fan/0'], ['join/sum'], ['join/report']],
    },
    {
      name: 'in a graph it waits for what it joins without a dependsOn',
      root: { graph: { nodes: { join: { fanIn: { from: 'fan', do: task() } }, fan: { fanOut: { over: [1, 2, 3], do: task() } } } } },
      order: [['fan/0', 'fan/1', 'fan/2'], ['join']],
    },
  ];
  for (const { name, root, order: expected } of cases) it(name, () => {
    expect(order(root)).toEqual(expected);
  });

  it('gives its step the fan-out\'s results, in item order, as data.results', () => {
    const e = engine(compile({ sequence: [{ id: 'fan', fanOut: { over: ['a', 'b'], do: task() } }, { id: 'join', fanIn: { from: 'fan', do: task() } }] }).root);
    e.start();
    e.apply(ok('fan/1', { n: 2 }));
    const cmds = e.apply(ok('fan/0', { n: 1 }));
    expect(startOf(cmds, 'join').data.results).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('reports its step once, not once for the wrapper and once for the body', () => {
    const e = engine(compile({ sequence: [{ id: 'fan', fanOut: { over: [1], do: task() } }, { id: 'join', fanIn: { from: 'fan', do: task() } }] }).root);
    e.start();
    const cmds = [...e.apply(ok('fan/0')), ...e.apply(ok('join'))];
    expect(statuses(cmds).filter((s) => s.startsWith('join:'))).toEqual(['join:running', 'join:succeeded']);
  });
});

describe('use: a registered flow as one unit', () => {
  const cases: Array<{ name: string; root: unknown; order: string[][] }> = [
    { name: 'its steps go beneath the use node\'s id', root: { sequence: [{ id: 'u', use: 'lib@1', with: { mode: 'full' } }] }, order: [['u/prep'], ['u/norm']] },
    { name: 'its params default to the unit\'s own (here prep is skipped)', root: { sequence: [{ id: 'u', use: 'lib@1' }] }, order: [['u/norm']] },
    { name: 'with values are json-logic over the caller\'s params', root: { sequence: [{ id: 'u', use: 'lib@1', with: { mode: { var: 'params.how' } } }] }, order: [['u/prep'], ['u/norm']] },
    { name: 'a unit whose root is a leaf names it main', root: { sequence: [{ id: 'w', use: 'single@1' }] }, order: [['w/main']] },
    { name: 'the same flow used twice gets two sets of ids', root: { graph: { nodes: { x: { use: 'lib@1' }, y: { use: 'lib@1' } } } }, order: [['x/norm', 'y/norm']] },
  ];
  for (const { name, root, order: expected } of cases) it(name, () => {
    expect(order(root, { how: 'full' }, resolve)).toEqual(expected);
  });

  it('its steps see the unit\'s params and the unit id; refs without ./ start at the unit root', () => {
    const withInputs = flow({ sequence: [task('a'), { id: 'b', task: { image: 'x', inputs: { data: 'a:out.json' } } }] }, { name: 'io', params: { k: 1 } });
    const e = engine(compile({ sequence: [{ id: 'u', use: 'io@1', with: { k: 2 } }] }, {}, registry(withInputs)).root);
    const first = e.start();
    expect(startOf(first, 'u/a').env).toEqual({ params: { k: 2 }, unit: 'u' });
    expect(startOf(e.apply(ok('u/a')), 'u/b').inputs).toEqual({ data: { step: 'u/a', output: 'out.json' } });
  });

  it('ends with the unit\'s result', () => {
    const e = engine(compile({ sequence: [{ id: 'u', use: 'lib@1' }] }, {}, resolve).root);
    expect(started(e.start())).toEqual(['u/norm']);
    expect(done(e.apply(ok('u/norm', 'normalised')))).toMatchObject({ status: 'succeeded', result: 'normalised' });
  });
});

describe('use parameters', () => {
  it('evaluates expressions in `with` and keeps literal objects as they are', async () => {
    const { RunEngine } = await import('../../src/engine/engine.ts');
    const { compileFlow } = await import('../../src/plan/compile.ts');
    const { validateFlowDocument } = await import('../../src/flow/flow-document.ts');
    const unit = validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'u', version: '1' }, spec: { params: { keep: 'me', cfg: null, n: null }, root: { sequence: [{ id: 't', task: { image: 'x' } }] } } });
    const top = validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'top', version: '1' }, spec: { root: { sequence: [{ id: 'u', use: 'u@1', with: { cfg: { mode: 'fast', depth: 2 }, n: { '+': [1, 2] } } }] } } });
    const engine = new RunEngine(compileFlow(top, (ref) => (ref === 'u@1' ? unit : undefined)).root);
    const start = engine.start().find((c) => c.type === 'start') as { env: { params: Record<string, unknown> } };
    expect(start.env.params).toEqual({ keep: 'me', cfg: { mode: 'fast', depth: 2 }, n: 3 });
  });

  it('refuses an unknown operator inside an expression in `with` when the flow is validated', async () => {
    const { validateFlowDocument } = await import('../../src/flow/flow-document.ts');
    expect(() => validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'top', version: '1' }, spec: { root: { use: 'u@1', with: { n: { '+': [{ nope: 1 }, 2] } } } } })).toThrow(/spec.root.with.n.\+\[0\]: unknown json-logic operator "nope"/);
  });
});
