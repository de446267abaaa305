/**
 * The dry run of DESIGN.md section 3: every leaf takes exactly one tick; a leaf started
 * in tick t has finished before tick t+1 begins; composites take no tick of their own.
 * Cycles with a source get one empty window per round and end after `rounds` (or one
 * round when only a source bounds them); a generate step's nested unit is not known
 * before it runs, so it is simulated as empty.
 */
import { StrataError } from '../errors/strata-error.ts';
import type { JsonValue } from '../flow/types.ts';
import type { PlanNode } from '../plan/plan-node.ts';
import { RunEngine } from './engine.ts';
import type { Command, EngineEvent } from './types.ts';

export interface DryRun {
  order: string[][];
  status: string;
  /** why the simulated run failed (a fan-out over a non-list, a guard that cannot be evaluated) */
  error?: string;
}

/** Simulate a plan, one tick per leaf, and return the ids started in each tick. */
export function dryRun(root: PlanNode, params: Record<string, JsonValue> = {}, maxTicks = 1_000_000): DryRun {
  const engine = new RunEngine(root, { params, quietStatus: true });
  const order: string[][] = [];
  let commands = engine.start();
  let error: string | undefined;
  for (;;) {
    const events: EngineEvent[] = [];
    const started: string[] = [];
    // Windows and expansions are answered in the same tick: they are not leaves.
    while (commands.length > 0) {
      const more: EngineEvent[] = [];
      for (const c of commands) {
        if (c.type === 'done' && c.error) error = c.error;
        answer(c, started, events, more);
      }
      commands = more.length > 0 ? engine.apply(more) : [];
    }
    if (started.length === 0) break;
    order.push(started);
    if (order.length > maxTicks) throw new StrataError('limit_exceeded', `dry run did not end within ${maxTicks} ticks (a cycle whose until never holds?)`);
    commands = engine.apply(events);
  }
  return { order, status: engine.status, ...(error ? { error } : {}) };
}

function answer(c: Command, started: string[], finished: EngineEvent[], now: EngineEvent[]): void {
  switch (c.type) {
    case 'start':
      started.push(c.step);
      finished.push({ type: 'finished', step: c.step, attempt: c.attempt, ok: true, result: null });
      return;
    case 'window':
      now.push({ type: 'window', step: c.step, round: c.round, items: [null], drained: c.endsBySource });
      return;
    case 'generate':
      now.push({ type: 'expanded', step: c.step, body: { kind: 'sequence', seg: '', children: [] } });
      return;
    default:
      return;
  }
}

/** The dry run's order; a dry run that fails (a guard or list that cannot be evaluated) is an error. */
export function dryRunOrder(root: PlanNode, params: Record<string, JsonValue> = {}): string[][] {
  const r = dryRun(root, params);
  if (r.status === 'failed') throw new StrataError('limit_exceeded', `dry run failed: ${r.error ?? 'a step failed'}`, { order: r.order });
  return r.order;
}
