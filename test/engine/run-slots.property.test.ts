/**
 * spec.parallelism under what the macro level brings (src/engine/run-slots.ts): several
 * coordinators folding one log, each from where its cached engine left off or anew from
 * the start, and events repeated or late, as duplicate delivery of a step's job and
 * at-least-once appends make them. On random flows (fan-outs in a DAG, a used unit with a
 * limit of its own, retries, failures, a cancel) and random completion orders:
 * - the steps at work never exceed any limit, the run's or the unit's;
 * - a repeated event, or a late one of an earlier attempt, changes nothing;
 * - an engine folding the log anew from any point on gives the same commands, entry by
 *   entry, as the one that folded it as it grew;
 * - the run always ends: no slot is lost, no waiting step forgotten.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/types.ts';
import { validateFlowDocument } from '../../src/flow/flow-document.ts';
import { compileFlow } from '../../src/plan/compile.ts';
import { registry } from '../fixtures/build-flow.ts';
import { done, engine, started, type Command } from './drive.ts';

const doc = (name: string, root: unknown, parallelism?: number) =>
  validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name, version: '1' }, spec: { root, ...(parallelism ? { parallelism } : {}) } });

const caseArb = fc.record({
  runLimit: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  unitLimit: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }),
  loops: fc.array(fc.record({ items: fc.integer({ min: 1, max: 4 }), retries: fc.integer({ min: 0, max: 1 }), after: fc.boolean() }), { minLength: 1, maxLength: 3 }),
  unitItems: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  failFast: fc.boolean(),
  // Per tick: which step at work ends, whether it fails, whether its event comes twice, whether a late copy of an earlier attempt follows.
  picks: fc.array(fc.record({ at: fc.nat(), fail: fc.nat({ max: 5 }), twice: fc.boolean(), late: fc.boolean() }), { minLength: 1, maxLength: 80 }),
  cancelAt: fc.option(fc.nat({ max: 30 }), { nil: undefined }),
  refoldAt: fc.nat({ max: 60 }),
});
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function flowOf(c: Case) {
  const nodes: Record<string, unknown> = {};
  c.loops.forEach((l, i) => {
    nodes[`x${i}`] = {
      fanOut: { over: Array.from({ length: l.items }, (_, k) => k), do: { task: { image: 'busybox' }, ...(l.retries ? { retries: l.retries } : {}) } },
      ...(l.after && i > 0 ? { dependsOn: [`x${i - 1}`] } : {}),
    };
  });
  if (c.unitItems) nodes.u = { use: 'lib@1' };
  const lib = doc('lib', { fanOut: { over: Array.from({ length: c.unitItems ?? 1 }, (_, k) => k), do: { task: { image: 'busybox' } } } }, c.unitLimit);
  return compileFlow(doc('run', { graph: { failFast: c.failFast, nodes } }, c.runLimit), registry(lib));
}

/** The commands of folding `log` into a fresh engine from entry 0, one list per entry (entry 0: the start). */
function foldAnew(c: Case, log: EngineEvent[]): Command[][] {
  const f = flowOf(c);
  const e = engine(f.root, { params: f.params });
  return [e.start(), ...log.map((x) => e.apply(x))];
}

function runCase(c: Case): void {
  const f = flowOf(c);
  const e = engine(f.root, { params: f.params });
  const perEntry: Command[][] = [e.start()];
  const log: EngineEvent[] = [];
  const attempts = new Map<string, number>();
  const note = (cmds: Command[]) => {
    for (const s of cmds) if (s.type === 'start') attempts.set(s.step, s.attempt);
  };
  note(perEntry[0]);
  const append = (x: EngineEvent) => {
    log.push(x);
    const cmds = e.apply(x);
    perEntry.push(cmds);
    note(cmds);
    return cmds;
  };
  const check = () => {
    const atWork = e.runningLeaves();
    if (c.runLimit) expect(atWork.length).toBeLessThanOrEqual(c.runLimit);
    if (c.unitLimit) expect(atWork.filter((s) => s.startsWith('u/')).length).toBeLessThanOrEqual(c.unitLimit);
  };
  check();
  let ended = done(perEntry[0]) !== undefined;
  for (let tick = 0; !ended && tick < 400; tick++) {
    const pick = c.picks[tick % c.picks.length];
    if (tick === c.cancelAt) {
      ended = done(append({ type: 'cancel', reason: 'cancelled by user' })) !== undefined;
      expect(ended).toBe(true);
      break;
    }
    const atWork = e.runningLeaves().sort();
    // Nothing at work and not ended: a slot lost or a waiting step forgotten.
    expect(atWork.length, `stuck: ${JSON.stringify(log)}`).toBeGreaterThan(0);
    const step = atWork[pick.at % atWork.length];
    const attempt = attempts.get(step)!;
    const fails = pick.fail === 0;
    const event: EngineEvent = fails ? { type: 'finished', step, attempt, ok: false, error: 'exited with code 1', exitCode: 1 } : { type: 'finished', step, attempt, ok: true, result: null };
    const cmds = append(event);
    ended = done(cmds) !== undefined;
    check();
    if (pick.twice) expect(append(event)).toEqual([]);
    if (pick.late && attempt > 1) expect(append({ type: 'finished', step, attempt: attempt - 1, ok: true, result: null })).toEqual([]);
    check();
  }
  expect(ended, `did not end: ${JSON.stringify(log)}`).toBe(true);
  // Another coordinator folds the whole log anew: the same commands, entry by entry.
  expect(foldAnew(c, log)).toEqual(perEntry);
  // One that had folded part of it (a cache) and reads the rest: the same from there on.
  const cut = Math.min(c.refoldAt, log.length);
  const g = engine(f.root, { params: f.params });
  g.start();
  for (const x of log.slice(0, cut)) g.apply(x);
  expect(log.slice(cut).map((x) => g.apply(x))).toEqual(perEntry.slice(cut + 1));
  // Every step started ran to its end once per attempt: no start twice for one attempt.
  const starts = perEntry.flat().filter((x) => x.type === 'start').map((x) => `${(x as { step: string }).step}#${(x as { attempt: number }).attempt}`);
  expect(new Set(starts).size).toBe(starts.length);
  expect(started(perEntry.flat()).length).toBeGreaterThan(0);
}

describe('spec.parallelism with many coordinators and repeated events', () => {
  it('holds every limit, ignores repeats, folds the same anew, and always ends', () => {
    fc.assert(fc.property(caseArb, runCase), { numRuns: 300 });
  });
});
