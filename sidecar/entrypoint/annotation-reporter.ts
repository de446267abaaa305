/**
 * The quarterback's reports in a Kubernetes pod: its protocol messages (sidecar/protocol.ts)
 * folded into the `strata.dev/report` annotation of its own pod (the format is in
 * runtime/kubernetes/report-protocol.ts). One patch in flight at a time; messages that
 * arrive meanwhile go out together in the next one, so a burst costs a few patches, not
 * one each. A failed patch is tried again with a growing pause. The pod's own output
 * parameters too large for the annotation are written whole to its outputs dir first
 * (POD_PARAMETERS_FILE), where the runtime reads them.
 */
import { join } from 'node:path';
import { ANNOTATIONS } from '../../runtime/kubernetes/pod-layout.ts';
import { appendEvent, emptyReport, encodeReport, fitParameters, fitResult, oversizeParameters, POD_PARAMETERS_FILE, type ReportDoc, type ReportDone } from '../../runtime/kubernetes/report-protocol.ts';
import { writeFileHere } from '../../runtime/no-follow-writes.ts';
import type { DoneMessage, QuarterbackMessage } from '../../runtime/quarterback/protocol.ts';
import type { OwnPod } from './own-pod.ts';

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
  private flushing: Promise<void> | undefined;
  private readonly pod: OwnPod;
  private readonly opts: AnnotationReporterOptions;

  constructor(pod: OwnPod, opts: AnnotationReporterOptions = {}) {
    this.pod = pod;
    this.opts = opts;
    this.doc = opts.initial ?? emptyReport();
    this.sentSeq = opts.initial ? opts.initial.seq : -1;
    this.sentDone = opts.initial?.done !== undefined;
  }

  /** Take one quarterback message; step changes and the outcome are reported, the rest is not. */
  push(m: QuarterbackMessage): void {
    if (m.type === 'step') {
      const { type: _t, ...rest } = m;
      this.doc = appendEvent(this.doc, { type: 'step', ...rest });
    } else if (m.type === 'done') {
      const { type: _t, ...done } = m;
      this.doc = { ...this.doc, done: fitParameters(fitResult(this.spill(done))) };
    } else {
      return;
    }
    void this.flush();
  }

  /**
   * The pod's own output parameters too large for the annotation, written whole to its outputs
   * dir (fitParameters then leaves them out of the report, which says how many bytes to read);
   * when they cannot be written the pod fails, saying so, rather than end without them.
   */
  private spill(done: Omit<DoneMessage, 'type'>): ReportDone {
    const omitted = oversizeParameters(done.parameters);
    if (!omitted) return done;
    const what = `the pod's output parameters (${omitted.names.join(', ')}: ${omitted.bytes} bytes)`;
    try {
      if (!this.opts.outputsDir) throw new Error('the quarterback was given no outputs dir');
      writeFileHere(join(this.opts.outputsDir, POD_PARAMETERS_FILE), JSON.stringify(done.parameters), POD_PARAMETERS_FILE);
      return done;
    } catch (e) {
      const { parameters: _p, ...rest } = done;
      return { ...rest, ok: false, status: 'failed', error: `${what} are too large for the pod's report and could not be written to its outputs: ${(e as Error).message}` };
    }
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
    return this.doc.seq !== this.sentSeq || (this.doc.done !== undefined && !this.sentDone);
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
        }
      } catch (e) {
        this.opts.onError?.(e as Error);
        // Give up on this state; what comes next tries again with the newest.
        this.sentSeq = this.doc.seq;
        this.sentDone = this.doc.done !== undefined;
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }

  private async patchWithRetry(doc: ReportDoc): Promise<void> {
    const body = { metadata: { annotations: { [ANNOTATIONS.report]: encodeReport(doc) } } };
    let wait = this.opts.retryMs ?? 200;
    for (let i = 1; ; i++) {
      try {
        return await this.pod.patch(body, 'merge');
      } catch (e) {
        if (i >= (this.opts.maxTries ?? 30)) throw e;
        await new Promise((r) => setTimeout(r, wait));
        wait = Math.min(wait * 2, 5000);
      }
    }
  }
}
