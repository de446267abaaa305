/**
 * How the engine takes an event from the log: a leaf's end (and its retries with back-off),
 * a window read, a generated unit, a back-off or deadline passed, a cancel, a retry of the
 * run. Each changes the core's state; RunEngine.apply then lets the composites decide.
 */
import type { JsonValue } from '../flow/types.ts';
import { endedWithoutExit, type Act, type Scope } from './act.ts';
import type { CycleDriver } from './cycle.ts';
import type { EngineCore } from './engine-core.ts';
import { DEFAULT_LIMITS, LIMIT_VARIABLES } from '../flow/limits.ts';
import { nextAttemptDelay } from './retry-policy.ts';
import type { EngineEvent, GenerateCommand } from './types.ts';
import { wrapDriver } from './wrap.ts';
import { RunSlots } from './run-slots.ts';
import { clearKids, kidsOf } from './act-lists.ts';
import { appendAll } from '../flow/append-all.ts';
import { legacyTimeoutText, timedOutError } from './timeout-error.ts';
import { legacyTransientText } from './transient-error.ts';

/** Apply one event to `core` (late or repeated events change nothing). */
export function applyEvent(core: EngineCore, e: EngineEvent): void {
  if (e.at) core.now = Math.max(core.now, e.at);
  if (e.type === 'retry') return retryRun(core);
  if (core.status !== 'running') return;
  if (e.type === 'cancel') return cancelRun(core, e.reason);
  if (e.type === 'deadline') return expire(core, e.step, e.armed);
  if (e.type === 'backoff') {
    const waiting = core.backoffs.get(e.step);
    if (!waiting || waiting.attempt !== e.attempt || waiting.status !== 'running') return;
    // A composite's back-off of an earlier start (its attempts count from 1 on each) is late.
    if (e.started !== undefined && e.started !== waiting.wholeStart) return;
    core.backoffs.delete(e.step);
    waiting.backingOff = false;
    // A composite waiting to run again whole (retryWhole), or a leaf's next attempt.
    return core.isLeaf(waiting.node) ? core.launch(waiting, waiting.lastError) : core.again(waiting, waiting.lastError);
  }
  // A pod's micro plan: the run's answer to its ask; the steps waiting for it start or fail (log version 8).
  if (e.type === 'grant') return core.granted(e.asked, e.steps);
  if (e.type === 'ask') return core.askFor(e.step, e.attempt, e.steps);
  const act = core.targets.get(e.step);
  if (!act || act.status !== 'running') return; // late or repeated: nothing changes
  if (e.type === 'finished') {
    // A generate step with a driver has already expanded: a repeated `finished` must not expand it again.
    if (!core.isLeaf(act.node) || act.expanding || act.driver || act.backingOff || e.attempt !== act.attempt) return;
    // A pod's micro steps past what its start counted are the run's (log version 6); past the limit, it fails for it.
    if (e.steps !== undefined && core.chargePod(act, e.steps)) return;
    act.exitCode = e.exitCode;
    // The reason, never the words; only a log older than reasons has nothing but words (timeout-error.ts).
    act.reason = e.reason ?? (core.logVersion < 2 && !e.ok && legacyTimeoutText(e.error) ? 'timeout' : undefined);
    if (e.ok) {
      if (e.parameters) act.parameters = e.parameters;
      if (act.node.kind === 'generate') return expand(core, act, e.result ?? null);
      return core.finish(act, 'succeeded', e.result ?? null);
    }
    // Transient as its runtime said; only a log older than `transient` has nothing but words (transient-error.ts).
    const transient = e.transient === true || (core.logVersion < 3 && legacyTransientText(e.error));
    const wait = nextAttemptDelay(act, endedWithoutExit(act), core.now, transient);
    if (wait !== undefined) {
      act.attempt++;
      if (wait <= 0) return core.launch(act, e.error);
      // The engine has no clock: the wait is a command, its end an event in the log.
      act.backingOff = true;
      act.backoffSeconds = wait;
      act.lastError = e.error;
      core.backoffs.set(act.id, act);
      core.out.push({ type: 'backoff', step: act.id, attempt: act.attempt, seconds: wait });
      return;
    }
    // The last attempt's outputs stay the failed step's, as Argo keeps a Failed node's outputs:
    // continueOn and `.Failed` dependents read its result and parameters (Argo tester 3, N14).
    if (e.parameters) act.parameters = e.parameters;
    return core.finish(act, 'failed', e.result, e.error ?? 'exited non-zero');
  }
  if (e.type === 'window') {
    core.kept.windows.set(`${e.step}|${e.round}`, e);
    const asked = core.waiting.get(e.step);
    if (asked?.type === 'window' && asked.round === e.round) core.waiting.delete(e.step);
    (act.driver as CycleDriver | undefined)?.windowArrived?.(e.round, e.items, e.drained, e.error);
    return;
  }
  // An answer for an earlier attempt of a step run again (a retry of the run, a retryWhole) is late: its own comes.
  if (!act.expanding || (e.attempt !== undefined && e.attempt !== act.attempt)) return;
  act.expanding = false;
  core.waiting.delete(act.id);
  if (e.type === 'expandFailed') return core.finish(act, 'failed', undefined, e.error);
  const scope: Scope = { ...act.scope, params: e.params ?? {}, unitId: act.id, depth: act.scope.depth + 1 };
  // The generated unit shares the generate step's id, which already reports its own status.
  act.driver = wrapDriver(act, core.ops, e.body, scope, e.body.seg === '');
  core.markDirty(act);
}

/** A generate step's program succeeded with `dataset`: ask for its unit (a `generate` command), within the depth limit. */
function expand(core: EngineCore, act: Act, dataset: JsonValue): void {
  const max = core.opts.maxUnitDepth ?? DEFAULT_LIMITS.maxUnitDepth;
  if (act.scope.depth + 1 > max) {
    return core.finish(act, 'failed', undefined, `generate nested more than ${max} units deep, the limit (${LIMIT_VARIABLES.maxUnitDepth})`);
  }
  act.expanding = true;
  // Its program succeeded: its outputs are kept, and an attempt run again (its unit failed) keeps its own in their place.
  if (core.keeps) core.rerun.add(act.id);
  // Its program has ended: its slots go to the steps waiting, its unit's steps among them.
  if (act.slots) core.slots.release(act);
  const cmd: GenerateCommand = { type: 'generate', step: act.id, dataset, depth: act.scope.depth + 1, attempt: act.attempt };
  core.waiting.set(act.id, cmd);
  core.out.push(cmd);
}

/**
 * Cancel: every running step ends `cancelled`, and what never started too; no composite pumps
 * again. The run is `cancelled` at once (later events change nothing), and its acts are
 * stopped in start order; a fold in slices (EngineOptions.sliceSteps) stops a slice of them
 * at a time (cancelSlice), so a run of 100,000 steps running is not stopped in one go.
 */
function cancelRun(core: EngineCore, reason = 'cancelled'): void {
  core.status = 'cancelled';
  core.cancelling = reason;
  cancelSlice(core);
}

/**
 * Stop the running acts of a cancel under way, oldest first, until the slice is spent (its
 * step budget counts acts stopped); with none left, the run's `done`. The same commands in the
 * same order as stopping them all in one loop.
 */
export function cancelSlice(core: EngineCore): void {
  const reason = core.cancelling;
  if (reason === undefined) return;
  for (let act = core.running.first(); act; act = core.running.first()) {
    if (core.sliceSpent()) return;
    stop(core, act, reason, `not started: ${reason}`, 'cancelled');
    core.running.delete(act);
  }
  core.cancelling = undefined;
  core.deadlines.clear();
  core.backoffs.clear();
  core.out.push({ type: 'done', status: 'cancelled', error: reason });
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
function retryRun(core: EngineCore): void {
  if (core.status !== 'failed' && core.status !== 'cancelled') return;
  core.rootAct = undefined;
  core.cancelling = undefined;
  core.running.clear();
  core.targets.clear();
  core.waiting.clear();
  core.deadlines.clear();
  core.backoffs.clear();
  core.failures = [];
  core.dirty.clear();
  // A pod's charge stays (log version 7): kept by the retry, it counts again, as a kept
  // fan-out's items do; run again, it is forgotten (step-budget.ts chargeAgain).
  core.budget.restart();
  core.overStepLimit = false;
  core.slots = new RunSlots();
  // Each fan-out's items so far: those its list no longer gives are superseded when it knows it again (itemsKnown).
  core.retriedItems = new Map(Object.entries(core.data.fanItems).map(([fan, items]) => [fan, items.length]));
  core.data.clear();
  core.retried = new Map(core.kept.attempts);
  // begin() hands back (and replaces) core.out: keep its commands for apply() to return.
  const cmds = core.begin();
  appendAll(core.out, cmds);
}

/**
 * A whole node's deadline passed (deadline.ts): what runs inside it is stopped (`cancelled`),
 * what never started is `skipped`, and the node fails, which its parent takes as any failure.
 * A leaf with one (a leaf root under its flow's spec.deadline) is stopped at whatever attempt
 * or back-off it is on, and fails itself.
 */
function expire(core: EngineCore, step: string, armed: number | undefined): void {
  const act = core.deadlines.get(step);
  if (!act || act.status !== 'running') return;
  // Armed for an earlier start of the step (before a retry of the run, an earlier attempt of a composite around it): late.
  if (armed !== undefined && armed !== act.deadlineArmed) return;
  const leaf = core.isLeaf(act.node);
  // The run's root (its id empty, or a leaf root's `main`, under the run's `use` of its flow when run by name): its deadline is the run's.
  let ofRun = act.id === '' || !core.opts.prefix;
  for (let up = act.parent; up && ofRun; up = up.parent) ofRun = up.id === '' && up.node.kind === 'use';
  const error = `${ofRun ? 'the run' : `step ${act.id}`} ${timedOutError(act.deadlineSeconds!)}`;
  const stopped: string[] = [];
  const stopKids = (a: Act) => {
    for (const kid of kidsOf(a)) {
      stopKids(kid);
      // A leaf cut off by the deadline is one of the node's failures, as Argo counts it
      // (Argo tester 3, N15: an exit handler read no failure after a workflow deadline).
      if (kid.status === 'running' && core.isLeaf(kid.node)) {
        core.failures.push({ step: kid.id, error: `stopped: ${error}` });
        stopped.push(kid.id);
      }
      stop(core, kid, `stopped: ${error}`, `not started: ${error}`, 'skipped');
      core.running.delete(kid);
      core.targets.delete(kid.id);
      core.deadlines.delete(kid.id);
      core.backoffs.delete(kid.id);
      core.waiting.delete(kid.id);
    }
    clearKids(a);
  };
  stopKids(act);
  if (leaf) {
    // Its attempt is stopped, or its back-off or slot no longer waited for; the failure is the deadline's, not the last exit's.
    if (core.atWork(act)) core.out.push({ type: 'kill', step: act.id, attempt: act.attempt });
    if (act.queued) core.slots.release(act);
    core.backoffs.delete(act.id);
    core.waiting.delete(act.id);
    act.backingOff = false;
    act.expanding = false;
    act.exitCode = undefined;
  }
  act.reason = 'timeout';
  // The run's deadline names no step: the steps it never started name the steps it stopped
  // (Argo tester 8, S7: they said "step  failed"); a step's deadline names that step already.
  const shown = stopped.length > 3 ? [...stopped.slice(0, 3), `${stopped.length - 3} more`] : stopped;
  if (ofRun && stopped.length > 0) act.notStarted = `not started: ${stopped.length === 1 ? 'step' : 'steps'} ${shown.join(', ')} ${stopped.length === 1 ? 'was' : 'were'} stopped: ${error}`;
  core.finish(act, 'failed', undefined, error);
}

/** End a running act from outside (cancel, a deadline): kill it if it is a leaf at work, mark what it never started. */
function stop(core: EngineCore, act: Act, reason: string, notStarted: string, unstarted: 'skipped' | 'cancelled'): void {
  if (core.atWork(act)) core.out.push({ type: 'kill', step: act.id, attempt: act.attempt });
  if (act.slots || act.queued) core.slots.release(act);
  act.status = 'cancelled';
  act.error = reason;
  act.driver = undefined;
  core.emitStatus(act, reason);
  core.markUnstarted(act, unstarted, notStarted);
}
