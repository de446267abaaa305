/**
 * The fold of one event in slices (EngineOptions.sliceSteps): a fan-out of thousands of
 * items starting is one log entry, and the coordinator folds it a slice at a time, letting
 * its thread go between slices (sync.ts). Whatever the slice size, the engine makes the same
 * decisions in the same order as in one go: the slices' commands, one after the other, are
 * those of the engine without slices, tick by tick (each slice's starts in declared order),
 * on hand-written flows and random ones. A cancel stops the running steps a slice at a time
 * (its acts in start order), with the same commands as in one go.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RunEngine } from '../../src/engine/engine.ts';
import type { Command, EngineEvent } from '../../src/engine/types.ts';
import { validateFlowDocument } from '../../src/flow/flow-document.ts';
import { compileFlow } from '../../src/plan/compile.ts';
import type { PlanNode } from '../../src/plan/plan-node.ts';
import { compile, task } from '../fixtures/build-flow.ts';
import { failed, ok, started } from './drive.ts';

/** The commands of a start or an event, slice by slice: the first, then resume() while `more`. */
function slices(e: RunEngine, first: Command[]): Command[][] {
  const out = [first];
  while (e.more) out.push(e.resume());
  return out;
}

/**
 * A tick's commands as compared across slice sizes: each slice hands its starts out in
 * declared order (pump-order.ts), so a start may come out of a later slice after a start
 * declared later that came out of an earlier one. The commands are the same, each in its
 * place, and the starts the same ones: start slots, then the starts sorted.
 */
function normal(cmds: Command[]): unknown {
  const starts = cmds.filter((c) => c.type === 'start').map((c) => JSON.stringify(c)).sort();
  return { places: cmds.map((c) => (c.type === 'start' ? 'start' : c)), starts };
}

/**
 * Drive `root` to its end, every started leaf finishing one tick later (failing when
 * `fails(step)`): the commands of each tick, and for a sliced engine how many slices each took.
 */
function drive(root: PlanNode, sliceSteps: number | undefined, fails: (step: string) => boolean = () => false, cancelAt?: number): { ticks: Command[][]; slices: number[] } {
  const e = new RunEngine(root, sliceSteps === undefined ? {} : { sliceSteps });
  const ticks: Command[][] = [];
  const counts: number[] = [];
  let parts = slices(e, e.start(0));
  for (let guard = 0; guard < 1000; guard++) {
    const cmds = parts.flat();
    ticks.push(cmds);
    counts.push(parts.length);
    // In one order whatever the slices (each slice's starts come in declared order, not the tick's).
    const ids = started(cmds).sort();
    if (ids.length === 0 || e.status !== 'running') break;
    // One event per log entry, as the coordinator folds them; at tick `cancelAt`, a cancel of the run instead.
    const events: EngineEvent[] = ticks.length - 1 === cancelAt ? [{ type: 'cancel', reason: 'by test' }] : ids.map((s) => (fails(s) ? failed(s) : ok(s, { s })));
    parts = [];
    for (const ev of events) appendSlices(parts, slices(e, e.apply(ev)));
  }
  return { ticks, slices: counts };
}

function appendSlices(into: Command[][], more: Command[][]): void {
  for (const m of more) into.push(m);
}

const fan = (over: unknown[], extra: Record<string, unknown> = {}, body: unknown = task()) => ({ fanOut: { over, do: body, ...extra } });
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('the fold in slices', () => {
  it('a fan-out of 2,500 items in slices of 1,000 steps: three slices at its start, their starts in item order, the same commands as in one go', () => {
    const root = compile({ sequence: [{ id: 'fan', ...fan(range(2500)) }] }).root;
    const e = new RunEngine(root, { sliceSteps: 1000 });
    const parts = slices(e, e.start(0));
    expect(parts.map((p) => started(p).length)).toEqual([998, 1000, 502]);
    expect(started(parts.flat())).toEqual(range(2500).map((i) => `fan/${i}`));
    expect(parts.flat()).toEqual(new RunEngine(root).start(0));
    expect(e.more).toBe(false);
    expect(e.runningLeaves()).toHaveLength(2500);
  });

  it('a graph whose first node is a big fan-out: the node after it starts after every item, as in one go', () => {
    const root = compile({ graph: { nodes: { fan: fan(range(50)), after: task(), last: { dependsOn: ['after'], task: { image: 'x' } } } } }).root;
    const one = drive(root, undefined);
    const sliced = drive(root, 7);
    expect(sliced.ticks).toEqual(one.ticks);
    expect(sliced.slices[0]).toBeGreaterThan(5);
    expect(started(sliced.ticks[0]).at(-1)).toBe('after');
  });

  it('fan-outs inside fan-outs, with concurrency and a failing item: the same ticks at every slice size', () => {
    const root = compile({ sequence: [{ id: 'outer', ...fan(range(6), { as: 'o', failFast: false }, fan(range(9), { as: 'i', concurrency: 4 })) }, task('after')] }).root;
    const fails = (s: string) => s === 'outer/2/3';
    const one = drive(root, undefined, fails);
    for (const size of [1, 2, 5, 13, 100]) expect(drive(root, size, fails).ticks, `slices of ${size}`).toEqual(one.ticks);
  });

  it('under spec.parallelism the steps that take the slots are those of one go', () => {
    const doc = validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'p', version: '1' }, spec: { parallelism: 5, root: { graph: { nodes: { a: fan(range(20)), b: fan(range(20)) } } } } });
    const root = compileFlow(doc).root;
    const one = drive(root, undefined);
    expect(drive(root, 3).ticks).toEqual(one.ticks);
  });

  it('an event applied while a fold is still in slices: the rest of that fold comes first', () => {
    const root = compile({ sequence: [{ id: 'fan', ...fan(range(30)) }] }).root;
    const e = new RunEngine(root, { sliceSteps: 10 });
    const first = e.start(0);
    expect(e.more).toBe(true);
    const next = e.apply(ok('fan/0'));
    expect(e.more).toBe(false);
    const whole = new RunEngine(root);
    expect([...first, ...next]).toEqual([...whole.start(0), ...whole.apply(ok('fan/0'))]);
  });

  it('a cancel of 2,500 running items in slices of 1,000: every step stopped, in the order of one go, the run ended with the last slice', () => {
    const root = compile({ sequence: [{ id: 'fan', ...fan(range(2500)) }, task('after')] }).root;
    const e = new RunEngine(root, { sliceSteps: 1000 });
    slices(e, e.start(0));
    const whole = new RunEngine(root);
    whole.start(0);
    const cancel: EngineEvent = { type: 'cancel', reason: 'by test' };
    const first = e.apply(cancel);
    // The run is cancelled at once: later events change nothing, and nothing starts.
    expect(e.status).toBe('cancelled');
    expect(e.more).toBe(true);
    const parts = slices(e, first);
    expect(e.more).toBe(false);
    // The root (which says nothing), the fan-out and its 2,500 items: 2,502 acts stopped, 1,000 a slice.
    expect(parts.map((p) => p.filter((c) => c.type === 'status' && c.status === 'cancelled' && !c.ifPending).length)).toEqual([999, 1000, 502]);
    expect(parts.map((p) => p.filter((c) => c.type === 'kill').length)).toEqual([998, 1000, 502]);
    expect(parts.map((p) => p.filter((c) => c.type === 'done').length)).toEqual([0, 0, 1]);
    expect(parts.flat()).toEqual(whole.apply(cancel));
    expect(e.runningLeaves()).toEqual([]);
    expect(e.awaiting()).toEqual([]);
    expect(e.armedTimers()).toEqual([]);
  });

  it('an event applied while a cancel is still in slices: the cancel ends first, the event changes nothing', () => {
    const root = compile({ sequence: [{ id: 'fan', ...fan(range(30)) }] }).root;
    const e = new RunEngine(root, { sliceSteps: 10 });
    slices(e, e.start(0));
    const first = e.apply({ type: 'cancel' });
    expect(e.more).toBe(true);
    const next = e.apply(ok('fan/0'));
    expect(e.more).toBe(false);
    const whole = new RunEngine(root);
    whole.start(0);
    expect([...first, ...next]).toEqual(whole.apply({ type: 'cancel' }));
    expect(next.filter((c) => c.type === 'done')).toEqual([{ type: 'done', status: 'cancelled', error: 'cancelled' }]);
  });

  it('a cancel during a fan-out with concurrency, a graph and a failure: the same ticks at every slice size', () => {
    const root = compile({ graph: { nodes: { fan: fan(range(12), { concurrency: 5 }, { sequence: [task('a'), task('b')] }), other: fan(range(7)), last: { dependsOn: ['other'], task: { image: 'x' } } } } }).root;
    const fails = (s: string) => s === 'other/3';
    for (const at of [0, 1, 2]) {
      const one = drive(root, undefined, fails, at);
      for (const size of [1, 2, 5, 13]) expect(drive(root, size, fails, at).ticks, `cancelled at tick ${at}, slices of ${size}`).toEqual(one.ticks);
    }
  });

  it('events applied together are folded in one go', () => {
    const root = compile({ sequence: [task('a'), { id: 'fan', ...fan(range(30)) }] }).root;
    const e = new RunEngine(root, { sliceSteps: 10 });
    e.start(0);
    const cmds = e.apply([ok('a')]);
    expect(e.more).toBe(true);
    expect(slices(e, cmds).map((p) => started(p).length)).toEqual([9, 10, 10, 1]);
    const again = new RunEngine(root, { sliceSteps: 10 });
    again.start(0);
    expect(started(again.apply([ok('a'), { type: 'cancel', reason: 'x' }]))).toHaveLength(0);
    expect(again.more).toBe(false);
  });
});

type Shape = { k: 'leaf'; when?: boolean } | { k: 'seq'; kids: Shape[] } | { k: 'graph'; kids: Shape[]; chain: boolean } | { k: 'fan'; n: number; concurrency?: number; failFast: boolean; kid: Shape };

const shapeArb: fc.Arbitrary<Shape> = fc.letrec<{ node: Shape }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ k: fc.constant('leaf' as const), when: fc.option(fc.boolean(), { nil: undefined }) }),
    fc.record({ k: fc.constant('seq' as const), kids: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ k: fc.constant('graph' as const), kids: fc.array(tie('node'), { minLength: 1, maxLength: 4 }), chain: fc.boolean() }),
    fc.record({ k: fc.constant('fan' as const), n: fc.integer({ min: 0, max: 6 }), concurrency: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }), failFast: fc.boolean(), kid: tie('node') }),
  ),
})).node;

function toFlow(s: Shape, fans = { n: 0 }): unknown {
  if (s.k === 'leaf') return { task: { image: 'x' }, ...(s.when === undefined ? {} : { when: s.when }) };
  if (s.k === 'seq') return { sequence: s.kids.map((k, i) => ({ id: `s${i}`, ...(toFlow(k, fans) as object) })) };
  if (s.k === 'graph') return { graph: { nodes: Object.fromEntries(s.kids.map((k, i) => [`n${i}`, { ...(toFlow(k, fans) as object), ...(s.chain && i > 0 ? { dependsOn: [`n${i - 1}`] } : {}) }])) } };
  // Each fan-out names its item apart: an inner one may not hide an outer one's.
  const as = `f${fans.n++}`;
  return { fanOut: { over: range(s.n), as, do: toFlow(s.kid, fans), failFast: s.failFast, ...(s.concurrency ? { concurrency: s.concurrency } : {}) } };
}

describe('the fold in slices: random flows', () => {
  it('the same ticks as in one go, at every slice size, some steps failing, some runs cancelled', () => {
    fc.assert(
      fc.property(shapeArb, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 6 }), fc.boolean(), fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }), (shape, size, failEvery, parallel, cancelAt) => {
        const doc = validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'r', version: '1' }, spec: { ...(parallel ? { parallelism: 3 } : {}), root: toFlow(shape) } });
        const root = compileFlow(doc).root;
        // Some leaves fail, chosen by their id: the same ones in both engines.
        const fails = (step: string) => failEvery > 0 && [...step].reduce((h, c) => h * 31 + c.charCodeAt(0), 7) % (failEvery + 1) === 0;
        expect(drive(root, size, fails, cancelAt).ticks.map(normal)).toEqual(drive(root, undefined, fails, cancelAt).ticks.map(normal));
      }),
      { numRuns: 300 },
    );
  });
});
