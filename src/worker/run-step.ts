/**
 * Run one execution of a macro step attempt through a PodRuntime: gather its inputs, give
 * it the step environment of DESIGN.md section 4, relay what happens inside the pod to
 * the run store, keep its outputs, and return the `finished` event for the engine.
 *
 * An execution is one go of a step's attempt by one worker (the first is 1; a takeover
 * after a worker froze or died, or an infrastructure retry, makes another). Its writes
 * are fenced by the job's lock (`fence`): once another execution holds the job, nothing
 * this one reports or completes is recorded.
 */
import { dirname } from 'node:path';
import type { EngineEvent, StartCommand } from '../engine/types.ts';
import type { FailureReason } from '../engine/timeout-error.ts';
import { clipped, toStrataError } from '../errors/strata-error.ts';
import type { JsonValue } from '../flow/types.ts';
import type { AskReport, PodReport, PodRuntime, StepReport } from '../../runtime/pod-runtime.ts';
import { podRequest } from '../../runtime/pod-request.ts';
import { tryUntil } from '../../runtime/try-until.ts';
import type { RunLimits } from '../flow/limits.ts';
import { checkOutputTree, StepFileError } from '../../runtime/output-files.ts';
import { readResult } from '../../runtime/step-files.ts';
import { readParameters } from '../../runtime/output-parameters.ts';
import type { Guard } from '../../runtime/watchdog/guard.ts';
import type { Fence, RunStore, StepReportRecord } from '../store/run-store.ts';
import { attemptLabelOf, type PodGo } from '../run/attempt-label.ts';
import { cleanup, keepOutputs, keptPodSteps, prepareStep, type StepDirs, type WorkRoots } from './step-files.ts';

export interface RunStepPorts {
  runtime: PodRuntime;
  store: RunStore;
  artifactsDir: string;
  /** where execution directories come from (step-files.ts) */
  roots: WorkRoots;
  /** the worker's watchdog: it removes the execution directories of a worker that died */
  guard?: Guard;
  /** the run's limits (result sizes; a pod's micro steps): the process's configuration */
  limits?: RunLimits;
  /**
   * A pod's ask for `steps` micro steps in all (log version 8): appended to the run's log
   * (fenced by this execution's job lock) and folded; the total the run granted it, or
   * undefined when the run has no answer (the pod no longer runs that attempt).
   */
  ask?(runId: string, step: string, attempt: number, steps: number, fence: Fence | undefined): Promise<number | undefined>;
}

/** Which execution this is and the job lock its writes are fenced by. */
export interface Execution {
  number: number;
  fence?: Fence;
}

export async function runStep(p: RunStepPorts, runId: string, cmd: StartCommand, signal: AbortSignal, exec: Execution = { number: 1 }): Promise<EngineEvent> {
  let exitCode: number | undefined;
  let reason: FailureReason | undefined;
  let transient = false;
  let parameters: Record<string, JsonValue> | undefined;
  let steps: number | undefined;
  const finished = (ok: boolean, result?: JsonValue, error?: string): EngineEvent => ({
    type: 'finished', step: cmd.step, attempt: cmd.attempt, ok,
    ...(result !== undefined ? { result } : {}), ...(error ? { error } : {}), ...(exitCode !== undefined ? { exitCode } : {}),
    ...(!ok && reason ? { reason } : {}), ...(!ok && transient ? { transient } : {}), ...(parameters ? { parameters } : {}),
    ...(steps !== undefined ? { steps } : {}),
  });
  let dirs: StepDirs | undefined;
  try {
    try {
      // The watchdog removes the inputs directories of this process in that root should it die (told once per root).
      dirs = await prepareStep(p.artifactsDir, p.roots, runId, cmd, (dir) => p.guard?.execDirsIn(dirname(dir)));
    } catch (e) {
      return finished(false, undefined, toStrataError(e).message);
    }
    const req = podRequest(runId, cmd, { inputsDir: dirs.inputsDir, outputsDir: dirs.outputsDir, artifactsDir: p.artifactsDir }, p.limits);
    // A pod resumed by a retry of the run keeps the inner steps that succeeded in the execution
    // the run kept (a failed pod keeps its outputs): their results and files are there.
    if (cmd.resume && req.pod) {
      const kept = keptPodSteps(dirs.finalDir).steps;
      if (kept.length > 0) req.pod.kept = kept;
    }
    const reports: Promise<unknown>[] = [];
    const pod = { attempt: cmd.attempt, execution: exec.number };
    // Aborted once the pod's run ends: its asks are no longer asked again. Made at the pod's
    // first ask, not for every step: most ask nothing, and an AbortSignal.any and an abort
    // (which makes a DOMException) cost a no-op step 50-80 µs (docs/performance.md, Sixteenth pass).
    let podRuns: AbortController | undefined;
    let asking: AbortSignal | undefined;
    let podEnded = false;
    const open = new OpenSteps();
    const onReport = (r: PodReport) => {
      // Answered when the run has decided. An ask that failed (Redis refused or lost the write)
      // is asked again while the pod runs: lost, its steps waited for ever (tester 16). Asking
      // again is safe: its log entry is once per attempt and total asked, the answer the fold's.
      if (r.type === 'ask') {
        const ask = p.ask;
        if (podEnded || !ask || !Number.isSafeInteger(r.steps) || r.steps <= 0) return;
        podRuns ??= new AbortController();
        const until = (asking ??= AbortSignal.any([signal, podRuns.signal]));
        void tryUntil(() => ask(runId, cmd.step, cmd.attempt, r.steps, exec.fence), until).then((g) => g !== undefined && !until.aborted && r.grant(g));
        return;
      }
      // Ended by a stop the quarterback could not place (StepReport.stopped): recorded below, once the pod's end says whose it was.
      if (open.seen(r)) reports.push(relay(p.store, runId, r, pod, exec.fence));
    };
    const outcome = await p.runtime.run(req, onReport, signal).finally(() => {
      podEnded = true;
      podRuns?.abort();
    });
    if (typeof outcome.exitCode === 'number') exitCode = outcome.exitCode;
    reason = outcome.reason;
    transient = outcome.transient === true;
    parameters = outcome.parameters;
    // A pod's micro steps: the run charges those past what its start counted (docs/runs.md).
    // A count that is not a whole number (a broken or tampered quarterback) would make the
    // run's NaN and switch the limit off: the pod fails instead, charging nothing.
    const counted = cmd.kind === 'pod' ? outcome.steps : undefined;
    const miscounted = counted !== undefined && !(Number.isSafeInteger(counted) && counted >= 0);
    if (!miscounted) steps = counted;
    await Promise.all(reports);
    // A pod that ended without its quarterback's word (killed, its pod deleted) leaves the micro
    // steps it reported running: they end with it, or stayed running under an ended run (tester 16).
    // So do those it ended for a stop from outside that was not the run's (a signal, its pod
    // deleted by someone else): recorded cancelled, they said the run had stopped them.
    await open.end(p.store, runId, outcome.ok ? undefined : { cancelled: signal.aborted, error: `its pod ended before it did: ${outcome.error ?? `exited with code ${outcome.exitCode}`}` }, pod, exec.fence);
    if (miscounted) return finished(false, undefined, `the quarterback of pod ${cmd.step} reported ${clipped(JSON.stringify(counted) ?? String(counted), 40)} micro steps, not a whole number: they cannot be counted against the run's STRATA_MAX_RUN_STEPS`);
    if (!outcome.ok) {
      const error = outcome.error ?? `exited with code ${outcome.exitCode}`;
      // Only a program that ran to its end left outputs (not one stopped by a cancel).
      if (exitCode === undefined || signal.aborted) return finished(false, undefined, error);
      // Awaited here: the `finally` below gives the outputs directory back, so it must wait for the keep.
      return await failedStep(dirs, cmd, exec, outcome.result, error, finished);
    }
    let result = outcome.result;
    try {
      // Listed first: outputs that are empty (a step that wrote nothing) have no result.json to open.
      dirs.empty = checkOutputTree(dirs.outputsDir) === 0;
      // As inside a pod: a result.json that is not JSON fails the step, saying so.
      if (result === undefined && cmd.kind !== 'pod' && !dirs.empty) result = readResult(dirs.outputsDir, req.resultLimit);
      // A runtime that did not read the named parameters: those in STRATA_OUTPUTS are read here.
      if (parameters === undefined && cmd.task?.parameters) parameters = readParameters(dirs.outputsDir, cmd.task.parameters);
    } catch (e) {
      if (!(e instanceof StepFileError)) throw e;
      return finished(false, undefined, e.message);
    }
    const kept = await keepOutputs(dirs, { attempt: cmd.attempt, execution: exec.number, ...(cmd.replaces ? { replaces: true } : {}) });
    if (kept.kept) return finished(true, result ?? null);
    // Another execution kept its outputs first: they are the step's, and so is their result;
    // a pod's micro steps are recorded as that execution left them, to agree with its files.
    if (cmd.kind === 'pod') await recordKeptSteps(p.store, runId, dirs.finalDir, cmd.attempt, exec.fence);
    // A result read from standard output is in no file of the keep (an empty file, or files
    // without it): this execution's own is recorded. The keep's result.json, or the null of
    // its empty file, was recorded beside `succeeded` (a tester's fan-in summed nulls).
    if (resultFromStdout(cmd)) return finished(true, result ?? null);
    return finished(true, kept.result);
  } finally {
    if (dirs) cleanup(dirs, p.roots.pool);
  }
}

/**
 * A task or pod whose program ran and failed: its outputs are kept as the step's all the same
 * (a failed step's outputs, docs/flow-language.md; keepOutputs says until when), with the
 * result its runtime read. Outputs that cannot be kept are said in the step's error.
 */
async function failedStep(dirs: StepDirs, cmd: StartCommand, exec: Execution, result: JsonValue | undefined, error: string, finished: (ok: boolean, result?: JsonValue, error?: string) => EngineEvent): Promise<EngineEvent> {
  // A pod's are written by its quarterback, failed too (its result made of its steps'); a program that never ran left nothing.
  if (cmd.kind !== 'task' && cmd.kind !== 'pod') return finished(false, undefined, error);
  try {
    dirs.empty = checkOutputTree(dirs.outputsDir) === 0;
    await keepOutputs(dirs, { attempt: cmd.attempt, execution: exec.number, failed: true, ...(cmd.replaces ? { replaces: true } : {}) });
  } catch (e) {
    if (!(e instanceof StepFileError)) throw e;
    return finished(false, result, `${error} (its outputs were not kept: ${e.message})`);
  }
  return finished(false, result, error);
}

/** Whether the step's result is its standard output (`result: stdout` or `text`), which the runtime reads, not a file of its outputs. */
function resultFromStdout(cmd: StartCommand): boolean {
  return cmd.task?.result === 'stdout' || cmd.task?.result === 'text';
}

async function recordKeptSteps(store: RunStore, runId: string, finalDir: string, podAttempt: number, fence: Fence | undefined): Promise<void> {
  const kept = keptPodSteps(finalDir);
  if (kept.steps.length === 0) return;
  const pod = { attempt: kept.attempt ?? podAttempt, execution: kept.execution ?? 1 };
  await store.report(runId, kept.steps.map((s) => ({ step: s.step, status: 'succeeded' as const, pod, result: s.result, ...(s.attempt !== undefined ? { attempt: s.attempt } : {}) })), fence);
}

/**
 * The micro steps a pod reported and has not ended, each at its attempt, and the reports it
 * sent for a stop from outside (StepReport.stopped), held: what ends with the pod should its
 * quarterback not end them, or end them without knowing whose stop it was.
 */
class OpenSteps {
  private readonly steps = new Map<string, number | undefined>();
  private readonly held = new Map<string, StepReport>();

  /** Take a step report in; false when it is held until the pod ends (not relayed now). */
  seen(r: Exclude<PodReport, AskReport>): boolean {
    if (r.type !== 'step') return true;
    // A composite run again whole: what it made beneath it before is superseded, reported again if it runs.
    if (r.supersede) {
      for (const id of [...this.steps.keys()]) if (id.startsWith(`${r.step}/`)) this.steps.delete(id);
      return true;
    }
    if (r.stopped) {
      this.held.set(r.step, r);
      return false;
    }
    if (r.status === 'running' || r.status === 'pending') this.steps.set(r.step, r.attempt);
    else this.steps.delete(r.step);
    return true;
  }

  /**
   * Record what the pod left open or held, now that it has ended. `ended` undefined (the pod
   * succeeded): held reports as they were. Else the run cancelled the pod (`cancelled`): steps
   * open end cancelled, held reports as they were; or the pod failed: steps open or held that
   * had started end failed with `error`, held ones that never started are skipped.
   */
  async end(store: RunStore, runId: string, ended: { cancelled: boolean; error: string } | undefined, pod: PodGo, fence: Fence | undefined): Promise<void> {
    const at = (attempt: number | undefined) => (attempt !== undefined ? { attempt } : {});
    const records: StepReportRecord[] = [];
    for (const [step, r] of this.held) {
      if (!ended || ended.cancelled) records.push(relayed(r, pod));
      else if (this.steps.has(step)) records.push({ step, status: 'failed', error: ended.error, pod, ...at(r.attempt) });
      else records.push({ step, status: 'skipped', error: `not started: ${ended.error}`, pod, ...at(r.attempt) });
      this.steps.delete(step);
    }
    if (ended) for (const [step, attempt] of this.steps) records.push({ step, status: ended.cancelled ? 'cancelled' : 'failed', error: ended.error, pod, ...at(attempt) });
    this.steps.clear();
    this.held.clear();
    if (records.length > 0) await store.report(runId, records, fence);
  }
}

function relay(store: RunStore, runId: string, r: Exclude<PodReport, AskReport>, pod: PodGo, fence: Fence | undefined): Promise<unknown> {
  if (r.type === 'log') return store.appendLog(runId, r.step, r.chunk);
  // A micro composite run again whole: what it made beneath it before is superseded.
  if (r.supersede) return store.report(runId, [{ step: r.step, status: 'running', supersede: true }], fence);
  // A container's later attempts, and every container of a pod run again, open with a line in its log.
  const marked = r.status === 'running' && ((r.attempt ?? 1) > 1 || pod.attempt > 1 || pod.execution > 1)
    ? store.appendLogLine(runId, r.step, executionMark(r.attempt ?? 1, 1, pod))
    : undefined;
  const reported = store.report(runId, [relayed(r, pod)], fence);
  return marked ? Promise.all([marked, reported]) : reported;
}

/** A micro step's report as the run records it, tagged with its pod's attempt and execution. */
function relayed(r: StepReport, pod: PodGo): StepReportRecord {
  return {
    step: r.step, status: r.status, pod,
    ...(r.attempt !== undefined ? { attempt: r.attempt } : {}),
    ...(r.result !== undefined ? { result: r.result } : {}),
    ...(r.error !== undefined ? { error: r.error } : {}),
    ...(typeof r.exitCode === 'number' ? { exitCode: r.exitCode } : {}),
    ...(r.image !== undefined ? { image: r.image } : {}),
    ...(r.item !== undefined ? { item: r.item } : {}),
    ...(r.parameters !== undefined ? { parameters: r.parameters } : {}),
  };
}

/** The line that opens an execution's output in a step's log, after the first, in attemptLabelOf's words (`--- attempt 1 (pod run 2) ---`): appended with appendLogLine, which puts it on a line of its own. */
export function executionMark(attempt: number, execution: number, pod?: PodGo): string {
  return `--- attempt ${attemptLabelOf(attempt, execution, pod)} ---\n`;
}
