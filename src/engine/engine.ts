/**
 * The pattern engine: one for both levels. Given a plan it answers, event by event, which
 * steps start now. It does no I/O and reads no clock: events in, commands out. The
 * coordinator feeds it step completions from Redis; the quarterback feeds it container
 * exits. Nothing here knows which level it serves.
 *
 * Determinism: the same plan and the same sequence of events give the same commands,
 * so any process can rebuild a run's engine by replaying its event log.
 *
 * This file is its public face; the state and the life of a step are in engine-core.ts,
 * how events are taken in engine-events.ts, what drivers may ask in engine-ops.ts.
 */
import type { PlanNode } from '../plan/plan-node.ts';
import type { Computed, JsonValue } from '../flow/types.ts';
import type { Act } from './act.ts';
import { EngineCore, startedOf } from './engine-core.ts';
import { applyEvent, cancelSlice } from './engine-events.ts';
import { LOG_VERSION } from './timeout-error.ts';
import { appendAll } from '../flow/append-all.ts';
import type { EngineOptions } from './engine-options.ts';
import type { Command, EngineEvent, GenerateCommand, RunStatus, StartCommand, TimerCommand, WindowCommand } from './types.ts';

export type { EngineOptions } from './engine-options.ts';

export class RunEngine {
  private readonly core: EngineCore;

  constructor(root: PlanNode, opts: EngineOptions = {}) {
    this.core = new EngineCore(root, opts);
  }

  /** pending, then running, then how the run ended */
  get status(): RunStatus {
    return this.core.status;
  }

  /** the run tried to make more steps than maxSteps (and failed for it) */
  get overStepLimit(): boolean {
    return this.core.overStepLimit;
  }

  /** the steps this engine counted against maxSteps, those before it (EngineOptions.stepsBefore) aside: a pod's micro steps, for its `done` */
  get stepsMade(): number {
    return this.core.budget.made;
  }

  /**
   * Start the run (`at`: when, ms since the epoch, as the log records it; `logVersion`: the
   * version its `begin` entry names, LOG_VERSION when new): the commands for everything that
   * starts at once.
   */
  start(at?: number, logVersion = LOG_VERSION): Command[] {
    this.core.logVersion = logVersion;
    this.core.openSlice(true);
    try {
      return this.core.begin(at);
    } finally {
      this.core.closeSlice();
    }
  }

  /**
   * Apply one event or a batch (all leaves that finished in one tick), then decide. With
   * `sliceSteps`, one event's decisions may come in slices: the first here, the rest from
   * resume() while `more`. A fold still in slices is finished first.
   */
  apply(events: EngineEvent | EngineEvent[]): Command[] {
    const list = Array.isArray(events) ? events : [events];
    const rest: Command[] = [];
    while (this.more) appendAll(rest, this.resume());
    this.core.openSlice(list.length === 1);
    try {
      for (const e of list) applyEvent(this.core, e);
      const cmds = this.core.flush();
      return rest.length > 0 ? appendAll(rest, cmds) : cmds;
    } finally {
      this.core.closeSlice();
    }
  }

  /** The fold of the last event (or the start, or a cancel's stops) stopped at a slice's end (EngineOptions.sliceSteps): resume() gives the next slice. */
  get more(): boolean {
    return this.core.paused.length > 0 || this.core.cancelling !== undefined;
  }

  /** The next slice of the fold under way (none when not `more`): the commands it makes. */
  resume(): Command[] {
    if (!this.more) return [];
    this.core.openSlice(true);
    try {
      // A cancel stops its acts a slice at a time; nothing pumps meanwhile (the run has ended).
      if (this.core.cancelling !== undefined) cancelSlice(this.core);
      return this.core.flush();
    } finally {
      this.core.closeSlice();
    }
  }

  /** What the root gives as output parameters (EngineCore.rootParameters: a pod's, when it ends); throws the first that does not resolve unless `partial`. */
  rootParameters(templates: Record<string, Computed>, partial = false): Record<string, JsonValue> | undefined {
    return this.core.rootParameters(templates, partial);
  }

  /** Step ids of the leaves running now. */
  /** Whether leaf `step` is running at work now (one of runningLeaves), looked up by id: O(1), where runningLeaves lists them all. */
  isAtWork(step: string): boolean {
    const act = this.core.targets.get(step);
    return act !== undefined && this.core.running.has(act) && this.core.atWork(act);
  }

  runningLeaves(): string[] {
    // A generate step whose unit runs is no longer a leaf at work: its program has finished.
    return [...this.core.running].filter((a) => this.core.atWork(a)).map((a) => a.id);
  }

  /** Window reads and expansions asked for and not answered yet (to ask again after a crash). */
  awaiting(): Array<WindowCommand | GenerateCommand> {
    return this.core.status === 'running' ? [...this.core.waiting.values()] : [];
  }

  /** Deadlines and back-offs armed and not yet passed (to arm again after a crash). */
  armedTimers(): TimerCommand[] {
    if (this.core.status !== 'running') return [];
    const deadlines: TimerCommand[] = [...this.core.deadlines.values()].map((a) => ({ type: 'deadline', step: a.id, seconds: a.deadlineSeconds!, armed: a.deadlineArmed! }));
    const backoffs: TimerCommand[] = [...this.core.backoffs.values()].map((a) => ({ type: 'backoff', step: a.id, attempt: a.attempt, seconds: a.backoffSeconds ?? 0, ...startedOf(a) }));
    return [...deadlines, ...backoffs];
  }

  /** The attempt a running leaf is on (0 when it is not running). */
  attemptOf(step: string): number {
    const act = this.core.targets.get(step);
    return act && act.status === 'running' ? act.attempt : 0;
  }

  /** The run's answer to pod `step`'s ask for `asked` micro steps (log version 8), its `ask` event folded: its total granted; undefined when it is not running that attempt. */
  grantFor(step: string, attempt: number, asked: number): number | undefined {
    return this.core.grantFor(step, attempt, asked);
  }

  /** Start commands for running leaves again (a lost job is enqueued anew; the attempt stays). */
  startCommandsFor(steps: string[]): StartCommand[] {
    return steps.map((s) => this.core.targets.get(s)).filter((a): a is Act => !!a && this.core.atWork(a)).map((a) => this.core.startCommand(a));
  }
}
