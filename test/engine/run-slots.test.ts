/** A flow's spec.parallelism: steps running at once across nesting, fan-outs and units (src/engine/run-slots.ts). */
import { describe, expect, it } from 'vitest';
import { validateFlowDocument } from '../../src/flow/flow-document.ts';
import type { FlowDocument } from '../../src/flow/types.ts';
import { compileFlow } from '../../src/plan/compile.ts';
import { dryRun } from '../../src/engine/dry-run.ts';
import { registry, task } from '../fixtures/build-flow.ts';
import { done, engine, failed, ok, started, statuses, type Command } from './drive.ts';

function doc(root: unknown, parallelism?: number, name = 'test'): FlowDocument {
  return validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name, version: '1' }, spec: { root, ...(parallelism !== undefined ? { parallelism } : {}) } });
}

/** A DAG of two tasks, each a fan-out of three items (Argo tester's 23-wf-parallelism shape). */
const twoLoops = { graph: { nodes: { x: { fanOut: { over: [1, 2, 3], do: task() } }, y: { fanOut: { over: [1, 2, 3], do: task() } } } } };

/** Drive a run to its end, each tick finishing the oldest running leaf; the most that ran at once and the start order. */
function drive(d: FlowDocument, resolve = registry()): { most: number; order: string[]; end: Command | undefined } {
  const c = compileFlow(d, resolve);
  const e = engine(c.root, { params: c.params });
  const running: string[] = [];
  const order: string[] = [];
  let cmds = e.start();
  let most = 0;
  for (let guard = 0; guard < 1000; guard++) {
    for (const s of started(cmds)) running.push(s);
    order.push(...started(cmds));
    most = Math.max(most, running.length);
    const end = done(cmds);
    if (end || running.length === 0) return { most, order, end };
    cmds = e.apply(ok(running.shift()!));
  }
  throw new Error('did not end');
}

describe('spec.parallelism', () => {
  it('without it, the DAG\'s two loops run all six items at once', () => {
    expect(drive(doc(twoLoops)).most).toBe(6);
  });

  it('limits the steps running at once across the whole run, nested fan-outs included, starting waiting steps in declared order', () => {
    const r = drive(doc(twoLoops, 2));
    expect(r.most).toBe(2);
    expect(r.order).toEqual(['x/0', 'x/1', 'x/2', 'y/0', 'y/1', 'y/2']);
    expect(r.end).toMatchObject({ status: 'succeeded' });
  });

  it('counts the steps of a used unit, and a unit\'s own limit holds inside it too (the smaller wins)', () => {
    const lib = doc({ fanOut: { over: [1, 2, 3, 4], do: task() } }, 1, 'lib');
    const resolve = registry(lib);
    const root = { graph: { nodes: { u: { use: 'lib@1' }, v: { fanOut: { over: [1, 2, 3], do: task() } } } } };
    expect(drive(doc(root, 3), resolve).most).toBe(3);
    // The unit's 4 items never overlap each other (its limit 1), whatever the run allows.
    const c = compileFlow(doc(root, 3), resolve);
    const e = engine(c.root, { params: c.params });
    const first = started(e.start());
    expect(first.filter((s) => s.startsWith('u/'))).toEqual(['u/0']);
    expect(first).toEqual(['u/0', 'v/0', 'v/1']);
  });

  it('a pod counts as one step; a generate step gives its slot back when its program ends', () => {
    const r = drive(doc({ sequence: [{ id: 'p', pod: { flow: { fanOut: { over: [1, 2, 3], do: task() } } } }, { fanOut: { over: [1, 2], do: task() } }] }, 1));
    expect(r.order).toEqual(['p', '1/0', '1/1']);
    expect(r.most).toBe(1);
  });

  it('a cancel ends the waiting steps too, starting none of them', () => {
    const c = compileFlow(doc(twoLoops, 2), registry());
    const e = engine(c.root, { params: c.params });
    expect(started(e.start())).toEqual(['x/0', 'x/1']);
    const cmds = e.apply({ type: 'cancel', reason: 'cancelled by user' });
    expect(started(cmds)).toEqual([]);
    expect(done(cmds)).toMatchObject({ status: 'cancelled' });
    expect(statuses(cmds)).toEqual(expect.arrayContaining(['x/0:cancelled', 'x/2:cancelled', 'y/0:cancelled']));
  });

  it('a failure holds its slot through retries and frees it at the end', () => {
    const c = compileFlow(doc({ fanOut: { over: [1, 2], do: task(undefined, { retries: 1 }) } }, 1), registry());
    const e = engine(c.root, { params: c.params });
    expect(started(e.start())).toEqual(['0']);
    expect(started(e.apply(failed('0', 1)))).toEqual(['0']);
    expect(started(e.apply(ok('0', null, 2)))).toEqual(['1']);
  });

  it('the dry run shows the limit: never more than two steps in a tick', () => {
    const c = compileFlow(doc(twoLoops, 2), registry());
    const run = dryRun(c.root, c.params);
    expect(run.order).toEqual([['x/0', 'x/1'], ['x/2', 'y/0'], ['y/1', 'y/2']]);
  });

  it('is refused unless a whole number from 1', () => {
    for (const bad of [0, -1, 1.5, '2']) {
      expect(() => doc(twoLoops, bad as number)).toThrow(/spec\.parallelism: must be a whole number from 1/);
    }
  });
});
