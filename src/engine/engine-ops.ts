/**
 * What drivers may ask of the engine (act.ts, Ops), answered by its core; and which driver a
 * composite gets.
 */
import { UNKNOWN } from '../logic/json-logic.ts';
import type { PlanNode } from '../plan/plan-node.ts';
import type { Act, Driver, Ops } from './act.ts';
import { cycleDriver, type CycleDriver } from './cycle.ts';
import type { EngineCore } from './engine-core.ts';
import { UNKNOWN_NOTES } from './engine-options.ts';
import { fanOutDriver } from './fan-out.ts';
import { graphDriver } from './graph.ts';
import { marksFor } from './not-started.ts';
import { sequenceDriver } from './sequence.ts';
import type { WindowCommand } from './types.ts';
import { fanInDriver, podDriver, useDriver } from './wrap.ts';

/** The flow field each evaluation reads, as a message names it. */
const FIELD_NAMES: Record<string, string> = { over: 'fanOut.over', until: 'cycle.until', untilRounds: 'cycle.until', when: 'when', 'graph.targets': 'graph.targets' };

/** The operations drivers call, bound to `core`. */
export function engineOps(core: EngineCore): Ops {
  const ops: Ops = {
    spawn: (node, parent, id, scope, index, quiet) => core.spawn(node, parent, id, scope, index, quiet),
    start: (act) => core.startAct(act),
    finish: (act, status, result, error) => core.finish(act, status, result, error),
    dirty: (act) => core.markDirty(act),
    evaluate: (expr, act, extra) => core.data.evaluate(expr, act, extra),
    evaluateKnowing: (expr, act, what, extra) => {
      // An error names the field in the flow's words (`fanOut.over: ...`); the step it failed is said around it.
      const field = `${act.id ? `${act.id}, ` : ''}${FIELD_NAMES[what] ?? what}`;
      if (!core.opts.dryRun) return { value: core.data.evaluate(expr, act, extra, field), unknown: false };
      const r = core.data.evaluateKnowing(expr, act, extra, field);
      if (r.unknown) ops.note(act, what, UNKNOWN_NOTES[what]?.(act.id) ?? `${what} depends on step results, which a dry run does not know`);
      return r;
    },
    evaluateValues: (value, act, field) => {
      const at = field === undefined ? undefined : `${act.id ? `${act.id}, ` : ''}${field}`;
      if (!core.opts.dryRun) return core.data.evaluateValues(value, act, at);
      const r = core.data.evaluateValuesKnowing(value, act, at);
      return r.unknown ? UNKNOWN : r.value;
    },
    result: (id) => core.data.results[id],
    pause: (act) => core.pause(act),
    itemsKnown: (act, count) => core.itemsKnown(act, count),
    maxFanOutItems: core.opts.maxFanOutItems,
    sizes: core.sizes,
    window: (act, round) => {
      // After a retry, a window read before is handed out again: a source is read once per round.
      const seen = core.kept.windows.get(`${act.id}|${round}`);
      if (seen) return (act.driver as CycleDriver | undefined)?.windowArrived(round, seen.items, seen.drained, seen.error);
      const n = act.node as Extract<PlanNode, { kind: 'cycle' }>;
      const cmd: WindowCommand = { type: 'window', step: act.id, round, source: n.source!, endsBySource: n.rounds === undefined && n.until === undefined, ...(n.window?.size ? { size: n.window.size } : {}), ...(n.window?.ms ? { ms: n.window.ms } : {}) };
      core.waiting.set(act.id, cmd);
      core.out.push(cmd);
    },
    resolveInputs: (inputs, act) => core.inputsOf(inputs, act),
    guessedGuard: (act) => {
      if (!core.opts.dryRun) return false;
      for (let a: Act | undefined = act; a; a = a.parent) {
        if (a.guessed) return true;
        if (a !== act && a.node.kind === 'use') return false;
      }
      return false;
    },
    omit: (node, parent, id, reason) => {
      (parent.started ??= new Set()).add(node);
      if (!core.opts.quietStatus) for (const m of marksFor(node, id, 'skipped', reason)) core.pushStatus(m);
      // A dry run takes every step as succeeding: a step that would then not run (a condition
      // on a failure, `B.Failed`) is said with why, not left out silently (once per plan node).
      if (core.opts.dryRun && !core.noted.get(node)?.has('omitted')) {
        core.noted.set(node, (core.noted.get(node) ?? new Set<string>()).add('omitted'));
        const why = reason.replace(/^not started: /, '');
        core.out.push({ type: 'note', step: id, text: why.startsWith('not needed by the targets') ? `not run: ${why}` : `would not run when every step succeeds: ${why}` });
      }
    },
    note: (act, kind, text) => {
      if (!core.opts.dryRun) return;
      const kinds = core.noted.get(act.node) ?? new Set<string>();
      if (kinds.has(kind)) return;
      kinds.add(kind);
      core.noted.set(act.node, kinds);
      core.out.push({ type: 'note', step: act.id, text });
    },
  };
  return ops;
}

/** The driver of a composite activation. */
export function driverFor(act: Act, ops: Ops): Driver {
  switch (act.node.kind) {
    case 'sequence': return sequenceDriver(act, ops);
    case 'graph': return graphDriver(act, ops);
    case 'fanOut': return fanOutDriver(act, ops);
    case 'fanIn': return fanInDriver(act, ops);
    case 'cycle': return cycleDriver(act, ops);
    case 'use': return useDriver(act, ops);
    case 'pod': return podDriver(act, ops);
    default: throw new Error(`no driver for ${act.node.kind}`);
  }
}

