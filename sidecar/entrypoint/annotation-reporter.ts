/**
 * The quarterback's reports in a Kubernetes pod: its protocol messages (sidecar/protocol.ts)
 * folded into the `strata.dev/report` annotation of its own pod (the format is in
 * runtime/kubernetes/report-protocol.ts). One patch in flight at a time; messages that
 * arrive meanwhile go out together in the next one, so a burst costs a few patches, not
 * one each. A failed patch is tried again with a growing pause. Output parameters too
 * large for the annotation, the pod's own and a micro step's, are written whole to the
 * pod's outputs dir first (POD_PARAMETERS_FILE, stepParametersFile), where the runtime
 * reads them. A patch the API server refuses as
 * invalid (422: the pod's annotations over Kubernetes' 256 KiB; its budgets leave room, but
 * another writer may add annotations, and the plan once shared them) is not tried again as it is: the oldest
 * events are dropped (the runtime saw them already, or says how many it missed) and the
 * budget kept that small; a `done` that still does not fit becomes a failure saying why,
 * so the pod's end is never lost.
 */
import { join } from 'node:path';
import { ANNOTATIONS } from '../../runtime/kubernetes/pod-layout.ts';
import { appendEvent, emptyReport, encodeReport, EVENTS_BUDGET, eventsBytes, fitResult, oversizeParameters, POD_PARAMETERS_FILE, stepParametersFile, trimEvents, type ReportDoc, type ReportDone } from '../../runtime/kubernetes/report-protocol.ts';
import { writeFileHere } from '../../runtime/no-follow-writes.ts';
import type { DoneMessage, QuarterbackMessage } from '../../runtime/quarterback/protocol.ts';
import type { OwnPod } from './own-pod.ts';
import type { JsonValue } from '../../src/flow/types.ts';

export interface AnnotationReporterOptions {
  /** pause before the first retry of a failed patch (default 200 ms), doubled up to 5 s */
  retryMs?: number;
  /** give up on a patch after this many tries (default 30) */
  maxTries?: number;
  /** told when a patch is given up */
  onError?: (e: Error) => void;
  /** the report already on the pod (a restarted quarterback numbers on from it) */
  initial?: ReportDoc;
  /** the pod's outputs dir on the shared claim (MicroPlan.outputsDir): where parameters too large to report go */
  outputsDir?: string;
}

export class AnnotationReporter {
  private doc: ReportDoc;
  private sentSeq: number;
  private sentDone: boolean;
  /** the ask for steps on the pod (ReportDoc.ask): a new ask alone is a change to send */
  private sentAsk: number | undefined;
  private flushing: Promise<void> | undefined;
  /** bytes of events the annotation holds: EVENTS_BUDGET, less once the API server refused a larger report */
  private budget = EVENTS_BUDGET;
  private readonly pod: OwnPod;
  private readonly opts: AnnotationReporterOptions;

  constructor(pod: OwnPod, opts: AnnotationReporterOptions = {}) {
    this.pod = pod;
    this.opts = opts;
    this.doc = opts.initial ?? emptyReport();
    this.sentSeq = opts.initial ? opts.initial.seq : -1;
    this.sentDone = opts.initial?.done !== undefined;
    this.sentAsk = opts.initial?.ask;
  }

  /** Take one quarterback message; step changes, asks for steps and the outcome are reported, the rest is not. */
  push(m: QuarterbackMessage): void {
    if (m.type === 'step') {
      const { type: _t, ...rest } = m;
      this.doc = appendEvent(this.doc, { type: 'step', ...rest }, this.budget, this.spillStep(rest.parameters, this.doc.seq + 1));
    } else if (m.type === 'done') {
      const { type: _t, ...done } = m;
      this.doc = { ...this.doc, done: fitResult(this.spill(done)) };
    } else if (m.type === 'ask') {
      this.doc = { ...this.doc, ask: m.steps };
    } else {
      return;
    }
    void this.flush();
  }

  /**
   * The pod's own output parameters too large for the annotation, written whole to its outputs
   * dir and left out of the report, which says how many bytes to read (as fitParameters); when
   * they cannot be written the pod fails, saying so, rather than end without them.
   */
  private spill(done: Omit<DoneMessage, 'type'>): ReportDone {
    const omitted = oversizeParameters(done.parameters);
    if (!omitted) return done;
    const { parameters, ...rest } = done;
    try {
      this.writeParameters(POD_PARAMETERS_FILE, parameters);
      return { ...rest, parametersOmitted: omitted };
    } catch (e) {
      const what = `the pod's output parameters (${omitted.names.join(', ')}: ${omitted.bytes} bytes)`;
      return { ...rest, ok: false, status: 'failed', error: `${what} are too large for the pod's report and could not be written to its outputs: ${(e as Error).message}` };
    }
  }

  /**
   * A micro step's output parameters too large for its event (numbered `seq`), written whole
   * to the pod's outputs dir: the file's name, which the event carries and the runtime reads
   * into the step's record. Undefined when they fit, or when they cannot be written: the
   * event then says only their names and size, and the runtime says in the step's log they
   * are missing from its record (the pod's next steps read them inside the pod all the same).
   */
  private spillStep(parameters: Record<string, JsonValue> | undefined, seq: number): string | undefined {
    if (!oversizeParameters(parameters) || !this.opts.outputsDir) return undefined;
    const file = stepParametersFile(seq);
    try {
      this.writeParameters(file, parameters);
      return file;
    } catch (e) {
      this.opts.onError?.(e as Error);
      return undefined;
    }
  }

  /** `parameters` written whole as `file` in the pod's outputs dir (no link followed); throws when it cannot. */
  private writeParameters(file: string, parameters: Record<string, JsonValue> | undefined): void {
    if (!this.opts.outputsDir) throw new Error('the quarterback was given no outputs dir');
    writeFileHere(join(this.opts.outputsDir, file), JSON.stringify(parameters), file);
  }

  /**
   * A report the API server refused as too large, made smaller: half its events (the oldest
   * dropped, the budget kept that small from here on), then none, then a `done` that fails
   * saying why in place of one that does not fit (its exit code and micro steps kept: the run
   * charges those, log version 6). Undefined when nothing is left to drop.
   */
  private shrink(doc: ReportDoc, e: Error): ReportDoc | undefined {
    const bytes = eventsBytes(doc);
    if (doc.events.length > 0) {
      this.budget = Math.floor(bytes / 2);
      return trimEvents(doc, this.budget);
    }
    if (!doc.done || doc.done.error?.startsWith(REFUSED)) return undefined;
    const size = Buffer.byteLength(encodeReport(doc));
    const done: ReportDone = { ok: false, status: 'failed', error: `${REFUSED} (${size} bytes with the pod's other annotations over Kubernetes' limit): ${e.message.slice(0, 300)}`, ...(doc.done.exitCode !== undefined ? { exitCode: doc.done.exitCode } : {}), ...(doc.done.steps !== undefined ? { steps: doc.done.steps } : {}) };
    this.doc = { ...this.doc, done };
    return { ...doc, done };
  }

  /** Resolves when everything pushed so far is on the pod. */
  async settled(): Promise<void> {
    while (this.flushing || this.pending()) await (this.flushing ?? this.flush());
  }

  /** What the annotation holds (or will hold once settled). */
  current(): ReportDoc {
    return this.doc;
  }

  private pending(): boolean {
    return this.doc.seq !== this.sentSeq || (this.doc.done !== undefined && !this.sentDone) || this.doc.ask !== this.sentAsk;
  }

  private flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (!this.pending()) return Promise.resolve();
    this.flushing = (async () => {
      try {
        while (this.pending()) {
          const doc = this.doc;
          await this.patchWithRetry(doc);
          this.sentSeq = doc.seq;
          this.sentDone = doc.done !== undefined;
          this.sentAsk = doc.ask;
        }
      } catch (e) {
        this.opts.onError?.(e as Error);
        // Give up on this state; what comes next tries again with the newest.
        this.sentSeq = this.doc.seq;
        this.sentDone = this.doc.done !== undefined;
        this.sentAsk = this.doc.ask;
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }

  private async patchWithRetry(doc: ReportDoc): Promise<void> {
    let wait = this.opts.retryMs ?? 200;
    for (let i = 1; ; i++) {
      try {
        return await this.pod.patch({ metadata: { annotations: { [ANNOTATIONS.report]: encodeReport(doc) } } }, 'merge');
      } catch (e) {
        if (invalid(e)) {
          // The same report would be refused again: a smaller one now.
          const smaller = this.shrink(doc, e as Error);
          if (!smaller) throw e;
          doc = smaller;
          continue;
        }
        if (i >= (this.opts.maxTries ?? 30)) throw e;
        await new Promise((r) => setTimeout(r, wait));
        wait = Math.min(wait * 2, 5000);
      }
    }
  }
}

const REFUSED = 'the pod\'s report was refused by the API server';

/** The API server refused the object as invalid (422): the same patch never passes. */
function invalid(e: unknown): boolean {
  return (e as { code?: number })?.code === 422;
}
