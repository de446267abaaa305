/**
 * Following one pod to its outcome, state by state as the watch delivers them: relays
 * the quarterback's step reports (report-protocol.ts) and the logs, notices what
 * Kubernetes did to the pod (pod-failure.ts), and settles the outcome once: from the
 * quarterback's `done`, from the task container's exit, or from a failure the pod cannot
 * recover from. It does not touch the API; the runtime acts on the outcome.
 */
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import type { JsonValue } from '../../src/flow/types.ts';
import type { PodOutcome, PodReport, PodRequest } from '../pod-runtime.ts';
import { readResult } from '../step-files.ts';
import { readOutputText } from '../output-files.ts';
import type { LogFollower } from './log-follower.ts';
import { podEnded, podFailure, taskExit } from './pod-failure.ts';
import { timedOutError } from '../../src/engine/timeout-error.ts';
import { ANNOTATIONS, CONTAINERS } from './pod-layout.ts';
import { decodeReport, eventsAfter, PARAMETERS_BUDGET, POD_PARAMETERS_FILE, stepParametersFile, type Grant, type ReportDone } from './report-protocol.ts';

export interface Settled {
  outcome: PodOutcome;
  /** the pod will not end by itself (an image it cannot pull, ...): the runtime must stop it */
  stuck: boolean;
  /** it never started (no node took it): nothing in it to keep, the runtime deletes it */
  unstarted?: boolean;
}

export class PodSession {
  readonly settled: Promise<Settled>;
  /** resolves when the pod has ended (or is gone) */
  readonly ended: Promise<void>;
  private settle!: (s: Settled) => void;
  private endedNow!: () => void;
  private done = false;
  private exists = false;
  private lastSeq = 0;
  /** the latest ask for steps relayed (ReportDoc.ask) */
  private lastAsk = 0;
  private readonly stepStatus = new Map<string, string>();
  private last: V1Pod | undefined;
  /** the scheduler's last word on why the pod is not scheduled, said in the step's log */
  private unscheduled = '';

  /** `answer`: writes the run's answer to an ask on the pod (the `strata.dev/grant` annotation its quarterback reads) */
  constructor(private readonly req: PodRequest, private readonly onReport: (r: PodReport) => void, private readonly logs?: LogFollower, private readonly answer?: (grant: Grant) => void) {
    this.settled = new Promise((r) => (this.settle = r));
    this.ended = new Promise((r) => (this.endedNow = r));
  }

  /** The pod exists now (created or adopted): from here on its disappearance means something. */
  created(pod: V1Pod): void {
    this.exists = true;
    if (!this.last) this.seen(pod);
  }

  /** A new state of the pod, or undefined when it is gone. */
  seen(pod: V1Pod | undefined): void {
    if (!pod) {
      if (!this.exists) return; // not created yet (a resync before the create returned)
      this.endedNow();
      return this.finish({ ok: false, error: `pod ${this.last?.metadata?.name ?? ''} was deleted before it finished` }, false);
    }
    this.last = pod;
    this.logs?.update(pod);
    this.sayIfUnscheduled(pod);
    if (this.req.kind === 'pod') this.relayReports(pod);
    const ended = podEnded(pod);
    if (ended) this.endedNow();
    if (this.done) return;
    if (this.req.kind === 'pod') {
      const doc = decodeReport(pod.metadata?.annotations?.[ANNOTATIONS.report]);
      // After `done` the quarterback releases the gate's stop: the pod ends by itself.
      if (doc?.done) return void this.fromDone(doc.done);
    }
    const failure = podFailure(pod);
    if (failure) return this.finish({ ok: false, error: this.explain(failure.reason), ...(failure.cause ? { reason: failure.cause } : {}), ...(failure.exitCode !== undefined && this.req.kind === 'task' ? { exitCode: failure.exitCode } : {}) }, !ended);
    if (this.req.kind === 'pod') {
      // A step container ends only after the quarterback's `done` and `stop`: one that ends sooner took its slot with it.
      const gone = (pod.status?.containerStatuses ?? []).find((c) => c.state?.terminated);
      if (gone) {
        const t = gone.state!.terminated!;
        const last = (t.message ?? '').trimEnd().split('\n').pop()?.trim();
        return this.finish({ ok: false, error: this.explain(`container ${gone.name} ended with code ${t.exitCode}${last ? `: ${last}` : ''} before the quarterback was done`) }, !ended);
      }
    }
    if (!ended) return;
    if (this.req.kind === 'task') {
      const exit = taskExit(pod, CONTAINERS.task);
      return this.finish({ ok: exit.exitCode === 0, exitCode: exit.exitCode, ...(exit.error ? { error: exit.error } : {}) }, false);
    }
    this.finish({ ok: false, error: `pod ${pod.metadata?.name} ended before its quarterback said how the steps went` }, false);
  }

  /**
   * The step's timeout (`seconds`) has passed since the pod was created: a pod that has not
   * started by then (no node took it, or its kubelet has not acknowledged it: no startTime)
   * fails the step as timed out, saying why; activeDeadlineSeconds counts from the start a
   * kubelet records, so nothing else would ever end it. A started pod is left to its deadline.
   */
  deadlinePassed(seconds: number): void {
    if (this.done || this.last?.status?.startTime) return;
    const pod = this.last?.metadata?.name ?? '';
    const scheduled = this.last?.status?.conditions?.find((c) => c.type === 'PodScheduled');
    const why = scheduled?.status === 'False' ? `was not scheduled within the step's timeout of ${seconds}s (${[scheduled.reason, scheduled.message].filter(Boolean).join(': ') || 'no node took it'})` : `was not started within the step's timeout of ${seconds}s`;
    this.done = true;
    this.settle({ outcome: { ok: false, error: `pod ${pod} ${why}: the step ${timedOutError(seconds)}`, reason: 'timeout' }, stuck: true, unstarted: true });
  }

  /**
   * A pod no node takes waits (the cluster may make room; the step's timeout, if it has one,
   * ends it): the step's log says why, each time the scheduler's word changes.
   */
  private sayIfUnscheduled(pod: V1Pod): void {
    const c = pod.status?.conditions?.find((x) => x.type === 'PodScheduled');
    if (c?.status !== 'False') return;
    const why = [c.reason, c.message].filter(Boolean).join(': ') || 'no node takes it';
    if (why === this.unscheduled) return;
    this.unscheduled = why;
    this.onReport({ type: 'log', step: this.req.step, stream: 'stderr', chunk: `[strata] pod ${pod.metadata?.name} is not scheduled yet (${why})\n` });
  }

  private relayReports(pod: V1Pod): void {
    const doc = decodeReport(pod.metadata?.annotations?.[ANNOTATIONS.report]);
    if (!doc) return;
    // Its ask for steps (log version 8), each once: the worker answers through the pod.
    if (doc.ask !== undefined && doc.ask > this.lastAsk) {
      const asked = (this.lastAsk = doc.ask);
      this.onReport({ type: 'ask', steps: asked, grant: (steps) => this.answer?.({ asked, steps }) });
    }
    const { events, missed } = eventsAfter(doc, this.lastSeq);
    if (missed > 0) this.onReport({ type: 'log', step: this.req.step, stream: 'stderr', chunk: `[strata] ${missed} step reports of this pod were lost while it was not watched\n` });
    for (const e of events) {
      this.lastSeq = e.seq;
      const { seq, outputs: _o, resultOmitted, parametersOmitted, ...report } = e;
      if (!report.supersede) this.stepStatus.set(report.step, report.status);
      // Parameters too large for the report: read whole from the file the quarterback wrote them to, as the pod's own are.
      let missing: string | undefined;
      if (parametersOmitted) {
        const { names, bytes, file } = parametersOmitted;
        try {
          if (!file) throw new Error('the quarterback could not write them to the pod\'s outputs');
          // Only the name this event's file has: never a path the annotation could point elsewhere with.
          if (file !== stepParametersFile(seq)) throw new Error(`the report names ${JSON.stringify(file).slice(0, 80)}, not ${stepParametersFile(seq)}`);
          report.parameters = readParametersFile(this.req.outputsDir, file, bytes);
        } catch (err) {
          missing = `[strata] the output parameters of ${report.step} (${names.join(', ')}: ${bytes} bytes) were too large for the pod's report (${PARAMETERS_BUDGET} bytes) and could not be read from the pod's outputs (${(err as Error).message}): they are not in this step's record; the pod's steps and its own output parameters read them whole\n`;
        }
      }
      this.onReport(report);
      if (resultOmitted) this.onReport({ type: 'log', step: report.step, stream: 'stderr', chunk: `[strata] the result of ${report.step} (${resultOmitted} bytes) was too large to report\n` });
      if (missing) this.onReport({ type: 'log', step: report.step, stream: 'stderr', chunk: missing });
    }
  }

  private async fromDone(done: ReportDone): Promise<void> {
    this.done = true;
    let result: JsonValue | undefined = done.result;
    if (done.resultOmitted) {
      try {
        result = readPodResult(this.req.outputsDir, this.req.resultLimit);
      } catch (e) {
        // A failed pod's result that cannot be read is left out: its own failure is what it says.
        if (!done.ok) result = undefined;
        else return this.settle({ outcome: failedWith(done, (e as Error).message), stuck: false });
      }
    }
    let parameters = done.parameters;
    if (done.parametersOmitted) {
      try {
        parameters = readParametersFile(this.req.outputsDir, POD_PARAMETERS_FILE, done.parametersOmitted.bytes);
      } catch (e) {
        const error = `the pod's output parameters (${done.parametersOmitted.names.join(', ')}) could not be read from its outputs: ${(e as Error).message}`;
        return this.settle({ outcome: failedWith(done, done.ok ? error : `${done.error ?? 'failed'} (${error})`), stuck: false });
      }
    }
    this.settle({
      outcome: { ok: done.ok, ...(result !== undefined ? { result } : {}), ...(done.error ? { error: done.error } : {}), ...(done.exitCode !== undefined ? { exitCode: done.exitCode } : {}), ...(!done.ok && done.reason ? { reason: done.reason } : {}), ...(parameters ? { parameters } : {}), ...(done.steps !== undefined ? { steps: done.steps } : {}) },
      stuck: false,
    });
  }

  /** A failure, with the micro steps it caught running. */
  private explain(reason: string): string {
    const running = [...this.stepStatus].filter(([, s]) => s === 'running').map(([step]) => step);
    return running.length > 0 ? `${reason} (while running ${running.join(', ')})` : reason;
  }

  private finish(outcome: PodOutcome, stuck: boolean): void {
    if (this.done) return;
    this.done = true;
    this.settle({ outcome, stuck });
  }
}

/** The pod's result.json on the shared volume, read as a regular file only (never through a link a step put there). */
function readPodResult(outputsDir: string, limit?: number): JsonValue | undefined {
  // Absent: undefined; a link, too large, not UTF-8 or not JSON: a StepFileError the caller reports.
  const r = readResult(outputsDir, limit);
  return r === null ? undefined : r;
}

/** The pod failed with `error` in place of the end `done` reported, keeping its exit code and reason. */
function failedWith(done: ReportDone, error: string): PodOutcome {
  return { ok: false, error, ...(done.exitCode !== undefined ? { exitCode: done.exitCode } : {}), ...(done.reason ? { reason: done.reason } : {}), ...(done.steps !== undefined ? { steps: done.steps } : {}) };
}

/**
 * Output parameters the quarterback wrote to `file` in the pod's outputs dir (too large for its
 * report: the pod's own, POD_PARAMETERS_FILE, or a micro step's, stepParametersFile): a regular
 * file of exactly `bytes` bytes, a JSON object. Throws a sentence.
 */
function readParametersFile(outputsDir: string, file: string, bytes: number): Record<string, JsonValue> {
  const text = readOutputText(outputsDir, file, file);
  if (text === undefined) throw new Error(`${file} is missing`);
  const size = Buffer.byteLength(text);
  if (size !== bytes) throw new Error(`${file} holds ${size} bytes, not the ${bytes} the quarterback wrote`);
  const value = JSON.parse(text) as unknown;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${file} is not a JSON object`);
  return value as Record<string, JsonValue>;
}
