/**
 * Driving a RunEngine by hand, as the coordinator and the quarterback will: feed events,
 * read the commands that come out. Test helper, not a test.
 */
import { RunEngine, type EngineOptions } from '../../src/engine/engine.ts';
import type { Command, EngineEvent, StartCommand } from '../../src/engine/types.ts';
import type { JsonValue } from '../../src/flow/types.ts';
import type { PlanNode } from '../../src/plan/plan-node.ts';

export type { Command };

/** Step ids of the start commands, in the order they were given. */
export function started(cmds: Command[]): string[] {
  return cmds.filter((c): c is StartCommand => c.type === 'start').map((c) => c.step);
}

/** The start command of `step`; fails the test when there is none. */
export function startOf(cmds: Command[], step: string): StartCommand {
  const c = cmds.find((x): x is StartCommand => x.type === 'start' && x.step === step);
  if (!c) throw new Error(`no start command for ${step} in ${JSON.stringify(started(cmds))}`);
  return c;
}

/** Step ids of the kill commands. */
export function killed(cmds: Command[]): string[] {
  return cmds.flatMap((c) => (c.type === 'kill' ? [c.step] : []));
}

/** The done command, if the run ended. */
export function done(cmds: Command[]): Extract<Command, { type: 'done' }> | undefined {
  return cmds.find((c): c is Extract<Command, { type: 'done' }> => c.type === 'done');
}

/** `step:status` of every status command. */
export function statuses(cmds: Command[]): string[] {
  return cmds.flatMap((c) => (c.type === 'status' ? [`${c.step}:${c.status}`] : []));
}

/** A leaf finished well. */
export function ok(step: string, result: JsonValue = null, attempt = 1): EngineEvent {
  return { type: 'finished', step, attempt, ok: true, result };
}

/** A leaf failed. */
export function failed(step: string, attempt = 1, error = 'exit code 1'): EngineEvent {
  return { type: 'finished', step, attempt, ok: false, error };
}

/** An engine over a compiled root. */
export function engine(root: PlanNode, opts: EngineOptions = {}): RunEngine {
  return new RunEngine(root, opts);
}

/**
 * Run ticks the way the dry run does, on an engine built with any options (a pod's micro
 * plan with its prefix, say): every started leaf succeeds with `result(step)` one tick later.
 */
export function ticks(e: RunEngine, result: (step: string) => JsonValue = () => null): string[][] {
  const order: string[][] = [];
  let cmds = e.start();
  for (let guard = 0; guard < 10_000; guard++) {
    const ids = started(cmds);
    if (ids.length === 0) return order;
    order.push(ids);
    cmds = e.apply(ids.map((s) => ok(s, result(s))));
  }
  throw new Error('ticks did not end');
}
