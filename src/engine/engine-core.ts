/**
 * The pattern engine's state and the life of an activation: spawned, started (a leaf
 * launched, a composite given its driver), finished (its exit handler first), reported.
 * RunEngine (engine.ts) is its public face; events reach it through engine-events.ts.
 * No I/O and no clock: the only time it knows is what the log's events carry.
 */
import type { Computed, InputSpec, JsonValue } from '../flow/types.ts';
import { truthy } from '../logic/json-logic.ts';
import { DEFAULT_LIMITS, LIMIT_VARIABLES } from '../flow/limits.ts';
import { ResultSizes } from './result-size.ts';
import { isLeaf, joinId, type PlanNode } from '../plan/plan-node.ts';
import { RunSlots, SlotPool } from './run-slots.ts';
import { addKid, clearKids, removeKid, RunningActs } from './act-lists.ts';
import { failedAsError, outcomeForParent, type Act, type Ops, type Scope } from './act.ts';
import { driverFor, engineOps } from './engine-ops.ts';
import type { EngineOptions } from './engine-options.ts';
import type { RetryPlan } from '../plan/plan-node.ts';
import { exitData, exitDriver, type Failure } from './exit-handler.ts';
import { resolveInputs } from './inputs.ts';
import { marksFor, notStartedReason, staticChildren } from './not-started.ts';
import { DirtyQueue, inDeclaredOrder } from './pump-order.ts';
import { resolvedRetry, wholeAttemptDelay } from './retry-policy.ts';
import { startCommandOf, statusCommandOf } from './step-commands.ts';
import { StepBudget } from './step-budget.ts';
import { StepData } from './step-data.ts';
import { secondsOf, wholeDeadline } from './deadline.ts';
import { appendAll } from '../flow/append-all.ts';
import { resolveText, type SubstitutionData } from './substitute.ts';
import { POD_EXIT_CODE, POD_OUTPUTS_READER } from '../plan/plan-node.ts';
import { LOG_VERSION } from './timeout-error.ts';
import type { Command, EngineEvent, GenerateCommand, InputRef, RunStatus, StartCommand, StatusCommand, WindowCommand } from './types.ts';

export class EngineCore {
  status: RunStatus = 'pending';
  /** the run tried to make more steps than maxSteps (and failed for it) */
  overStepLimit = false;
  readonly root: PlanNode;
  readonly opts: EngineOptions;
  rootAct: Act | undefined;
  out: Command[] = [];
  /** composites to pump (pump-order.ts) */
  readonly dirty = new DirtyQueue();
  /** acts that receive events by step id: leaves, cycles, generate steps */
  readonly targets = new Map<string, Act>();
  /** acts whose whole-node deadline is armed (composites, a leaf root with its flow's deadline), by step id (deadline.ts) */
  readonly deadlines = new Map<string, Act>();
  /**
   * How many deadlines each step id has had armed, over the whole run (a retry of the run
   * keeps it): a step id runs again (a retry of the run, a retryWhole around it), and each
   * start arms a deadline of its own, its timer and its event named by this number.
   */
  readonly deadlineArms = new Map<string, number>();
  /**
   * How many times each step id has started as a composite with retryWhole, over the whole
   * run: its attempts count from 1 on each start, so a back-off of a later start names it
   * (BackoffCommand.started), or its timer and event would be an earlier start's.
   */
  readonly wholeStarts = new Map<string, number>();
  /** leaves waiting out a back-off before their next attempt, by step id */
  readonly backoffs = new Map<string, Act>();
  /**
   * The version of the run's log, from its `begin` (LOG_VERSION, timeout-error.ts, says what
   * each version changed): an older log folds again as it was decided when it was written.
   */
  logVersion = LOG_VERSION;
  /** the run's steps counted against its limit, and its pods' charges (step-budget.ts) */
  readonly budget: StepBudget;
  /** the latest time the log's events carry (ms since the epoch; 0 when they carry none) */
  now = 0;
  /** leaves that failed, in the order they failed (an exit handler's `exit.failures`) */
  failures: Failure[] = [];
  /** units' declared output artifacts: `useStep|name` -> the step and output inside that writes it */
  private readonly unitArtifacts = new Map<string, InputRef>();
  /** the acts running now, in the order they started (act-lists.ts) */
  readonly running = new RunningActs();
  /** slots of `spec.parallelism` limits (run-slots.ts) */
  slots = new RunSlots();
  readonly data = new StepData();
  /** sizes of composites' results, counted once each (result-size.ts) */
  readonly sizes = new ResultSizes();
  /** window reads and expansions asked for and not yet answered, by step */
  readonly waiting = new Map<string, WindowCommand | GenerateCommand>();
  /** notes made, per plan node and kind (a dry run notes a node once, not once per item) */
  readonly noted = new Map<PlanNode, Set<string>>();
  readonly ops: Ops;
  /** what a retry keeps (engine-events.ts): results of succeeded leaves, the last attempt of every leaf, windows read */
  readonly kept = { leaves: new Map<string, JsonValue>(), parameters: new Map<string, Record<string, JsonValue> | undefined>(), attempts: new Map<string, number>(), windows: new Map<string, Extract<EngineEvent, { type: 'window' }>>(), composites: new Set<string>() };
  /**
   * Whether `kept` records leaves, attempts and parameters: not in a dry run, which is never
   * retried (its events are the simulation's own), and for which those maps were three hash
   * operations on maps of a million entries per step.
   */
  readonly keeps: boolean;
  /** each leaf's last attempt when the run was last retried (engine-events.ts retryRun): a pod's next one resumes it */
  retried: Map<string, number> | undefined;
  /** how many items each fan-out had started when the run was last retried, until it knows its items again (itemsKnown) */
  retriedItems: Map<string, number> | undefined;
  /**
   * Leaves whose next outputs replace what an earlier attempt kept: those that succeeded inside
   * a composite that then ran again whole (retryWhole), and generate steps whose program
   * succeeded (engine-events.ts expand), which run again when their unit failed, on a retry of
   * the run or a retryWhole: their new Dataset is the one read (tester 15; their first one was
   * adopted, as a late copy's would be).
   */
  readonly rerun = new Set<string>();
  /**
   * Pumps stopped at the end of a slice of the fold (EngineOptions.sliceSteps), innermost
   * first: a fan-out or graph between two children, and every loop around it that would
   * have gone on after it. flush() goes on with them, in this order, before anything else,
   * so the engine makes the same decisions in the same order as in one go.
   */
  paused: Act[] = [];
  /** steps of a pod's micro plan waiting for the run's grant, first come first, each with its ticket (StepBudget.mustWait; log version 8) */
  private readonly granting: Array<{ act: Act; ticket: number }> = [];
  /** a cancel under way (its reason) whose acts are stopped a slice at a time (engine-events.ts cancelSlice) */
  cancelling: string | undefined;
  /** steps the slice under way may still start; pausing is allowed only while a fold of one event, a start or a resume is under way (openSlice) */
  private sliceLeft = Infinity;
  private sliceOpen = false;

  constructor(root: PlanNode, opts: EngineOptions = {}) {
    this.root = root;
    this.opts = opts;
    this.keeps = !opts.dryRun;
    this.ops = engineOps(this);
    for (const k of this.keeps ? (opts.kept ?? []) : []) {
      this.kept.leaves.set(k.step, k.result);
      if (k.parameters) this.kept.parameters.set(k.step, k.parameters);
      if (k.attempt !== undefined) this.kept.attempts.set(k.step, k.attempt);
    }
    this.budget = new StepBudget(opts.maxSteps ?? DEFAULT_LIMITS.maxSteps, opts.stepsBefore ?? 0, () => this.logVersion, opts.allowed);
  }

  /** Start the run (`at`: when, ms since the epoch, as the log records it): the commands for everything that starts at once. */
  begin(at?: number): Command[] {
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

  /** A leaf whose program runs (or should): not expanding, not past its program, not waiting out a back-off. */
  atWork(a: Act): boolean {
    return this.isLeaf(a.node) && a.status === 'running' && !a.expanding && !a.driver && !a.backingOff && !a.queued;
  }

  isLeaf(node: PlanNode): boolean {
    return isLeaf(node) && !(node.kind === 'pod' && this.opts.dryRun);
  }

  spawn(node: PlanNode, parent: Act | undefined, id: string, scope: Scope, index: number, quiet?: boolean): Act {
    // A wrapper whose body shares its id lets the body report, unless it gives what its body cannot (a unit's output parameters).
    const wraps = (node.kind === 'use' || node.kind === 'fanIn') && node.body.seg === '' && !(node.kind === 'use' && node.gives?.parameters);
    // Every field a leaf gets in its life is in the literal: one shape for all acts, held in
    // the object itself (fields added later went to a second, growing store per act).
    const act: Act = {
      id, level: parent ? parent.level + 1 : 0, pos: parent ? posBelow(parent.pos, index) : [], node, parent, scope, status: 'pending', attempt: 0, roundFirst: 1, quiet: quiet ?? wraps,
      driver: undefined, startedAt: undefined, firstAt: undefined, result: undefined, error: undefined, exitCode: undefined, reason: undefined, deadlineSeconds: undefined, deadlineArmed: undefined, wholeStart: undefined, ownRetry: undefined,
      inRunning: false, runPrev: undefined, runNext: undefined, firstKid: undefined, lastKid: undefined, kidOf: undefined, kidPrev: undefined, kidNext: undefined,
    };
    if (parent) {
      addKid(parent, act);
      // What markUnstarted reads, which does nothing when statuses are quiet (a dry run): a million leaves made a set of a million.
      if (!this.opts.quietStatus) (parent.started ??= new Set()).add(node);
      // What a fan-in over files (`fan/*:out`) lists.
      if (parent.node.kind === 'fanOut') (this.data.fanItems[parent.id] ??= [])[index] = { index, item: scope.item ?? null };
    }
    return act;
  }

  startAct(act: Act): void {
    const node = act.node;
    this.sliceLeft--;
    // A step is an activation with an id of its own: not the run's root (''), nor a unit's root (its use node's id),
    // which no plan counts (compile.ts ctx.order), so a plan right at the limit runs whole (a log of version 3 or before counted every activation).
    // Nor a pod's micro plan's root, whose id is the pod's (the run counted the pod).
    const counted = this.logVersion < 4 || (act.id !== (this.opts.prefix ?? '') && act.id !== act.parent?.id);
    // A pod's micro plan past what the run granted it waits for more (log version 8): its flush asks.
    const ticket = counted ? this.budget.mustWait() : undefined;
    if (ticket !== undefined) return void this.granting.push({ act, ticket });
    // A pod's containers are steps of the run too (log version 5; before, a pod counted once): its micro plan's steps, counted as it starts.
    // (A dry run opens the pod and counts its containers as they start.) A retry keeps a pod it does not run again: its charge counts again.
    const pod = node.kind === 'pod' && !this.opts.dryRun ? { id: act.id, body: node.body, kept: () => this.keeps && this.kept.leaves.has(act.id) && act.scope.exit === undefined } : undefined;
    if (counted && this.budget.count(pod)) return this.overLimit(act);
    this.startCounted(act);
  }

  /** startAct past the step's count: its `when`, a kept leaf finished, its slots, then proceed. */
  private startCounted(act: Act): void {
    const node = act.node;
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
    // An exit handler's leaves are never kept: a retry of the run runs every handler again over
    // the new outcome, as Argo's retry drops its onExit nodes (FormulateRetryWorkflow; Argo tester 6, Q9).
    if (this.keeps && this.isLeaf(node) && this.kept.leaves.has(act.id) && act.scope.exit === undefined) {
      // Kept by a retry: it succeeded before, so it finishes now without running or reporting.
      act.status = 'running';
      const quiet = act.quiet;
      act.quiet = true;
      act.parameters = this.kept.parameters.get(act.id);
      // It reports nothing, so what `{{ steps.X.status }}` and `status` read is set here, before
      // finish starts its dependents (Argo tester 3, N20: they read a kept step as pending).
      this.data.statuses[act.id] = 'succeeded';
      this.finish(act, 'succeeded', this.kept.leaves.get(act.id));
      act.quiet = quiet;
      return;
    }
    // A flow's spec.parallelism: a pool of slots for everything beneath its root (run-slots.ts).
    if (node.parallelism !== undefined) act.scope = { ...act.scope, pools: [...(act.scope.pools ?? []), new SlotPool(node.parallelism)] };
    act.status = 'running';
    this.running.add(act);
    // A leaf root's flow deadline (spec.deadline) holds while it waits for a slot too, and over every attempt.
    if (this.isLeaf(node) && !this.armWholeDeadline(act, true)) return;
    // A leaf's own retry, a computed limit resolved now, once for all its attempts (retry-policy.ts resolvedRetry).
    if (this.isLeaf(node) && node.retry !== undefined && !this.resolveRetry(act, () => (act.ownRetry = resolvedRetry(node.retry!, 'retry.limit', () => this.data.substitution(act))))) return;
    // A step that runs a program at the macro level waits for a slot of every limit around it.
    if (act.scope.pools && isLeaf(node) && !this.slots.take(act)) return;
    this.proceed(act);
  }

  /** Go on with a started act: a leaf launched, a composite given its driver. */
  proceed(act: Act): void {
    const node = act.node;
    act.startedAt = this.now;
    if (this.isLeaf(node)) {
      act.firstAt = this.now;
      act.attempt = this.keeps ? (this.kept.attempts.get(act.id) ?? 0) + 1 : 1;
      act.roundFirst = act.attempt;
      if (this.keeps) {
        // It succeeded in an earlier round and runs again (an exit handler's leaf after a retry
        // of the run): its outputs replace what that round kept, and a pod runs whole.
        act.replaces = this.kept.leaves.has(act.id) || this.rerun.has(act.id);
        // A pod's first attempt after a retry of the run resumes it: its inner steps that succeeded are kept.
        act.resumes = !act.replaces && node.kind === 'pod' && this.retried !== undefined && this.retried.get(act.id) === act.attempt - 1;
      }
      this.targets.set(act.id, act);
      return this.launch(act);
    }
    // One that succeeded before (a retry of the run) says it runs only when something beneath it does.
    // Inside a pod resumed by a retry of the run, those the pod's kept execution ended succeeded come in opts.kept.
    if (this.keeps && (this.kept.composites.has(act.id) || this.kept.leaves.has(act.id))) act.held = true;
    else {
      this.unhold(act.parent);
      this.emitStatus(act);
    }
    // A composite that may run again whole counts its attempts (retryWhole), from its first start.
    // `inherit` takes the retry its place gives (an Argo workflow's spec.retryStrategy reaching
    // the steps and dag templates inside a templateRef unit: operator.go retryStrategy, the
    // template's own else execWf.Spec.RetryStrategy), read before its own `retry` applies.
    // A computed limit is resolved now, from what the node's references read (retry-policy.ts resolvedRetry).
    let whole: RetryPlan | undefined;
    let retry: RetryPlan | undefined;
    const resolved = this.resolveRetry(act, () => {
      whole = node.retryWhole === 'inherit' ? act.scope.retry : node.retryWhole && resolvedRetry(node.retryWhole, 'retryWhole.limit', () => this.data.substitution(act));
      if (node.retry !== undefined) retry = resolvedRetry(node.retry, 'retry.limit', () => this.data.substitution(act));
    });
    if (!resolved) return;
    // What the steps beneath it retry by: its `retries` count, then its own `retry` over it.
    if (node.retries !== undefined) act.scope = { ...act.scope, retries: node.retries, retry: undefined };
    if (retry !== undefined) act.scope = { ...act.scope, retry };
    if (whole !== undefined) {
      act.whole = whole;
      act.attempt = 1;
      act.wholeStart = (this.wholeStarts.get(act.id) ?? 0) + 1;
      this.wholeStarts.set(act.id, act.wholeStart);
      act.firstAt = this.now;
    }
    if (node.kind === 'use') {
      for (const [name, from] of Object.entries(node.gives?.artifacts ?? {})) {
        const colon = from.lastIndexOf(':');
        this.unitArtifacts.set(`${act.id}|${name}`, { step: joinId(act.id, from.slice(0, colon)), output: from.slice(colon + 1) });
      }
    }
    // A composite's timeout is a deadline for the whole node (DESIGN.md section 3), as its flow's spec.deadline is.
    if (!this.armWholeDeadline(act, false)) return;
    try {
      act.driver = driverFor(act, this.ops);
    } catch (e) {
      return this.finish(act, 'failed', undefined, (e as Error).message);
    }
    if (node.kind === 'cycle') this.targets.set(act.id, act);
    // Pump now, not later: a composite's first leaves start before those of siblings declared after it.
    act.driver.pump();
  }

  /** Run `resolve` (a computed retry limit resolved); false when it throws: `act` has then failed, saying why, with no exit code. */
  private resolveRetry(act: Act, resolve: () => void): boolean {
    try {
      resolve();
      return true;
    } catch (e) {
      this.finish(act, 'failed', undefined, (e as Error).message);
      return false;
    }
  }

  /**
   * Arm the deadline of the whole of `act` (deadline.ts wholeDeadline; `leaf`: whether it runs
   * as a leaf), a computed one resolved now from what the step's references read. False when it
   * does not resolve: `act` has then failed, saying why.
   */
  private armWholeDeadline(act: Act, leaf: boolean): boolean {
    let seconds: number | undefined;
    try {
      seconds = wholeDeadline(act.node, leaf, (v, field) => secondsOf(v, field, () => this.data.substitution(act)));
    } catch (e) {
      this.finish(act, 'failed', undefined, (e as Error).message);
      return false;
    }
    if (seconds !== undefined) this.armDeadline(act, seconds);
    return true;
  }

  /** Ask for a `deadline` event for the whole of `act` once `seconds` have passed (deadline.ts). */
  private armDeadline(act: Act, seconds: number): void {
    act.deadlineSeconds = seconds;
    // A unit's body shares its `use` node's step id and starts in the same tick: one timer
    // per id (the store keeps the first time asked for), the shorter of the two.
    const outer = this.deadlines.get(act.id);
    const unit = outer !== undefined && outer === act.parent;
    const asked = unit ? this.out.find((c): c is Extract<Command, { type: 'deadline' }> => c.type === 'deadline' && c.step === act.id) : undefined;
    if (asked) {
      act.deadlineArmed = asked.armed;
      if (asked.seconds <= seconds) return;
      asked.seconds = seconds;
      this.deadlines.set(act.id, act);
      return;
    }
    // The unit's own, asked in an earlier tick, is the same timer (the store keeps its time); any other start of the id arms a new one.
    const armed = unit ? outer.deadlineArmed! : (this.deadlineArms.get(act.id) ?? 0) + 1;
    this.deadlineArms.set(act.id, armed);
    act.deadlineArmed = armed;
    this.deadlines.set(act.id, act);
    this.out.push({ type: 'deadline', step: act.id, seconds, armed });
  }

  finish(act: Act, status: 'succeeded' | 'failed' | 'skipped', result?: JsonValue, error?: string): void {
    if (act.status !== 'running' && act.status !== 'pending') return;
    // A composite with retryWhole runs again from its start (its own deadline passed ends it: the deadline holds across attempts).
    if (status === 'failed' && act.whole !== undefined && act.status === 'running' && !act.exiting && act.reason !== 'timeout' && !this.isLeaf(act.node) && this.runsAgain(act, error)) return;
    if (act.slots) this.slots.release(act);
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
    // A unit that failed still gives the output parameters its steps gave (each one it can resolve), as a failed leaf does.
    if (status === 'failed' && act.node.kind === 'use' && act.node.gives?.parameters && !act.parameters) act.parameters = this.givenParameters(act, act.node.gives.parameters);
    if (status === 'succeeded' && result !== null && typeof result === 'object' && !this.isLeaf(act.node)) {
      // A composite's result holds its children's: bounded like a leaf's, or a large fan-out's list would grow without end.
      const max = this.opts.maxCompositeResultBytes ?? DEFAULT_LIMITS.maxCompositeResultBytes;
      const bytes = this.sizes.of(result);
      if (bytes > max) {
        act.quiet = false;
        return this.finish(act, 'failed', undefined, `its result (its children's results) is ${bytes.toLocaleString('en')} bytes as JSON, more than the limit of ${max.toLocaleString('en')} (${LIMIT_VARIABLES.maxCompositeResultBytes}); pass large data between steps as output files`);
      }
    }
    if (act.node.onExit && status !== 'skipped' && act.status === 'running' && !act.exiting) return this.runExitHandler(act, status, result, error);
    act.status = status;
    act.result = result;
    act.error = error;
    this.running.delete(act);
    this.targets.delete(act.id);
    this.deadlines.delete(act.id);
    removeKid(act);
    act.driver = undefined;
    if (status === 'succeeded' && act.id !== '') this.data.results[act.id] = result ?? null;
    // A failed leaf's program may have given a result and parameters: they are
    // its outputs, read by what goes on after it. A retry of the run keeps succeeded leaves only.
    const gave = status === 'succeeded' || (status === 'failed' && (this.isLeaf(act.node) || act.node.kind === 'use'));
    if (status === 'failed' && gave && act.id !== '' && result !== undefined) this.data.results[act.id] = result;
    const keep = this.keeps;
    if (keep && status === 'succeeded' && this.isLeaf(act.node)) this.kept.leaves.set(act.id, result ?? null);
    else if (keep && status === 'succeeded' && act.id !== '') this.kept.composites.add(act.id);
    // A pod's own exit code (its outputs.exitCode) comes among its parameters (POD_EXIT_CODE): taken out.
    const declared = act.node.kind === 'pod' && act.node.pod.exitCode !== undefined;
    const podCode = declared ? takePodExitCode(act) : undefined;
    if (gave && act.parameters) this.data.parameters[act.id] = act.parameters;
    // What `{{ steps.X.exitCode }}` and `exitCode` read: a leaf's program's, as Argo's outputs.exitCode.
    // A unit whose root is a leaf (`use` of a flow whose root is a task) gives its root's, as Argo's templateRef node does.
    // A leaf that succeeded exited 0, also where its runtime did not say (inside a pod).
    // A pod that declares its exit code has that one, or none (an Argo containerSet whose main never ran).
    const code = declared ? (podCode ?? (status === 'succeeded' ? 0 : undefined)) : typeof act.exitCode === 'number' ? act.exitCode : status === 'succeeded' ? 0 : undefined;
    if (code !== undefined && act.id !== '' && this.isLeaf(act.node)) {
      this.data.exitCodes[act.id] = code;
      if (act.parent?.node.kind === 'use' && act.parent.id !== '') this.data.exitCodes[act.parent.id] = code;
    }
    if (keep && status === 'succeeded' && act.parameters) this.kept.parameters.set(act.id, act.parameters);
    // Held (it succeeded before, and a retry of the run kept everything beneath it): its record stays its own.
    // A failure beneath it says it ran (its running first).
    if (status === 'failed') this.unhold(act.parent);
    if (act.held && status === 'succeeded') act.held = false;
    else if (!act.quiet || status === 'skipped') {
      if (act.held) this.unhold(act);
      this.emitStatus(act, error);
    }
    // Skipped by its when, or as said (a fan-out over an empty list: `not started: its list of items is empty`).
    // A deadline says which steps it stopped (engine-events.ts expire), once.
    const stoppedBy = act.notStarted;
    act.notStarted = undefined;
    if (status === 'skipped') this.markUnstarted(act, 'skipped', `not started: step ${act.id} was skipped (${error?.replace(/^not started: /, '') ?? 'its when was false'})`);
    else if (status === 'failed') this.markUnstarted(act, 'skipped', stoppedBy ?? (error?.startsWith('step ') ? notStartedReason(error, '') : act.id === '' ? `not started: ${error ?? 'the run failed'}` : `not started: step ${act.id} failed`));
    // The first failure that fails the parent says whether the parent failed as an error (failedAsError).
    if (status === 'failed' && act.parent && act.parent.failedBy === undefined && !outcomeForParent(act).continued) act.parent.failedBy = { errored: failedAsError(act) };
    if (act.parent) return act.parent.driver?.childDone(act);
    // The root succeeded and its exit handler failed: the run fails with the handler's error.
    if (act.handlerError !== undefined) {
      this.status = 'failed';
      this.out.push({ type: 'done', status: 'failed', error: act.handlerError });
      return;
    }
    this.status = status === 'skipped' ? 'succeeded' : status;
    this.out.push({ type: 'done', status: this.status, ...(result !== undefined ? { result } : {}), ...(error ? { error } : {}), ...(status === 'failed' && act.reason ? { reason: act.reason } : {}) });
  }

  /**
   * Whether the failed composite `act` (with retryWhole) runs again whole, as Argo retries a
   * steps or dag node (argo-workflows operator.go handleRetries and processNodeRetries wrap
   * every template kind): when it does, what its steps did is forgotten (results, statuses,
   * parameters; leaves kept by a retry of the run too, which run again and replace their
   * outputs), and it starts again after its back-off, its leaves on attempts after their last.
   */
  private runsAgain(act: Act, error: string | undefined): boolean {
    const wait = wholeAttemptDelay(act, this.now);
    if (wait === undefined) return false;
    const prefix = act.id === '' ? '' : `${act.id}/`;
    const under = (id: string) => prefix === '' || id === act.id || id.startsWith(prefix);
    this.data.forget(under);
    for (const id of [...this.kept.leaves.keys()].filter(under)) {
      this.rerun.add(id);
      this.kept.leaves.delete(id);
      this.kept.parameters.delete(id);
    }
    for (const id of [...this.kept.composites].filter(under)) this.kept.composites.delete(id);
    clearKids(act);
    act.driver = undefined;
    act.started = undefined;
    act.failedBy = undefined;
    act.attempt++;
    if (wait <= 0) {
      this.again(act, error);
      return true;
    }
    // The engine has no clock: the wait is a command, its end an event in the log (engine-events.ts).
    act.backingOff = true;
    act.backoffSeconds = wait;
    act.lastError = error;
    this.backoffs.set(act.id, act);
    this.out.push({ type: 'backoff', step: act.id, attempt: act.attempt, seconds: wait, ...startedOf(act) });
    return true;
  }

  /** Start the composite `act` again whole (runsAgain), its last attempt's error shown with it; its driver pumps when the engine flushes. */
  again(act: Act, previousError?: string): void {
    act.backingOff = false;
    this.supersede(act);
    this.emitStatus(act, previousError);
    try {
      act.driver = driverFor(act, this.ops);
    } catch (e) {
      // It fails again at once: another attempt while its limit lasts.
      return this.finish(act, 'failed', undefined, (e as Error).message);
    }
    this.markDirty(act);
  }

  /** The output parameters of the unit `act` (a use node), read in the unit. */
  private unitParameters(act: Act, templates: Record<string, Computed>): Record<string, JsonValue> {
    return resolveAll(templates, this.unitData(act));
  }

  /** What substitution reads inside the unit `act` (a use node). */
  private unitData(act: Act): SubstitutionData {
    return this.data.substitution({ ...act, scope: act.unitScope ?? { ...act.scope, unitId: act.id } } as Act);
  }

  /**
   * What the run's root gives as output parameters (a pod's `outputs.parameters`, resolved by
   * its quarterback as it ends), over its steps' data in the root's unit: every one, throwing
   * the first that does not resolve; with `partial` (a failed pod), each that resolves, or
   * undefined when none does, as a failed unit gives what its steps gave.
   */
  rootParameters(templates: Record<string, Computed>, partial: boolean): Record<string, JsonValue> | undefined {
    const root = this.rootAct;
    if (!root) return undefined;
    // Read as from inside the pod (POD_OUTPUTS_READER): `./main` is its container main.
    const act = { ...root, id: `${this.opts.prefix ?? ''}/${POD_OUTPUTS_READER}` } as Act;
    const data = this.data.substitution(act);
    // Partial: one not given leaves the rest; a reader is told the pod failed without it.
    return partial ? resolveGiven(templates, data) : resolveAll(templates, data);
  }

  /** The output parameters of the failed unit `act` that resolve (what its failed steps gave); undefined when none does. */
  private givenParameters(act: Act, templates: Record<string, Computed>): Record<string, JsonValue> | undefined {
    // One not given leaves the rest: a reader is told the unit failed without it.
    return resolveGiven(templates, this.unitData(act));
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
  markUnstarted(act: Act, status: 'skipped' | 'cancelled', reason: string): void {
    if (this.opts.quietStatus) return;
    for (const child of staticChildren(act.node)) {
      if (act.started?.has(child)) continue;
      const id = child.seg === '' ? act.id : act.id === '' ? child.seg : `${act.id}/${child.seg}`;
      for (const m of marksFor(child, id, status, reason, child.seg !== '')) this.pushStatus(m);
    }
  }

  /** `act` and the composites above it held (Act.held) run again: their `running` is said, outermost first. */
  unhold(act: Act | undefined): void {
    const held: Act[] = [];
    for (let a = act; a; a = a.parent) if (a.held) held.push(a);
    for (const a of held.reverse()) {
      a.held = false;
      const status = a.status;
      a.status = 'running';
      this.emitStatus(a);
      a.status = status;
    }
  }

  emitStatus(act: Act, error?: string, image?: string): void {
    // A quiet wrapper lets its body report; skipped, its body never starts, so it reports itself.
    if (this.opts.quietStatus || act.id === '' || (act.quiet && act.status !== 'skipped')) return;
    this.pushStatus(statusCommandOf(act, error, image));
  }

  /**
   * Start a leaf's attempt: its start command, with its templates resolved (a reference
   * that cannot resolve fails the step, saying which), and its status.
   */
  launch(act: Act, previousError?: string): void {
    // Every attempt launched, its retries' too: a retry of the run starts the one after the
    // last (a new job id). Recording only the first made it reuse a used job id and wait
    // for a job that had already ended (Argo tester 6, Q22).
    if (this.keeps) this.kept.attempts.set(act.id, act.attempt);
    this.unhold(act.parent);
    let cmd: StartCommand;
    try {
      cmd = this.startCommand(act);
    } catch (e) {
      return this.finish(act, 'failed', undefined, (e as Error).message);
    }
    // A pod's containers and a generate step's unit beneath it: an earlier attempt's (a pod's own retry, a retry of the run).
    // Not a pod resumed by a retry of the run: it keeps its inner steps that succeeded, not reported again.
    if (act.attempt > 1 && act.node.kind !== 'task' && !(act.resumes && act.attempt === act.roundFirst)) this.supersede(act);
    this.emitStatus(act, previousError, cmd.task?.image);
    this.out.push(cmd);
  }

  /** What `act` made beneath it in an earlier attempt is superseded: it runs again (SupersedeCommand). */
  supersede(act: Act): void {
    if (!this.opts.quietStatus) this.out.push({ type: 'supersede', step: act.id });
  }

  /**
   * The fan-out `act` has `count` items after a retry of the run: the items its run before
   * the retry made past them (its list came out shorter) are superseded, each with what is
   * beneath it; once per retry.
   */
  itemsKnown(act: Act, count: number): void {
    const before = this.retriedItems?.get(act.id);
    if (before === undefined || this.opts.quietStatus) return;
    this.retriedItems!.delete(act.id);
    for (let i = count; i < before; i++) this.out.push({ type: 'supersede', step: joinId(act.id, String(i)), self: true });
  }

  /**
   * Inputs resolved for `act`: step paths from its unit or its parent, `*` items, the
   * unit's own inputs, and a unit's declared output artifacts followed to the step inside
   * that writes them. Throws (failing the step) for a unit input that was not given.
   */
  inputsOf(inputs: Record<string, InputSpec> | undefined, act: Act): Record<string, InputRef> {
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
  pushStatus(cmd: StatusCommand): void {
    if (!(cmd.ifPending && this.data.statuses[cmd.step])) this.data.statuses[cmd.step] = cmd.status;
    this.out.push(cmd);
  }

  /** `act` would make the run pass its step limit: it fails for it, as the limit says. */
  overLimit(act: Act): void {
    this.overStepLimit = true;
    this.finish(act, 'failed', undefined, `the run would make more than ${this.budget.limit.toLocaleString('en')} steps, the limit (${LIMIT_VARIABLES.maxSteps})`);
  }

  /**
   * A pod ended having made `steps` micro steps (its `finished.steps`, log version 6): those
   * past what its start counted (podStepCount: a fan-out's or cycle's body once), and past what
   * an attempt before was charged, are charged to the run now. Its quarterback counted from
   * the run's steps when it started (stepsBefore), so it stops at the limit itself; pods
   * running at once do not see each other's, and one whose charge passes the limit fails for
   * it here. True when it failed so.
   */
  chargePod(act: Act, steps: number): boolean {
    if (act.node.kind !== 'pod' || this.opts.dryRun || !this.budget.charge(act.id, act.node.body, steps)) return false;
    this.overLimit(act);
    return true;
  }

  /**
   * A pod's micro plan: the run granted `steps` micro steps in all for its ask of `asked`
   * (log version 8). The steps waiting that the answer covers start, first come first, as
   * far as the grant reaches; the rest of those fail at the limit; a step stopped meanwhile
   * (a cancel, its parent's deadline) is let go.
   */
  granted(asked: number, steps: number): void {
    this.budget.granted(asked, steps);
    // Steps started here may wait in turn: they join the end of the list.
    let i = 0;
    for (; i < this.granting.length; i++) {
      const { act, ticket } = this.granting[i];
      const taken = this.budget.takeWaiting(ticket, act.status !== 'pending');
      if (taken === undefined && act.status === 'pending') break;
      if (taken === 'over') this.overLimit(act);
      else if (taken === 'ok') this.startCounted(act);
    }
    this.granting.splice(0, i);
  }

  /**
   * Pod `step` at `attempt` asks for `steps` micro steps in all (log version 8): the run
   * reserves what it holds and as much as the run has left (StepBudget.grant). Nothing for a
   * pod not running that attempt, or a count that is not a whole number.
   */
  askFor(step: string, attempt: number, steps: number): void {
    const act = this.askingPod(step, attempt);
    if (act && Number.isSafeInteger(steps) && steps >= 0) this.budget.grant(act.id, (act.node as Extract<PlanNode, { kind: 'pod' }>).body, steps);
  }

  /** The answer to pod `step`'s ask for `asked` micro steps, once folded (askFor): what it holds, up to `asked`; undefined when it is not running that attempt. */
  grantFor(step: string, attempt: number, asked: number): number | undefined {
    const act = this.askingPod(step, attempt);
    return act ? Math.min(asked, this.budget.allowed(act.id, (act.node as Extract<PlanNode, { kind: 'pod' }>).body)!) : undefined;
  }

  /** Pod `step` running at `attempt` under log version 8, which may ask for steps. */
  private askingPod(step: string, attempt: number): Act | undefined {
    const act = this.targets.get(step);
    return act && act.status === 'running' && act.attempt === attempt && act.node.kind === 'pod' && this.logVersion >= 8 && !this.opts.dryRun ? act : undefined;
  }

  /**
   * `act`'s start command, for its launch and for a lost job enqueued anew (RunEngine.startCommandsFor):
   * throws (Error, its words) when a template of the step cannot resolve.
   */
  startCommand(act: Act): StartCommand {
    const cmd = startCommandOf(act, { dryRun: this.opts.dryRun, inputsOf: (inputs, a) => this.inputsOf(inputs, a), substitution: (a) => this.data.substitution(a) });
    // A pod's quarterback counts its steps on from the run's (log version 6): what the run has
    // made, this pod's micro steps aside (those its start counted, and those charged for an attempt before).
    // Here, not in launch: a lost job enqueued anew without it gave the pod the whole limit.
    if (cmd.pod && act.node.kind === 'pod' && !this.opts.dryRun) {
      const before = this.budget.stepsBefore(act.id, act.node.body);
      if (before !== undefined) cmd.pod.stepsBefore = before;
      // Log version 8: it asks for steps past these (a grant), so pods running at once hold the limit between them.
      const allowed = this.budget.allowed(act.id, act.node.body);
      if (allowed !== undefined) cmd.pod.allowed = allowed;
      // The run's limits hold inside the pod, whatever the configuration of the worker that runs it.
      const o = this.opts;
      cmd.pod.limits = { maxSteps: this.budget.limit, maxUnitDepth: o.maxUnitDepth ?? DEFAULT_LIMITS.maxUnitDepth, maxFanOutItems: o.maxFanOutItems ?? DEFAULT_LIMITS.maxFanOutItems, maxCompositeResultBytes: o.maxCompositeResultBytes ?? DEFAULT_LIMITS.maxCompositeResultBytes };
    }
    return cmd;
  }

  markDirty(act: Act): void {
    this.dirty.mark(act);
  }

  /**
   * Open a slice of the fold: `allowed` (a start, a resume, an event applied alone) lets
   * pumps pause once EngineOptions.sliceSteps steps have started in it. Events applied
   * together are folded in one go: one must not be taken in while a pump is paused.
   */
  openSlice(allowed: boolean): void {
    this.sliceOpen = allowed && this.opts.sliceSteps !== undefined;
    this.sliceLeft = this.opts.sliceSteps ?? Infinity;
  }

  closeSlice(): void {
    this.sliceOpen = false;
  }

  /** A cancel's slice stops one act more, or is spent (only while a slice may pause: see openSlice). */
  sliceSpent(): boolean {
    if (!this.sliceOpen) return false;
    return this.sliceLeft-- <= 0;
  }

  /**
   * Asked by a pump before it starts a child (Ops.pause): true when it must stop there,
   * the slice being spent or a pump beneath it paused; it is then resumed by flush().
   */
  pause(act: Act): boolean {
    if (!this.sliceOpen || (this.paused.length === 0 && this.sliceLeft > 0)) return false;
    this.paused.push(act);
    return true;
  }

  /**
   * Pump the composites marked, deepest first (pump-order.ts), and hand out the commands made, starts in declared order.
   * Pumps paused at a slice's end go on first (paused); with the slice spent and some still paused, the commands so far are handed out (RunEngine.more).
   */
  flush(): Command[] {
    for (;;) {
      if (this.paused.length > 0) {
        if (this.sliceLeft <= 0) break;
        // The innermost goes on as if it had not stopped; what pauses in it comes before the others.
        const rest = this.paused;
        this.paused = [];
        rest.shift()!.driver?.pump();
        appendAll(this.paused, rest);
        continue;
      }
      const act = this.dirty.next();
      if (act) {
        if (act.status === 'running') act.driver?.pump();
        continue;
      }
      // Slots freed: the steps waiting for them start, first declared first; what they end may free more.
      if (!this.slots.pending || this.status !== 'running') break;
      for (const waiting of this.slots.fill((a) => a.status === 'running' && a.queued === true)) this.proceed(waiting);
    }
    // A pod's micro plan: its steps waiting past the grant are asked for once (log version 8).
    const ask = this.status === 'running' ? this.budget.toAsk() : undefined;
    if (ask !== undefined) this.out.push({ type: 'ask', steps: ask });
    const out = this.out;
    this.out = [];
    return inDeclaredOrder(out, (step) => this.targets.get(step)?.pos ?? []);
  }
}

/** A child's declared position: its parent's and its own index (copied in a loop: a spread goes through the iterator protocol). */
function posBelow(pos: number[], index: number): number[] {
  const out = new Array<number>(pos.length + 1);
  for (let i = 0; i < pos.length; i++) out[i] = pos[i];
  out[pos.length] = index;
  return out;
}

/** The exit code pod step `act` gave among its parameters (POD_EXIT_CODE), taken out of them; undefined when it gave none. */
function takePodExitCode(act: Act): number | undefined {
  if (!act.parameters || !Object.prototype.hasOwnProperty.call(act.parameters, POD_EXIT_CODE)) return undefined;
  const { [POD_EXIT_CODE]: code, ...rest } = act.parameters;
  act.parameters = Object.keys(rest).length > 0 ? rest : undefined;
  return typeof code === 'number' ? code : undefined;
}

/** Output parameters `templates` resolved over `data` (each named `outputs.parameters.NAME`); throws the first that does not resolve. */
function resolveAll(templates: Record<string, Computed>, data: SubstitutionData): Record<string, JsonValue> {
  return Object.fromEntries(Object.entries(templates).map(([k, v]) => [k, resolveText(v, `outputs.parameters.${k}`, data)]));
}

/** Each of output parameters `templates` that resolves over `data`; undefined when none does. */
function resolveGiven(templates: Record<string, Computed>, data: SubstitutionData): Record<string, JsonValue> | undefined {
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(templates)) {
    try {
      out[k] = resolveText(v, `outputs.parameters.${k}`, data);
    } catch {
      // Not given: left out.
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A composite's back-off names its start (BackoffCommand.started); a leaf's nothing (its attempts count on over the run). */
export function startedOf(act: Act): { started?: number } {
  return act.wholeStart !== undefined ? { started: act.wholeStart } : {};
}
