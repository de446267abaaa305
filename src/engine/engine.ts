/**
 * The pattern engine: one for both levels. Given a plan it answers, event by event, which
 * steps start now. It does no I/O and reads no clock: events in, commands out. The
 * coordinator feeds it step completions from Redis; the quarterback feeds it container
 * exits. Nothing here knows which level it serves.
 *
 * Determinism: the same plan and the same sequence of events give the same commands,
 * so any process can rebuild a run's engine by replaying its event log.
 */
import type { InputSpec, JsonValue } from '../flow/types.ts';
import { truthy, UNKNOWN } from '../logic/json-logic.ts';
import { DEFAULT_LIMITS } from '../flow/limits.ts';
import { isLeaf, joinId, type GenerateNode, type PlanNode } from '../plan/plan-node.ts';
import type { Act, Driver, Ops, Scope } from './act.ts';
import { cycleDriver, type CycleDriver } from './cycle.ts';
import { fanOutDriver } from './fan-out.ts';
import { graphDriver } from './graph.ts';
import { resolveInputs } from './inputs.ts';
import { marksFor, notStartedReason, staticChildren } from './not-started.ts';
import { envOf } from './pod-scope.ts';
import { sequenceDriver } from './sequence.ts';
import { StepData } from './step-data.ts';
import { imageText, runTaskOf, withFiles } from './run-task.ts';
import { resolveTask, resolveText } from './substitute.ts';
import { exitData, exitDriver, type Failure } from './exit-handler.ts';
import { nextAttemptDelay } from './retry-policy.ts';
import { artifactNames } from '../flow/task-parts.ts';
import type { InputRef, Command, StatusCommand, TimerCommand, EngineEvent, GenerateCommand, RunStatus, StartCommand, WindowCommand } from './types.ts';
import { fanInDriver, podDriver, useDriver, wrapDriver } from './wrap.ts';

export interface EngineOptions {
  params?: Record<string, JsonValue>;
  /** step id of the root: '' for a run, the pod's step id for a pod's micro plan */
  prefix?: string;
  /** scope the root starts with (a pod inherits its items, round and unit) */
  scope?: Partial<Scope>;
  /** how deep use/generate units may nest */
  maxUnitDepth?: number;
  /** leave out `status` commands (the dry run needs only starts) */
  quietStatus?: boolean;
  /** steps one run may make, fan-out items and rounds included (DEFAULT_LIMITS.maxNodes) */
  maxSteps?: number;
  /**
   * The dry run (DESIGN.md section 3): a pod is a composite whose containers are leaves,
   * step results are unknown (UNKNOWN), and what depends on them is simulated the plain
   * way with a `note` command saying so.
   */
  dryRun?: boolean;
}

const MAX_DEPTH_DEFAULT = 8;

/** What the engine notes when a decision rests on data a dry run cannot know. */
const UNKNOWN_NOTES: Record<string, (id: string) => string> = {
  when: () => 'its when depends on step results, which a dry run does not know: taken as true',
  over: (id) => `fanOut.over depends on step results, which a dry run does not know: simulated as one symbolic item, ${id}/*`,
  until: () => 'cycle.until depends on step results, which a dry run does not know: one round simulated',
  untilRounds: () => 'cycle.until depends on step results, which a dry run does not know: every round up to rounds simulated (until may end it sooner)',
};

export class RunEngine {
  status: RunStatus = 'pending';
  /** the run tried to make more steps than maxSteps (and failed for it) */
  overStepLimit = false;
  private readonly root: PlanNode;
  private readonly opts: EngineOptions;
  private rootAct: Act | undefined;
  private out: Command[] = [];
  /** composites to pump, by level (deepest first); see flush() */
  private readonly dirtyByLevel: Array<Set<Act>> = [];
  private dirtyCount = 0;
  /** acts that receive events by step id: leaves, cycles, generate steps */
  private readonly targets = new Map<string, Act>();
  /** composites whose deadline is armed, by step id */
  private readonly deadlines = new Map<string, Act>();
  /** leaves waiting out a back-off before their next attempt, by step id */
  private readonly backoffs = new Map<string, Act>();
  /** the latest time the log's events carry (ms since the epoch; 0 when they carry none) */
  private now = 0;
  /** leaves that failed, in the order they failed (an exit handler's `exit.failures`) */
  private failures: Failure[] = [];
  /** units' declared output artifacts: `useStep|name` -> the step and output inside that writes it */
  private readonly unitArtifacts = new Map<string, InputRef>();
  private readonly running = new Set<Act>();
  private readonly data = new StepData();
  private spawned = 0;
  /** window reads and expansions asked for and not yet answered, by step */
  private readonly waiting = new Map<string, WindowCommand | GenerateCommand>();
  /** notes made, per plan node and kind (a dry run notes a node once, not once per item) */
  private readonly noted = new Map<PlanNode, Set<string>>();
  private readonly ops: Ops;
  /** what a retry keeps (see retry()): results of succeeded leaves, the last attempt of every leaf, windows read */
  private readonly kept = { leaves: new Map<string, JsonValue>(), parameters: new Map<string, Record<string, JsonValue> | undefined>(), attempts: new Map<string, number>(), windows: new Map<string, Extract<EngineEvent, { type: 'window' }>>() };

  constructor(root: PlanNode, opts: EngineOptions = {}) {
    this.root = root;
    this.opts = opts;
    this.ops = {
      spawn: (node, parent, id, scope, index, quiet) => this.spawn(node, parent, id, scope, index, quiet),
      start: (act) => this.startAct(act),
      finish: (act, status, result, error) => this.finish(act, status, result, error),
      dirty: (act) => this.markDirty(act),
      evaluate: (expr, act, extra) => this.data.evaluate(expr, act, extra),
      evaluateKnowing: (expr, act, what, extra) => {
        if (!opts.dryRun) return { value: this.data.evaluate(expr, act, extra), unknown: false };
        const r = this.data.evaluateKnowing(expr, act, extra);
        if (r.unknown) this.ops.note(act, what, UNKNOWN_NOTES[what]?.(act.id) ?? `${what} depends on step results, which a dry run does not know`);
        return r;
      },
      evaluateValues: (value, act) => {
        if (!opts.dryRun) return this.data.evaluateValues(value, act);
        const r = this.data.evaluateValuesKnowing(value, act);
        return r.unknown ? UNKNOWN : r.value;
      },
      result: (id) => this.data.results[id],
      window: (act, round) => {
        // After a retry, a window read before is handed out again: a source is read once per round.
        const seen = this.kept.windows.get(`${act.id}|${round}`);
        if (seen) return (act.driver as CycleDriver | undefined)?.windowArrived(round, seen.items, seen.drained, seen.error);
        const n = act.node as Extract<PlanNode, { kind: 'cycle' }>;
        const cmd: WindowCommand = { type: 'window', step: act.id, round, source: n.source!, endsBySource: n.rounds === undefined && n.until === undefined, ...(n.window?.size ? { size: n.window.size } : {}), ...(n.window?.ms ? { ms: n.window.ms } : {}) };
        this.waiting.set(act.id, cmd);
        this.out.push(cmd);
      },
      resolveInputs: (inputs, act) => this.inputsOf(inputs, act),
      guessedGuard: (act) => {
        if (!opts.dryRun) return false;
        for (let a: Act | undefined = act; a; a = a.parent) {
          if (a.guessed) return true;
          if (a !== act && a.node.kind === 'use') return false;
        }
        return false;
      },
      omit: (node, parent, id, reason) => {
        (parent.started ??= new Set()).add(node);
        if (!opts.quietStatus) for (const m of marksFor(node, id, 'skipped', reason)) this.pushStatus(m);
      },
      note: (act, kind, text) => {
        if (!opts.dryRun) return;
        const kinds = this.noted.get(act.node) ?? new Set<string>();
        if (kinds.has(kind)) return;
        kinds.add(kind);
        this.noted.set(act.node, kinds);
        this.out.push({ type: 'note', step: act.id, text });
      },
    };
  }

  /** Start the run (`at`: when, ms since the epoch, as the log records it): the commands for everything that starts at once. */
  start(at?: number): Command[] {
    if (this.rootAct) return [];
    if (at) this.now = Math.max(this.now, at);
    const prefix = this.opts.prefix ?? '';
    const scope: Scope = { params: this.opts.params ?? {}, unitId: prefix, depth: 0, ...this.opts.scope };
    const id = this.root.seg === '' ? prefix : prefix === '' ? this.root.seg : `${prefix}/${this.root.seg}`;
    this.rootAct = this.spawn(this.root, undefined, id, scope, 0, this.root.seg === '');
    this.status = 'running';
    this.startAct(this.rootAct);
    return this.flush();
  }

  /** Apply one event or a batch (all leaves that finished in one tick), then decide. */
  apply(events: EngineEvent | EngineEvent[]): Command[] {
    for (const e of Array.isArray(events) ? events : [events]) this.applyOne(e);
    return this.flush();
  }

  /** Step ids of the leaves running now. */
  runningLeaves(): string[] {
    // A generate step whose unit runs is no longer a leaf at work: its program has finished.
    return [...this.running].filter((a) => this.atWork(a)).map((a) => a.id);
  }

  /** Window reads and expansions asked for and not answered yet (to ask again after a crash). */
  awaiting(): Array<WindowCommand | GenerateCommand> {
    return this.status === 'running' ? [...this.waiting.values()] : [];
  }

  /** Deadlines and back-offs armed and not yet passed (to arm again after a crash). */
  armedTimers(): TimerCommand[] {
    if (this.status !== 'running') return [];
    const deadlines: TimerCommand[] = [...this.deadlines.values()].map((a) => ({ type: 'deadline', step: a.id, seconds: a.node.timeout! }));
    const backoffs: TimerCommand[] = [...this.backoffs.values()].map((a) => ({ type: 'backoff', step: a.id, attempt: a.attempt, seconds: a.backoffSeconds ?? 0 }));
    return [...deadlines, ...backoffs];
  }

  /** The attempt a running leaf is on (0 when it is not running). */
  attemptOf(step: string): number {
    const act = this.targets.get(step);
    return act && act.status === 'running' ? act.attempt : 0;
  }

  /** Start commands for running leaves again (a lost job is enqueued anew; the attempt stays). */
  startCommandsFor(steps: string[]): StartCommand[] {
    return steps.map((s) => this.targets.get(s)).filter((a): a is Act => !!a && this.atWork(a)).map((a) => this.startCommand(a));
  }

  /** A leaf whose program runs (or should): not expanding, not past its program, not waiting out a back-off. */
  private atWork(a: Act): boolean {
    return this.isLeaf(a.node) && a.status === 'running' && !a.expanding && !a.driver && !a.backingOff;
  }

  private isLeaf(node: PlanNode): boolean {
    return isLeaf(node) && !(node.kind === 'pod' && this.opts.dryRun);
  }

  private applyOne(e: EngineEvent): void {
    if (e.at) this.now = Math.max(this.now, e.at);
    if (e.type === 'retry') return this.retry();
    if (this.status !== 'running') return;
    if (e.type === 'cancel') return this.cancel(e.reason);
    if (e.type === 'deadline') return this.expire(e.step);
    if (e.type === 'backoff') {
      const waiting = this.backoffs.get(e.step);
      if (!waiting || waiting.attempt !== e.attempt || waiting.status !== 'running') return;
      this.backoffs.delete(e.step);
      waiting.backingOff = false;
      return this.launch(waiting, waiting.lastError);
    }
    const act = this.targets.get(e.step);
    if (!act || act.status !== 'running') return; // late or repeated: nothing changes
    if (e.type === 'finished') {
      // A generate step with a driver has already expanded: a repeated `finished` must not expand it again.
      if (!this.isLeaf(act.node) || act.expanding || act.driver || act.backingOff || e.attempt !== act.attempt) return;
      act.exitCode = e.exitCode;
      if (e.ok) {
        if (e.parameters) act.parameters = e.parameters;
        if (act.node.kind === 'generate') return this.expand(act, e.result ?? null);
        return this.finish(act, 'succeeded', e.result ?? null);
      }
      const wait = nextAttemptDelay(act, e.exitCode === undefined || e.exitCode === null, this.now);
      if (wait !== undefined) {
        act.attempt++;
        if (wait <= 0) return this.launch(act, e.error);
        // The engine has no clock: the wait is a command, its end an event in the log.
        act.backingOff = true;
        act.backoffSeconds = wait;
        act.lastError = e.error;
        this.backoffs.set(act.id, act);
        this.out.push({ type: 'backoff', step: act.id, attempt: act.attempt, seconds: wait });
        return;
      }
      return this.finish(act, 'failed', undefined, e.error ?? 'exited non-zero');
    }
    if (e.type === 'window') {
      this.kept.windows.set(`${e.step}|${e.round}`, e);
      const asked = this.waiting.get(e.step);
      if (asked?.type === 'window' && asked.round === e.round) this.waiting.delete(e.step);
      (act.driver as CycleDriver | undefined)?.windowArrived?.(e.round, e.items, e.drained, e.error);
      return;
    }
    if (!act.expanding) return;
    act.expanding = false;
    this.waiting.delete(act.id);
    if (e.type === 'expandFailed') return this.finish(act, 'failed', undefined, e.error);
    const scope: Scope = { ...act.scope, params: e.params ?? {}, unitId: act.id, depth: act.scope.depth + 1 };
    // The generated unit shares the generate step's id, which already reports its own status.
    act.driver = wrapDriver(act, this.ops, e.body, scope, e.body.seg === '');
    this.markDirty(act);
  }

  private expand(act: Act, dataset: JsonValue): void {
    const max = this.opts.maxUnitDepth ?? MAX_DEPTH_DEFAULT;
    if (act.scope.depth + 1 > max) {
      return this.finish(act, 'failed', undefined, `generate nested more than ${max} units deep`);
    }
    act.expanding = true;
    const cmd: GenerateCommand = { type: 'generate', step: act.id, dataset, depth: act.scope.depth + 1 };
    this.waiting.set(act.id, cmd);
    this.out.push(cmd);
  }

  /** Cancel: every running step ends `cancelled` at once, and what never started too; no composite pumps again. */
  private cancel(reason = 'cancelled'): void {
    for (const act of this.running) this.stop(act, reason, `not started: ${reason}`, 'cancelled');
    this.running.clear();
    this.deadlines.clear();
    this.backoffs.clear();
    this.status = 'cancelled';
    this.out.push({ type: 'done', status: 'cancelled', error: reason });
  }

  /**
   * Go on after a failure or a cancel (the `retry` event): the plan starts again from its
   * root with what the run has learned kept. A leaf that succeeded finishes at once with
   * its result and starts nothing, so composites move past it in the same tick; every
   * other leaf (failed, cancelled, skipped, never started) runs again, on an attempt after
   * its last one (a new job id, a new dedupe key). Windows already read are handed out
   * again, so a source is read once per round. A run still going, or one that succeeded,
   * ignores it.
   */
  private retry(): void {
    if (this.status !== 'failed' && this.status !== 'cancelled') return;
    this.rootAct = undefined;
    this.running.clear();
    this.targets.clear();
    this.waiting.clear();
    this.deadlines.clear();
    this.backoffs.clear();
    this.failures = [];
    this.dirtyByLevel.length = 0;
    this.dirtyCount = 0;
    this.spawned = 0;
    this.overStepLimit = false;
    this.data.clear();
    // start() hands back (and replaces) this.out: keep its commands for apply() to return.
    const cmds = this.start();
    this.out.push(...cmds);
  }

  /**
   * A composite's deadline passed: what runs inside it is stopped (`cancelled`), what never
   * started is `skipped`, and the composite fails, which its parent takes as any failure.
   */
  private expire(step: string): void {
    const act = this.deadlines.get(step);
    if (!act || act.status !== 'running') return;
    const error = `step ${act.id} timed out after ${act.node.timeout} s`;
    const stopKids = (a: Act) => {
      for (const kid of a.kids ?? []) {
        stopKids(kid);
        this.stop(kid, `stopped: ${error}`, `not started: ${error}`, 'skipped');
        this.running.delete(kid);
        this.targets.delete(kid.id);
        this.deadlines.delete(kid.id);
        this.backoffs.delete(kid.id);
        this.waiting.delete(kid.id);
      }
      a.kids?.clear();
    };
    stopKids(act);
    this.finish(act, 'failed', undefined, error);
  }

  /** End a running act from outside (cancel, a deadline): kill it if it is a leaf at work, mark what it never started. */
  private stop(act: Act, reason: string, notStarted: string, unstarted: 'skipped' | 'cancelled'): void {
    if (this.atWork(act)) this.out.push({ type: 'kill', step: act.id });
    act.status = 'cancelled';
    act.error = reason;
    act.driver = undefined;
    this.emitStatus(act, reason);
    this.markUnstarted(act, unstarted, notStarted);
  }

  private spawn(node: PlanNode, parent: Act | undefined, id: string, scope: Scope, index: number, quiet?: boolean): Act {
    // A wrapper whose body shares its id lets the body report, unless it gives what its body cannot (a unit's output parameters).
    const wraps = (node.kind === 'use' || node.kind === 'fanIn') && node.body.seg === '' && !(node.kind === 'use' && node.gives?.parameters);
    const act: Act = { id, level: parent ? parent.level + 1 : 0, pos: parent ? [...parent.pos, index] : [], node, parent, scope, status: 'pending', attempt: 0, quiet: quiet ?? wraps };
    if (parent) {
      (parent.kids ??= new Set()).add(act);
      (parent.started ??= new Set()).add(node);
      // What a fan-in over files (`fan/*:out`) lists.
      if (parent.node.kind === 'fanOut') (this.data.fanItems[parent.id] ??= [])[index] = { index, item: scope.item ?? null };
    }
    return act;
  }

  private startAct(act: Act): void {
    const node = act.node;
    const max = this.opts.maxSteps ?? DEFAULT_LIMITS.maxNodes;
    if (++this.spawned > max) {
      this.overStepLimit = true;
      return this.finish(act, 'failed', undefined, `the run would make more than ${max} steps`);
    }
    if (node.when !== undefined) {
      let go: boolean;
      try {
        const r = this.ops.evaluateKnowing(node.when, act, 'when');
        go = r.unknown || truthy(r.value);
        if (r.unknown) act.guessed = true;
      } catch (e) {
        return this.finish(act, 'failed', undefined, (e as Error).message);
      }
      if (!go) return this.finish(act, 'skipped');
    }
    if (this.isLeaf(node) && this.kept.leaves.has(act.id)) {
      // Kept by a retry: it succeeded before, so it finishes now without running or reporting.
      act.status = 'running';
      const quiet = act.quiet;
      act.quiet = true;
      act.parameters = this.kept.parameters.get(act.id);
      this.finish(act, 'succeeded', this.kept.leaves.get(act.id));
      act.quiet = quiet;
      return;
    }
    act.status = 'running';
    act.startedAt = this.now;
    this.running.add(act);
    if (this.isLeaf(node)) {
      act.firstAt = this.now;
      act.attempt = (this.kept.attempts.get(act.id) ?? 0) + 1;
      this.kept.attempts.set(act.id, act.attempt);
      this.targets.set(act.id, act);
      return this.launch(act);
    }
    this.emitStatus(act);
    if (node.retries !== undefined) act.scope = { ...act.scope, retries: node.retries, retry: undefined };
    if (node.retry !== undefined) act.scope = { ...act.scope, retry: node.retry };
    if (node.kind === 'use') {
      for (const [name, from] of Object.entries(node.gives?.artifacts ?? {})) {
        const colon = from.lastIndexOf(':');
        this.unitArtifacts.set(`${act.id}|${name}`, { step: joinId(act.id, from.slice(0, colon)), output: from.slice(colon + 1) });
      }
    }
    if (node.timeout !== undefined) {
      // A composite's timeout is a deadline for the whole node (DESIGN.md section 3).
      this.deadlines.set(act.id, act);
      this.out.push({ type: 'deadline', step: act.id, seconds: node.timeout });
    }
    try {
      act.driver = this.driverFor(act);
    } catch (e) {
      return this.finish(act, 'failed', undefined, (e as Error).message);
    }
    if (node.kind === 'cycle') this.targets.set(act.id, act);
    // Pump now, not later: a composite's first leaves start before those of siblings declared after it.
    act.driver.pump();
  }

  private driverFor(act: Act): Driver {
    switch (act.node.kind) {
      case 'sequence': return sequenceDriver(act, this.ops);
      case 'graph': return graphDriver(act, this.ops);
      case 'fanOut': return fanOutDriver(act, this.ops);
      case 'fanIn': return fanInDriver(act, this.ops);
      case 'cycle': return cycleDriver(act, this.ops);
      case 'use': return useDriver(act, this.ops);
      case 'pod': return podDriver(act, this.ops);
      default: throw new Error(`no driver for ${act.node.kind}`);
    }
  }

  private finish(act: Act, status: 'succeeded' | 'failed' | 'skipped', result?: JsonValue, error?: string): void {
    if (act.status !== 'running' && act.status !== 'pending') return;
    if (status === 'failed' && this.isLeaf(act.node) && !act.exiting) this.failures.push({ step: act.id, error: error ?? 'failed', exitCode: act.exitCode });
    if (status === 'succeeded' && act.node.kind === 'use' && act.node.gives?.parameters && !act.parameters) {
      // A unit's output parameters: its templates over what its steps gave, resolved as it ends.
      try {
        act.parameters = this.unitParameters(act, act.node.gives.parameters);
      } catch (e) {
        // The unit's body succeeded under the same id: the unit's own failure must show on it.
        act.quiet = false;
        return this.finish(act, 'failed', undefined, (e as Error).message);
      }
    }
    if (act.node.onExit && status !== 'skipped' && act.status === 'running' && !act.exiting) return this.runExitHandler(act, status, result, error);
    act.status = status;
    act.result = result;
    act.error = error;
    this.running.delete(act);
    this.targets.delete(act.id);
    this.deadlines.delete(act.id);
    act.parent?.kids?.delete(act);
    act.driver = undefined;
    if (status === 'succeeded' && act.id !== '') this.data.results[act.id] = result ?? null;
    if (status === 'succeeded' && this.isLeaf(act.node)) this.kept.leaves.set(act.id, result ?? null);
    if (status === 'succeeded' && act.parameters) {
      this.data.parameters[act.id] = act.parameters;
      this.kept.parameters.set(act.id, act.parameters);
    }
    if (!act.quiet || status === 'skipped') this.emitStatus(act, error);
    if (status === 'skipped') this.markUnstarted(act, 'skipped', `not started: step ${act.id} was skipped (its when was false)`);
    else if (status === 'failed') this.markUnstarted(act, 'skipped', error?.startsWith('step ') ? notStartedReason(error, '') : `not started: step ${act.id} failed`);
    if (act.parent) return act.parent.driver?.childDone(act);
    this.status = status === 'skipped' ? 'succeeded' : status;
    this.out.push({ type: 'done', status: this.status, ...(result !== undefined ? { result } : {}), ...(error ? { error } : {}) });
  }

  /** The output parameters of the unit `act` (a use node), read in the unit. */
  private unitParameters(act: Act, templates: Record<string, string>): Record<string, JsonValue> {
    const inUnit = { ...act, scope: act.unitScope ?? { ...act.scope, unitId: act.id } } as Act;
    const data = this.data.substitution(inUnit);
    return Object.fromEntries(Object.entries(templates).map(([k, v]) => [k, resolveText(v, `outputs.parameters.${k}`, data)]));
  }

  /**
   * `act` ended with `status`; its exit handler runs first, with the outcome as `exit`, and
   * the act stays running until it has (exit-handler.ts). A deadline of its own no longer applies.
   */
  private runExitHandler(act: Act, status: 'succeeded' | 'failed', result?: JsonValue, error?: string): void {
    act.exiting = { status, ...(result !== undefined ? { result } : {}), ...(error !== undefined ? { error } : {}) };
    this.targets.delete(act.id);
    this.deadlines.delete(act.id);
    act.driver = exitDriver(act, this.ops, exitData(act, status, this.now, this.failures));
    this.markDirty(act);
  }

  /** Every child `act` did not start, and all known beneath them, end `status` with `reason` (not-started.ts). */
  private markUnstarted(act: Act, status: 'skipped' | 'cancelled', reason: string): void {
    if (this.opts.quietStatus) return;
    for (const child of staticChildren(act.node)) {
      if (act.started?.has(child)) continue;
      const id = child.seg === '' ? act.id : act.id === '' ? child.seg : `${act.id}/${child.seg}`;
      for (const m of marksFor(child, id, status, reason, child.seg !== '')) this.pushStatus(m);
    }
  }

  private emitStatus(act: Act, error?: string, image?: string): void {
    // A quiet wrapper lets its body report; skipped, its body never starts, so it reports itself.
    if (this.opts.quietStatus || act.id === '' || (act.quiet && act.status !== 'skipped')) return;
    const starting = act.status === 'running' && act.attempt <= 1;
    const node = act.node;
    this.pushStatus({
      type: 'status', step: act.id, status: act.status,
      ...(act.attempt > 0 ? { attempt: act.attempt } : {}),
      ...(act.status === 'succeeded' ? { result: act.result ?? null } : {}),
      ...(act.status === 'succeeded' && act.parameters ? { parameters: act.parameters } : {}),
      ...(error ? { error } : {}),
      ...(act.exitCode !== undefined && act.exitCode !== null && act.status !== 'running' ? { exitCode: act.exitCode } : {}),
      ...(starting && (node.kind === 'task' || node.kind === 'generate') ? { image: image ?? imageText(node.task.image) } : {}),
      ...(starting && act.parent?.node.kind === 'fanOut' && act.scope.item !== undefined ? { item: act.scope.item } : {}),
    });
  }

  /**
   * Start a leaf's attempt: its start command, with its templates resolved (a reference
   * that cannot resolve fails the step, saying which), and its status.
   */
  private launch(act: Act, previousError?: string): void {
    let cmd: StartCommand;
    try {
      cmd = this.startCommand(act);
    } catch (e) {
      return this.finish(act, 'failed', undefined, (e as Error).message);
    }
    this.emitStatus(act, previousError, cmd.task?.image);
    this.out.push(cmd);
  }

  /**
   * Inputs resolved for `act`: step paths from its unit or its parent, `*` items, the
   * unit's own inputs, and a unit's declared output artifacts followed to the step inside
   * that writes them. Throws (failing the step) for a unit input that was not given.
   */
  private inputsOf(inputs: Record<string, InputSpec> | undefined, act: Act): Record<string, InputRef> {
    const out = resolveInputs(inputs, act.id, act.scope.unitId, (p) => this.data.eachItem(p), act.scope.unitInputs);
    for (const ref of Object.values(out)) {
      for (let hops = 0; hops < 64; hops++) {
        const inner = this.unitArtifacts.get(`${ref.step}|${ref.output}`);
        if (!inner) break;
        ref.step = inner.step;
        ref.output = inner.output;
      }
    }
    return out;
  }

  /** A status command, kept as what `{{ steps.X.status }}` reads (a mark over a pending step only). */
  private pushStatus(cmd: StatusCommand): void {
    if (!(cmd.ifPending && this.data.statuses[cmd.step])) this.data.statuses[cmd.step] = cmd.status;
    this.out.push(cmd);
  }

  private startCommand(act: Act): StartCommand {
    const node = act.node as Extract<PlanNode, { kind: 'task' | 'pod' | 'generate' }>;
    const cmd: StartCommand = {
      type: 'start', step: act.id, attempt: act.attempt, kind: node.kind,
      inputs: node.kind === 'pod' ? {} : this.inputsOf((node as GenerateNode).task.inputs, act),
      env: envOf(act.scope),
      data: act.scope.data ?? {},
      ...(node.timeout !== undefined ? { timeout: node.timeout } : {}),
    };
    if (node.kind === 'pod') cmd.pod = { name: node.pod.name, channels: node.pod.channels, body: node.body };
    // A dry run knows no results: it lists starts, so templates stay as written.
    else cmd.task = this.opts.dryRun ? runTaskOf(node.task) : resolveTask(node.task, this.data.substitution(act));
    const outputs = node.kind === 'pod' ? node.outputs : (node.outputs ?? node.task.outputs);
    if (outputs) cmd.outputs = artifactNames(outputs);
    // A node's own `outputs` stands for its task's (artifacts and parameters alike).
    if (cmd.task && node.kind !== 'pod' && node.outputs !== undefined) cmd.task = withFiles({ ...cmd.task, outputs: artifactNames(node.outputs) }, node.task, node.outputs);
    return cmd;
  }

  /**
   * Let composites act on what happened, deepest first: a composite that finishes in this
   * tick tells its parent before the parent decides what starts, so the parent chooses
   * among everything that became ready (in declared order), not among what it heard of first.
   */
  private markDirty(act: Act): void {
    const set = (this.dirtyByLevel[act.level] ??= new Set());
    if (!set.has(act)) {
      set.add(act);
      this.dirtyCount++;
    }
  }

  private flush(): Command[] {
    while (this.dirtyCount > 0) {
      let level = this.dirtyByLevel.length - 1;
      while (!this.dirtyByLevel[level]?.size) level--;
      const set = this.dirtyByLevel[level];
      const act = set.values().next().value as Act;
      set.delete(act);
      this.dirtyCount--;
      if (act.status === 'running') act.driver?.pump();
    }
    const out = this.out;
    this.out = [];
    return this.inDeclaredOrder(out);
  }

  /**
   * The starts decided together go out in declared order (depth first, fan-out items by
   * index, rounds in order), whichever composite decided first: the order DESIGN.md's dry
   * run lists a tick in. Other commands keep their places.
   */
  private inDeclaredOrder(out: Command[]): Command[] {
    const slots: number[] = [];
    out.forEach((c, i) => c.type === 'start' && slots.push(i));
    if (slots.length < 2) return out;
    const pos = (c: Command) => this.targets.get((c as StartCommand).step)?.pos ?? [];
    const starts = slots.map((i) => out[i]).sort((a, b) => comparePos(pos(a), pos(b)));
    slots.forEach((slot, k) => (out[slot] = starts[k]));
    return out;
  }
}

function comparePos(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
