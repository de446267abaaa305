/**
 * The dry run of DESIGN.md section 3: every leaf takes exactly one tick; a leaf started
 * in tick t has finished before tick t+1 begins; composites take no tick of their own. A
 * pod is a composite whose containers are the leaves, in the order the quarterback would
 * start them.
 *
 * What a dry run cannot know it says (`notes`) instead of guessing silently: step results
 * are unknown, so a guard that depends on them is taken as true, a fan-out over them is
 * one symbolic item (`fan/*`), a cycle whose `until` depends on them runs one round; a
 * generate step's flow is made from its result at run time, so its unit is taken as
 * empty; a cycle source gives one window of one item per round and, with only a source,
 * is drained after one. A flow that fails on data it does know (a fan-out over a param
 * that is not a list, a run larger than the step limit) ends the dry run there, `failed`
 * with the error, its order so far kept.
 */
import { pastLimit } from '../errors/strata-error.ts';
import { LIMIT_VARIABLES } from '../flow/limits.ts';
import type { JsonValue } from '../flow/types.ts';
import { UNKNOWN } from '../logic/json-logic.ts';
import type { PlanNode } from '../plan/plan-node.ts';
import { RunEngine } from './engine.ts';
import type { EngineOptions } from './engine-options.ts';
import type { Command, EngineEvent } from './types.ts';

export interface DryRun {
  order: string[][];
  status: string;
  /** the simulated run made more steps than a run may (the step limit): a real limit, not the flow's data */
  overLimit?: boolean;
  /** why the simulated run failed (a fan-out over a non-list, a guard that cannot be evaluated) */
  error?: string;
  /** what the dry run could not know and what it did instead, `step: sentence`, once per plan node */
  notes?: string[];
}

/** Notes kept at most: one per plan node already, so only a huge generated flow reaches this. */
const MAX_NOTES = 100;

/** Simulate a plan, one tick per leaf, and return the ids started in each tick. */
export function dryRun(root: PlanNode, params: Record<string, JsonValue> = {}, opts: Partial<Pick<EngineOptions, 'maxSteps' | 'maxUnitDepth' | 'maxFanOutItems' | 'maxCompositeResultBytes'>> = {}): DryRun {
  // The engine's step limit (the run's, DEFAULT_LIMITS.maxSteps) bounds the simulation:
  // every tick starts at least one step. The limits are the run's (RunLimits), so the dry
  // run fails where the run would.
  const engine = new RunEngine(root, { ...opts, params, quietStatus: true, dryRun: true });
  const order: string[][] = [];
  const notes: string[] = [];
  let dropped = 0;
  const note = (text: string) => (notes.length < MAX_NOTES ? notes.push(text) : dropped++);
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
        answer(c, started, events, more, note);
      }
      commands = more.length > 0 ? engine.apply(more) : [];
    }
    if (started.length === 0) break;
    order.push(started);
    commands = engine.apply(events);
  }
  if (dropped > 0) notes.push(`... and ${dropped} more notes`);
  const overLimit = engine.status === 'failed' && engine.overStepLimit;
  return { order, status: engine.status, ...(error ? { error } : {}), ...(overLimit ? { overLimit } : {}), ...(notes.length > 0 ? { notes } : {}) };
}

function answer(c: Command, started: string[], finished: EngineEvent[], now: EngineEvent[], note: (text: string) => void): void {
  switch (c.type) {
    case 'start':
      started.push(c.step);
      finished.push({ type: 'finished', step: c.step, attempt: c.attempt, ok: true, result: UNKNOWN });
      return;
    case 'window':
      now.push({ type: 'window', step: c.step, round: c.round, items: [UNKNOWN], drained: c.endsBySource });
      return;
    case 'generate':
      note(`${c.step}: a generate step's flow is made from its result when it runs: not simulated`);
      now.push({ type: 'expanded', step: c.step, body: { kind: 'sequence', seg: '', children: [] } });
      return;
    case 'note':
      note(`${c.step}: ${c.text}`);
      return;
    default:
      return;
  }
}

/**
 * A dry run as the API answers it: `order`, and `dryRun: { status, error?, notes? }` saying
 * whether the simulated run succeeded and what it could not know. A simulated failure is
 * an answer about the flow, not an error of the request.
 */
export function dryRunAnswer(r: DryRun): { order: string[][]; dryRun: { status: string; error?: string; notes?: string[] } } {
  // The step limit is a limit the run would exceed: named so (422), with the ticks simulated.
  if (r.overLimit) throw pastLimit('limit_exceeded', `dry run stopped: ${r.error}`, LIMIT_VARIABLES.maxSteps, { ticks: r.order.length });
  return { order: r.order, dryRun: { status: r.status, ...(r.error ? { error: r.error } : {}), ...(r.notes ? { notes: r.notes } : {}) } };
}
