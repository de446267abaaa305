/**
 * Plan versions: every new plan is stored with `v` (PLAN_VERSION); a stored plan without
 * one (version 1) is read as it was written, its graphs' `handled` children handling both
 * kinds of failure, and so are the units its run's log records; a plan with a version has
 * no such reading.
 */
import { describe, expect, it } from 'vitest';
import { EngineCache, fold } from '../../src/coordinator/engine-cache.ts';
import type { PlanNode } from '../../src/plan/plan-node.ts';
import { upgradePlan } from '../../src/plan/plan-version.ts';
import { prepareRun } from '../../src/run/prepared-run.ts';
import { compile, task } from '../fixtures/build-flow.ts';
import { done, ok, started } from '../engine/drive.ts';

const exitFail = (step: string) => ({ type: 'finished' as const, step, attempt: 1, ok: false, error: 'exited with code 1', exitCode: 1 });

/** A graph whose `after` runs on bad's error only, written as a version-1 plan wrote it: `handled: ['bad']`, no `handles`. */
function legacyGraph(): PlanNode {
  const root = compile({ graph: { nodes: { bad: task(), after: task(undefined, { dependsOn: [{ node: 'bad', on: 'errored' }] }) } } }).root as Extract<PlanNode, { kind: 'graph' }>;
  expect(root.handles).toEqual({ bad: ['errored'] });
  const { handles: _, ...rest } = root;
  return { ...rest, handled: ['bad'] } as unknown as PlanNode;
}

/** Fold a stored plan's run through the coordinator's engine cache: begin, then `events`; the commands of the last. */
function foldRun(stored: { v?: number; root: PlanNode }, events: Array<{ type: string }>) {
  const c = new EngineCache().create('r', { ...stored, params: {} }, 10);
  let out = fold(c, { type: 'begin', at: 0, v: 2 } as { type: string });
  for (const e of events) out = fold(c, e);
  return out;
}

describe('plan versions', () => {
  it('a new plan is stored with its version', () => {
    const made = prepareRun('f@1', compile({ sequence: [task('a')] }).root, {}, ['a']);
    expect(JSON.parse(made.planJson)).toMatchObject({ v: 2 });
    // First, so a look at the stored text tells the version (docs/runs.md: when a legacy reader may go).
    expect(made.planJson.startsWith('{"v":2,')).toBe(true);
  });

  it('a stored plan without a version is read as version 1: a handled child\'s failure of either kind is handled', () => {
    // Version 1 read `handled` as both kinds: bad's exit code is handled, after is skipped, the graph succeeds.
    expect(done(foldRun({ root: legacyGraph() }, [exitFail('bad')]))).toMatchObject({ status: 'succeeded' });
  });

  it('a plan with a version has no such reading: `handled` means nothing there', () => {
    expect(done(foldRun({ v: 2, root: legacyGraph() }, [exitFail('bad')]))).toMatchObject({ status: 'failed' });
  });

  it('a unit the log of a version-1 run records is read as version 1 too; one of a current run is not', () => {
    const root = compile({ sequence: [{ id: 'g', generate: { image: 'describer' } }] }).root;
    const body = { ...legacyGraph(), seg: '' };
    const events = [ok('g', {}), { type: 'expanded', step: 'g', body }, exitFail('g/bad')];
    expect(started(foldRun({ root }, events.slice(0, 2)))).toEqual(['g/bad']);
    expect(done(foldRun({ root }, events))).toMatchObject({ status: 'succeeded' });
    expect(done(foldRun({ v: 2, root }, events))).toMatchObject({ status: 'failed' });
  });

  it('upgrading reaches graphs under every kind of node and leaves a current plan as it is', () => {
    const inner = legacyGraph();
    const tree = compile({ sequence: [task('a'), { id: 'f', fanOut: { over: [1], do: task() } }] }).root as Extract<PlanNode, { kind: 'sequence' }>;
    const fan = tree.children[1] as Extract<PlanNode, { kind: 'fanOut' }>;
    const old = { ...tree, children: [tree.children[0], { ...fan, body: inner }], onExit: inner } as PlanNode;
    const up = upgradePlan(old) as Extract<PlanNode, { kind: 'sequence' }>;
    for (const g of [(up.children[1] as Extract<PlanNode, { kind: 'fanOut' }>).body, up.onExit!]) {
      expect(g).toMatchObject({ kind: 'graph', handles: { bad: ['failed', 'errored'] } });
      expect(g).not.toHaveProperty('handled');
    }
    expect(old).toMatchObject({ onExit: { handled: ['bad'] } }); // pure: the input is not changed
    const current = compile({ graph: { nodes: { a: task(), b: task(undefined, { dependsOn: ['a'] }) } } }).root;
    expect(upgradePlan(current)).toBe(current);
  });
});
