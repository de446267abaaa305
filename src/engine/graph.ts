/**
 * graph: the three traversals of DESIGN.md section 3, one driver with a pluggable
 * frontier. `dfs` and `bfs` run one node at a time (a LIFO stack / a FIFO queue);
 * `dependency` runs every ready node up to maxParallel, lowest declared index first.
 *
 * A node waits until every sibling its condition names has ended (docs/flow-language.md,
 * Failure handling). Then it runs if the condition holds (by default: each succeeded or
 * was skipped), and is omitted, ending skipped with the reason, if not. A failure stops
 * the graph (nothing more starts) unless `failFast: false` or a sibling's condition
 * handles it; an unhandled failure fails the graph once nothing more can run.
 */
import type { JsonValue } from '../flow/types.ts';
import type { Condition, OutcomeWord } from '../flow/depends.ts';
import { joinId, type GraphNode } from '../plan/plan-node.ts';
import { indexInParent, outcomeForParent, type Act, type Driver, type Ops } from './act.ts';
import { indexGraph } from './graph-index.ts';
import { dfsFrontier, bfsFrontier, dependencyFrontier, type Frontier } from './frontiers.ts';
import { leafFailure } from './leaf-outcome.ts';
import { untargeted } from '../plan/targets.ts';

/** How a child ended, as conditions read it. */
export type Ended = 'succeeded' | 'failed' | 'errored' | 'skipped' | 'omitted';

export interface EndedChild {
  outcome: Ended;
  continued: boolean;
  items?: { succeeded: number; failed: number };
}

export function graphDriver(act: Act, ops: Ops): Driver {
  const node = act.node as GraphNode;
  const g = indexGraph(node);
  const frontier: Frontier =
    node.traversal === 'dfs' ? dfsFrontier(g) : node.traversal === 'bfs' ? bfsFrontier(g.roots) : dependencyFrontier(g.roots);
  const limit = node.traversal === 'dependency' ? (node.maxParallel ?? Infinity) : 1;
  const failFast = node.failFast !== false;
  const handles: Record<string, readonly string[]> = node.handles ?? {};
  const state = new Uint8Array(g.children.length); // 0 not started, 1 running, 2 ended
  const ended: Array<EndedChild | undefined> = g.children.map(() => undefined);
  const results: Record<string, JsonValue> = {};
  /** `results` as JSON, in bytes, counted as each entry is added (result-size.ts) */
  let resultBytes = 2;
  let resultKeys = 0;
  const failures: Array<string | undefined> = g.children.map(() => undefined);
  let running = 0;
  let error: string | undefined;
  // Targets given by json-logic are known now, from the graph's data (params, items); the run's own targets win.
  const given = node.targetsLogic !== undefined && node.untargeted === undefined ? startTargets(node, act, ops) : undefined;
  const targetError = given?.error;
  const targets = given?.targets ?? node.targets ?? [];
  const notNeeded = given?.untargeted ?? node.untargeted ?? [];
  // DAG targets: what the targets do not need never starts (and needs nothing that does).
  for (const seg of notNeeded) {
    const i = g.indexOf.get(seg)!;
    state[i] = 2;
    ended[i] = { outcome: 'omitted', continued: false };
    ops.omit(g.children[i], act, joinId(act.id, seg), `not started: not needed by the targets ${targets.join(', ')}`);
  }

  /** A child ended: its dependents that now have all they wait for run or are omitted. */
  const settle = (i: number, how: EndedChild): void => {
    state[i] = 2;
    ended[i] = how;
    let ready: number[] | undefined;
    for (let k = g.dependentsAt[i]; k < g.dependentsAt[i + 1]; k++) {
      const d = g.dependents[k];
      if (--g.waiting[d] !== 0 || state[d] !== 0) continue;
      const child = g.children[d];
      if (!child.cond && !depsHold(d)) omit(d, `not started: ${failedDeps(child.deps!)}`);
      else if (child.cond && !holds(child.cond, (name) => ended[g.indexOf.get(name)!]!)) omit(d, `not started: its condition on ${child.deps!.join(', ')} does not hold (${child.deps!.map((n) => `${n} ${ended[g.indexOf.get(n)!]!.outcome}`).join(', ')})`);
      else (ready ??= []).push(d);
    }
    frontier.finished(i, ready ?? NONE_READY);
  };

  /** Every dependency of child `d` ended as a plain dependency needs (by index: no lookup by name). */
  const depsHold = (d: number): boolean => {
    for (let k = g.depsAt[d]; k < g.depsAt[d + 1]; k++) if (!bare(ended[g.deps[k]]!)) return false;
    return true;
  };

  const omit = (d: number, reason: string): void => {
    const child = g.children[d];
    ops.omit(child, act, joinId(act.id, child.seg), reason);
    settle(d, { outcome: 'omitted', continued: false });
  };

  const failedDeps = (deps: string[]): string =>
    deps.filter((n) => !bare(ended[g.indexOf.get(n)!]!)).map((n) => `step ${joinId(act.id, n)} ${ended[g.indexOf.get(n)!]!.outcome === 'omitted' ? 'did not run' : 'failed'}`).join(', ');

  return {
    pump() {
      if (targetError) return ops.finish(act, 'failed', undefined, targetError);
      while (!(error && failFast) && running < limit) {
        // The fold's slice is spent: the rest when the driver resumes (EngineOptions.sliceSteps).
        if (ops.pause(act)) return;
        const i = frontier.take((j) => state[j] === 0 && g.waiting[j] === 0);
        if (i === undefined) break;
        const child = g.children[i];
        state[i] = 1;
        running++;
        ops.start(ops.spawn(child, act, joinId(act.id, child.seg), act.scope, i));
        // Paused beneath: nothing more here until it has gone on (what follows may rest on how it ends).
        if (ops.pause(act)) return;
      }
      if (running > 0) return;
      if (!error && node.outcome === 'leaves') error = leafFailure(g, ended, failures, new Set(notNeeded), (n) => joinId(act.id, n));
      if (error) return ops.finish(act, 'failed', undefined, error);
      ops.sizes.remember(results, resultBytes);
      ops.finish(act, 'succeeded', results);
    },
    childDone(c) {
      const i = indexInParent(c);
      running--;
      // A node whose exit handler failed is a failed one to its siblings' conditions (act.ts outcomeForParent).
      const o = outcomeForParent(c);
      if (o.error) failures[i] = o.error;
      if (o.result !== undefined) {
        results[c.node.seg] = o.result;
        resultBytes += (resultKeys++ > 0 ? 1 : 0) + ops.sizes.entry(c.node.seg, o.result);
      }
      const outcome: Ended = o.outcome;
      // Handled only when a sibling's condition reads this kind of failure (a condition on errored leaves an exit code unhandled).
      if (o.error && !handles[c.node.seg]?.includes(outcome)) error ??= o.error;
      // After an unhandled failure with failFast, nothing more starts: dependents are left to the not-started marks.
      if (!(error && failFast)) settle(i, c.items ? { outcome, continued: o.continued, items: c.items } : endedAs(outcome, o.continued));
      else state[i] = 2;
      ops.dirty(act);
    },
  };
}

/**
 * A graph's targets given by json-logic (`targets: { var: "params.target" }`, an Argo
 * `dag.target` read from a workflow parameter): evaluated as the graph starts (for this
 * activation: the plan node is shared), a list of node names or text of names separated by
 * spaces or commas, with the nodes they do not need; or the error when a name is no node of
 * the graph. A dry run that cannot know them (they rest on results) takes every node.
 */
function startTargets(node: GraphNode, act: Act, ops: Ops): { error?: string; targets?: string[]; untargeted?: string[] } {
  const { value, unknown } = ops.evaluateKnowing(node.targetsLogic!, act, 'graph.targets');
  if (unknown) return {};
  const names = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : [];
  if (names.length === 0) return { error: `graph.targets gave ${JSON.stringify(value)}: give the names of nodes of this graph (a list, or text separated by spaces or commas)` };
  const segs = new Set(node.children.map((c) => c.seg));
  const missing = names.filter((n) => !segs.has(n));
  if (missing.length > 0) return { error: `graph.targets: no node named ${missing.map((n) => JSON.stringify(n)).join(', ')} (the graph has ${[...segs].join(', ')})` };
  return { targets: names, untargeted: untargeted(node, names) };
}

/** No dependent became ready (shared, never changed). */
const NONE_READY: number[] = [];

/** How a child without items ended, one shared object per outcome (never changed): a graph of a million children made a million. */
const ENDED = Object.fromEntries((['succeeded', 'failed', 'errored', 'skipped', 'omitted'] as const).map((o) => [o, [false, true].map((c) => Object.freeze({ outcome: o, continued: c }))])) as Record<Ended, EndedChild[]>;

function endedAs(outcome: Ended, isContinued: boolean): EndedChild {
  return ENDED[outcome][isContinued ? 1 : 0];
}

/** A plain dependency holds: the sibling succeeded, was skipped by its when, or failed with continueOn. */
function bare(e: EndedChild): boolean {
  return e.outcome === 'succeeded' || e.outcome === 'skipped' || e.continued;
}

/** Whether `cond` holds over the ended siblings. */
function holds(cond: Condition, of: (name: string) => EndedChild): boolean {
  switch (cond.op) {
    case 'and': return cond.args.every((c) => holds(c, of));
    case 'or': return cond.args.some((c) => holds(c, of));
    case 'not': return !holds(cond.arg, of);
    default: return cond.outcomes.some((o) => is(of(cond.node), o));
  }
}

function is(e: EndedChild, o: OutcomeWord): boolean {
  switch (o) {
    case 'bare': return bare(e);
    case 'completed': return e.outcome === 'succeeded' || e.outcome === 'failed' || e.outcome === 'errored';
    case 'any': return true;
    // A fan-out's items; any other node is its own one item.
    case 'anysucceeded': return e.items ? e.items.succeeded > 0 : e.outcome === 'succeeded';
    case 'allfailed': return e.items ? e.items.failed > 0 && e.items.succeeded === 0 : e.outcome === 'failed' || e.outcome === 'errored';
    default: return e.outcome === o;
  }
}
