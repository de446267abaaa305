/** Every micro pattern, run by the quarterback with real container processes. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FlowNode, Traversal } from '../../src/flow/types.ts';
import type { QuarterbackMessage } from '../../runtime/quarterback/protocol.ts';
import { program, resultsOf, runPod, TempDirs } from './harness.ts';

const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

/** Step ids in the order they started. */
function started(messages: QuarterbackMessage[]): string[] {
  return messages.filter((m) => m.type === 'step' && m.status === 'running' && m.attempt === 1).map((m) => (m as { step: string }).step);
}

const tree = (traversal: Traversal): FlowNode => ({
  graph: {
    traversal,
    nodes: {
      a: { task: program('report.mjs') },
      b: { dependsOn: ['a'], task: program('report.mjs') },
      c: { dependsOn: ['a'], task: program('report.mjs') },
      d: { dependsOn: ['b'], task: program('report.mjs') },
    },
  },
});

describe('quarterback patterns', () => {
  it('runs a sequence one container after another; the pod result is the last one', async () => {
    const run = await runPod(await dirs.make(), { sequence: [{ id: 'a', task: program('report.mjs') }, { id: 'b', task: program('report.mjs') }, { id: 'c', task: program('report.mjs') }] });
    expect(run.done).toMatchObject({ ok: true, status: 'succeeded', result: { step: 'p/c' } });
    expect(started(run.messages)).toEqual(['p/a', 'p/b', 'p/c']);
    // Each one starts only after the one before has succeeded.
    const order = run.messages.filter((m) => m.type === 'step').map((m) => `${(m as { step: string }).step}:${(m as { status: string }).status}`);
    expect(order.indexOf('p/a:succeeded')).toBeLessThan(order.indexOf('p/b:running'));
    expect(order.indexOf('p/b:succeeded')).toBeLessThan(order.indexOf('p/c:running'));
  });

  it.each<{ traversal: Traversal; order: string[] }>([
    { traversal: 'dfs', order: ['p/a', 'p/b', 'p/d', 'p/c'] },
    { traversal: 'bfs', order: ['p/a', 'p/b', 'p/c', 'p/d'] },
  ])('walks a graph $traversal, one container at a time', async ({ traversal, order }) => {
    const run = await runPod(await dirs.make(), tree(traversal));
    expect(run.done.ok).toBe(true);
    expect(started(run.messages)).toEqual(order);
    expect(run.done.result).toMatchObject({ a: { step: 'p/a' }, d: { step: 'p/d' } });
  });

  it('runs a dependency graph with every ready container at once', async () => {
    const run = await runPod(await dirs.make(), tree('dependency'));
    expect(run.done.ok).toBe(true);
    const steps = run.messages.filter((m) => m.type === 'step').map((m) => `${(m as { step: string }).step}:${(m as { status: string }).status}`);
    // b and c are both started before either finishes.
    expect(steps.indexOf('p/c:running')).toBeLessThan(steps.indexOf('p/b:succeeded'));
    expect(steps.indexOf('p/b:running')).toBeLessThan(steps.indexOf('p/c:succeeded'));
    expect(steps.indexOf('p/b:succeeded')).toBeLessThan(steps.indexOf('p/d:running'));
  });

  it('fans out one container per item with STRATA_ITEM, and fans their results in', async () => {
    const run = await runPod(await dirs.make(), {
      sequence: [
        { id: 'fan', fanOut: { over: [{ n: 1 }, { n: 2 }, { n: 3 }], concurrency: 2, do: { task: program('item-double.mjs') } } },
        { id: 'join', fanIn: { from: 'fan', do: { task: program('sum-results.mjs') } } },
      ],
    });
    expect(run.done).toMatchObject({ ok: true, result: { sum: 12, count: 3 } });
    expect(resultsOf(run, ['p/fan/0', 'p/fan/1', 'p/fan/2'])).toEqual([{ n: 2 }, { n: 4 }, { n: 6 }]);
    expect(run.last['p/fan'].result).toEqual([{ n: 2 }, { n: 4 }, { n: 6 }]);
  });

  // The cycle is the pod flow's root, which adds no segment to step ids: members are p/x#r.
  it('cycles containers round after round, each round fed the previous output, with STRATA_ROUND', async () => {
    const run = await runPod(await dirs.make(), {
      id: 'ring', cycle: { ring: [{ id: 'x', task: program('accumulate.mjs') }, { id: 'y', task: program('accumulate.mjs') }], rounds: 3 },
    });
    expect(run.done).toMatchObject({ ok: true, result: { total: 6, round: 2 } });
    expect(started(run.messages)).toEqual(['p/x#0', 'p/y#0', 'p/x#1', 'p/y#1', 'p/x#2', 'p/y#2']);
    expect(resultsOf(run, ['p/x#0', 'p/y#0', 'p/x#1'])).toEqual([
      { total: 1, round: 0, window: null },
      { total: 2, round: 0, window: null },
      { total: 3, round: 1, window: null },
    ]);
  });

  it('ends a cycle when until holds over the last output', async () => {
    const run = await runPod(await dirs.make(), {
      id: 'ring', cycle: { ring: [{ id: 'x', task: program('accumulate.mjs') }], until: { '>=': [{ var: 'last.total' }, 4] } },
    });
    expect(run.done).toMatchObject({ ok: true, result: { total: 4, round: 3 } });
  });

  it('reads a file:// source of JSON lines window by window until it is drained', async () => {
    const root = await dirs.make();
    const source = join(root, 'numbers.jsonl');
    await writeFile(source, [1, 2, 3, 4, 5].map((n) => JSON.stringify({ n })).join('\n') + '\n');
    const run = await runPod(root, { id: 'ring', cycle: { ring: [{ id: 'x', task: program('accumulate.mjs') }], window: { size: 2 }, source: `file://${source}` } });
    expect(run.done).toMatchObject({ ok: true, result: { total: 15, round: 2, window: [{ n: 5 }] } });
    expect(resultsOf(run, ['p/x#0', 'p/x#1'])).toEqual([
      { total: 3, round: 0, window: [{ n: 1 }, { n: 2 }] },
      { total: 10, round: 1, window: [{ n: 3 }, { n: 4 }] },
    ]);
    expect(run.last['p/x#3']).toBeUndefined();
  });
});
