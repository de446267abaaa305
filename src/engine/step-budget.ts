/**
 * A run's step budget (STRATA_MAX_RUN_STEPS): the steps counted against the limit, and what
 * each pod's micro steps were charged, by the rules of the log's version (LOG_VERSION,
 * timeout-error.ts): 5, a pod's start counts its micro plan's steps; 6, a pod's quarterback
 * counts on from the run's steps (stepsBefore) and what it made past its start's count is
 * charged as it ends; 7, a pod activated again counts its earlier charge when a retry keeps
 * it and forgets it when it runs again. Which activations count at all (log version 4) is
 * the engine's (engine-core.ts startAct). No I/O.
 */
import { podStepCount, type PlanNode } from '../plan/plan-node.ts';

export class StepBudget {
  /** steps counted against the limit, the `before` ones included */
  private spawned: number;
  /** each pod body's step count (podStepCount), walked once: a fan-out of pods starts the same body many times */
  private readonly podSteps = new WeakMap<PlanNode, number>();
  /** per pod step: its micro steps charged past what its start counted, the most any of its attempts made (log version 6, charge), or granted it (log version 8, grant) */
  private readonly charged = new Map<string, number>();
  /** a pod's micro plan that asks for its steps (log version 8): the count its steps may reach (`before`, then what the run granted); undefined: the limit alone */
  private ceiling: number | undefined;
  /** steps waiting for a grant (count said `wait`) */
  private waiting = 0;
  /** the micro steps asked for in all, and the most an answer was for (toAsk, granted) */
  private asked = 0;
  private answered = 0;

  /**
   * `limit`: the run's step limit; `before`: the steps the run had made when this engine
   * started (a pod's micro plan: EngineOptions.stepsBefore; 0 for a run); `version`: the
   * log's version, read as each rule applies (it is known once the run begins); `allowed`: a
   * pod's micro plan under log version 8, the steps it may make before it asks for more
   * (StartCommand.pod.allowed): past them, steps wait for the run's grant.
   */
  constructor(readonly limit: number, private readonly before: number, private readonly version: () => number, allowed?: number) {
    this.spawned = before;
    if (allowed !== undefined) {
      this.ceiling = before + allowed;
      this.asked = this.answered = allowed;
    }
  }

  /** The steps this engine counted, those before it aside (a pod's micro steps, for its `done`). */
  get made(): number {
    return this.spawned - this.before;
  }

  /**
   * Count a step starting, and for a pod (log version 5) its micro plan's steps and, activated
   * again, what it was charged before (chargeAgain; `kept`: a retry of the run keeps it, so it
   * does not run). True when the run would pass the limit with it.
   */
  count(pod?: { id: string; body: PlanNode; kept: () => boolean }): boolean {
    if (pod && this.version() >= 5) this.spawned += this.podCount(pod.body) + this.chargeAgain(pod.id, pod.kept);
    return ++this.spawned > this.limit;
  }

  /**
   * A pod's micro plan that asks (`allowed` given): whether a step starting must wait for a
   * grant, as it would pass what the run granted, or steps before it wait already (they start
   * first). Its ticket (the steps made and waiting, it included) says which answer frees it.
   */
  mustWait(): number | undefined {
    if (this.ceiling === undefined || (this.waiting === 0 && this.spawned < this.ceiling)) return undefined;
    return this.made + ++this.waiting;
  }

  /** The micro steps to ask the run for in all (made and waiting) when some wait past what was asked; once each. */
  toAsk(): number | undefined {
    const want = this.made + this.waiting;
    if (this.waiting === 0 || want <= this.asked) return undefined;
    this.asked = want;
    return want;
  }

  /** The run's answer to an ask for `asked` micro steps: `steps` granted in all (the steps waiting up to `asked` start as far as it reaches, the rest fail at the limit). */
  granted(asked: number, steps: number): void {
    if (this.ceiling === undefined) return;
    this.ceiling = Math.max(this.ceiling, this.before + steps);
    this.answered = Math.max(this.answered, asked);
  }

  /**
   * A step waiting with `ticket` (mustWait) as answers come: undefined while no answer covers
   * it, else counted (`ok`) or refused at the limit (`over`); `gone`: it was stopped meanwhile.
   */
  takeWaiting(ticket: number, gone: boolean): 'ok' | 'over' | undefined {
    if (!gone && ticket > this.answered) return undefined;
    this.waiting--;
    if (gone) return undefined;
    if (this.spawned >= this.ceiling!) return 'over';
    this.spawned++;
    return 'ok';
  }

  /**
   * A pod asks for `steps` micro steps in all (log version 8): the total it is granted. What
   * it holds (its start's count and what it was charged or granted) it has at once; past that,
   * as much as the run has left, reserved now (counted, and kept as its charge).
   */
  grant(id: string, body: PlanNode, steps: number): number {
    const charged = this.charged.get(id) ?? 0;
    const held = this.podCount(body) + charged;
    if (steps <= held) return steps;
    const more = Math.max(0, Math.min(steps - held, this.limit - this.spawned));
    if (more > 0) {
      this.charged.set(id, charged + more);
      this.spawned += more;
    }
    return held + more;
  }

  /** The micro steps pod `id` may make before it asks (log version 8: StartCommand.pod.allowed): its start's count and what it holds; undefined before. */
  allowed(id: string, body: PlanNode): number | undefined {
    return this.version() >= 8 ? this.podCount(body) + (this.charged.get(id) ?? 0) : undefined;
  }

  /** A pod body's step count as its start counts it (plan-node.ts podStepCount), walked once per body. */
  podCount(body: PlanNode): number {
    let n = this.podSteps.get(body);
    if (n === undefined) this.podSteps.set(body, (n = podStepCount(body)));
    return n;
  }

  /**
   * A pod activated again (log version 7; a retry of the run, a composite run again whole): the
   * micro steps charged for it before (charge), counted again when a retry keeps it (it does
   * not run, as a kept fan-out's items count again), forgotten when it runs again (what its new
   * run makes is charged as it ends). 0 for a first activation, and for a log of version 6 or
   * before (a kept pod's charge was forgotten).
   */
  chargeAgain(id: string, kept: () => boolean): number {
    const charged = this.version() >= 7 ? this.charged.get(id) : undefined;
    if (charged === undefined) return 0;
    if (kept()) return charged;
    this.charged.delete(id);
    return 0;
  }

  /**
   * A pod (`id`, its micro plan `body`) ended having made `steps` micro steps (its
   * `finished.steps`, log version 6): those past what its start counted (podStepCount: a
   * fan-out's or cycle's body once), and past what an attempt before was charged, are charged
   * to the run now. True when the run passes the limit with them.
   */
  charge(id: string, body: PlanNode, steps: number): boolean {
    if (this.version() < 6) return false;
    const charged = this.charged.get(id) ?? 0;
    const extra = steps - this.podCount(body) - charged;
    if (extra <= 0) return false;
    this.charged.set(id, charged + extra);
    this.spawned += extra;
    return this.spawned > this.limit;
  }

  /**
   * The steps the run has made as pod `id` (micro plan `body`) starts, this pod's micro steps
   * aside (those its start counted, and those charged for an attempt before): its
   * quarterback counts on from there (StartCommand.pod.stepsBefore, log version 6). Undefined
   * for a log before that.
   */
  stepsBefore(id: string, body: PlanNode): number | undefined {
    if (this.version() < 6) return undefined;
    return this.spawned - this.podCount(body) - (this.charged.get(id) ?? 0);
  }

  /** A retry of the run counts from the start again; a pod's charge stays (log version 7: chargeAgain), forgotten before. */
  restart(): void {
    this.spawned = this.before;
    if (this.version() < 7) this.charged.clear();
  }
}
