/**
 * How the quarterback in a Kubernetes pod reports to the runtime: one pod annotation,
 * `strata.dev/report`, that the quarterback rewrites with a merge patch after each change
 * and the runtime reads from the pod watch it keeps anyway. Its value is JSON:
 *
 *   { "v": 1, "seq": 17, "events": [ { "seq": 15, "type": "step", ... }, ... ], "done": { ... } }
 *
 * `events` are the quarterback's step messages, numbered from 1, newest last, trimmed from
 * the front to stay under EVENTS_BUDGET bytes (annotations share 256 KiB); the runtime
 * emits every event whose seq it has not seen, so a watch that drops and resyncs misses
 * nothing unless more than the budget happened meanwhile (then it says how many it missed).
 * `done` is written once, last, before the quarterback releases the gate's `stop`.
 * Results and output parameters are bounded (RESULT_BUDGET, PARAMETERS_BUDGET; an output
 * parameter alone may hold 256 KiB, runtime/output-parameters.ts): a pod's result and its own
 * output parameters too large for the annotation travel whole in its outputs dir on the shared
 * claim (result.json, POD_PARAMETERS_FILE), and so do a micro step's (its event names the file,
 * stepParametersFile, which the runtime reads into the step's record). Kubernetes refuses an object whose annotations exceed 256 KiB (apimachinery's
 * ValidateAnnotations), and with the report the pod's end would be lost.
 * Dependency-free: imported by the quarterback side (sidecar/entrypoint) and the runtime.
 */
import type { JsonValue } from '../../src/flow/types.ts';
import type { StepReport } from '../pod-runtime.ts';
import type { FailureReason } from '../../src/engine/timeout-error.ts';

export const REPORT_VERSION = 1;
/** bytes of events kept in the annotation */
export const EVENTS_BUDGET = 160 * 1024;
/** a result larger than this is left out of an event (the step's state still travels) */
export const RESULT_BUDGET = 32 * 1024;

/** output parameters larger than this (their JSON, together) are left out of a report */
export const PARAMETERS_BUDGET = 32 * 1024;
/** the pod's own output parameters too large for its report, as JSON, in its outputs dir (ReportDone.parametersOmitted) */
export const POD_PARAMETERS_FILE = '.strata-parameters.json';

/** Output parameters left out of a report: their names, their JSON's bytes together, and the file in the pod's outputs dir holding that JSON (a micro step's; absent when it could not be written). */
export interface OmittedParameters {
  names: string[];
  bytes: number;
  file?: string;
}

/** The file in the pod's outputs dir a micro step's output parameters too large for event `seq` go to (dot-named: no output's name). */
export function stepParametersFile(seq: number): string {
  return `.strata-parameters.${seq}.json`;
}

export type ReportEvent = StepReport & { seq: number; outputs?: Record<string, string>; resultOmitted?: number; parametersOmitted?: OmittedParameters };

export interface ReportDone {
  ok: boolean;
  status: 'succeeded' | 'failed' | 'cancelled';
  result?: JsonValue;
  /** bytes of a result too large for the annotation: read result.json from the pod's outputs instead */
  resultOmitted?: number;
  error?: string;
  exitCode?: number | null;
  /** the pod's own output parameters (DoneMessage.parameters) */
  parameters?: Record<string, JsonValue>;
  /** the pod's own output parameters too large for the annotation: read POD_PARAMETERS_FILE (this many bytes) from its outputs instead */
  parametersOmitted?: OmittedParameters;
  /** the quarterback's DoneMessage.reason: `timeout` when the step that failed the pod was stopped at its timeout */
  reason?: FailureReason;
  /** the quarterback's DoneMessage.steps: the micro steps it made */
  steps?: number;
}

export interface ReportDoc {
  v: typeof REPORT_VERSION;
  seq: number;
  events: ReportEvent[];
  done?: ReportDone;
  /** the micro steps the quarterback asked the run for in all, its latest ask (AskMessage; log version 8): the runtime answers in the `strata.dev/grant` annotation */
  ask?: number;
}

/** The run's answer to an ask, as the runtime writes it on the pod (`strata.dev/grant`): for the ask of `asked`, `steps` granted in all. */
export interface Grant {
  asked: number;
  steps: number;
}

/** The grant in an annotation's text; undefined when absent or not one. */
export function decodeGrant(text: string | undefined): Grant | undefined {
  if (!text) return undefined;
  try {
    const g = JSON.parse(text) as Grant;
    return Number.isSafeInteger(g?.asked) && Number.isSafeInteger(g?.steps) ? { asked: g.asked, steps: g.steps } : undefined;
  } catch {
    return undefined;
  }
}

export function emptyReport(): ReportDoc {
  return { v: REPORT_VERSION, seq: 0, events: [] };
}

/** Keep a result only when it is small; otherwise say how big it was. */
export function fitResult<T extends { result?: JsonValue; resultOmitted?: number }>(x: T): T {
  if (x.result === undefined) return x;
  const bytes = Buffer.byteLength(JSON.stringify(x.result));
  if (bytes <= RESULT_BUDGET) return x;
  const { result: _dropped, ...rest } = x;
  return { ...rest, resultOmitted: bytes } as T;
}

/** Output parameters' JSON bytes and names when over PARAMETERS_BUDGET; undefined when none or small enough to report. */
export function oversizeParameters(parameters: Record<string, JsonValue> | undefined): OmittedParameters | undefined {
  if (parameters === undefined) return undefined;
  const bytes = Buffer.byteLength(JSON.stringify(parameters));
  return bytes > PARAMETERS_BUDGET ? { names: Object.keys(parameters), bytes } : undefined;
}

/** Keep output parameters only when small; otherwise say which and how big they were (and `file`, where they were written whole). */
export function fitParameters<T extends { parameters?: Record<string, JsonValue>; parametersOmitted?: OmittedParameters }>(x: T, file?: string): T {
  const omitted = oversizeParameters(x.parameters);
  if (!omitted) return x;
  const { parameters: _dropped, ...rest } = x;
  return { ...rest, parametersOmitted: { ...omitted, ...(file ? { file } : {}) } } as T;
}

/** Append one event (numbered here) and trim the oldest to fit the budget; `parametersFile`: where its parameters too large for it were written. Pure: returns a new doc. */
export function appendEvent(doc: ReportDoc, e: Omit<ReportEvent, 'seq'>, budget = EVENTS_BUDGET, parametersFile?: string): ReportDoc {
  const seq = doc.seq + 1;
  return trimEvents({ ...doc, seq, events: [...doc.events, fitParameters(fitResult({ ...e, seq } as ReportEvent), parametersFile)] }, budget, 1);
}

/** Bytes of one event in the annotation, as eventsBytes counts them: its JSON and a separator. */
function eventBytes(ev: ReportEvent): number {
  return Buffer.byteLength(JSON.stringify(ev)) + 1;
}

/** Bytes of a doc's events as appendEvent counts them. */
export function eventsBytes(doc: ReportDoc): number {
  return doc.events.reduce((n, ev) => n + eventBytes(ev), 0);
}

/** The oldest events dropped until the rest fit `budget` bytes, keeping at least `keep` of them. Pure. */
export function trimEvents(doc: ReportDoc, budget: number, keep = 0): ReportDoc {
  // Each event measured once; the events kept copied once.
  const sizes = doc.events.map(eventBytes);
  let bytes = sizes.reduce((n, b) => n + b, 0);
  let drop = 0;
  while (doc.events.length - drop > keep && bytes > budget) bytes -= sizes[drop++];
  return { ...doc, events: doc.events.slice(drop) };
}

export function encodeReport(doc: ReportDoc): string {
  return JSON.stringify(doc);
}

/** The report in an annotation's text; undefined when absent or not a report. */
export function decodeReport(text: string | undefined): ReportDoc | undefined {
  if (!text) return undefined;
  try {
    const doc = JSON.parse(text) as ReportDoc;
    if (doc?.v !== REPORT_VERSION || !Array.isArray(doc.events) || typeof doc.seq !== 'number') return undefined;
    return doc;
  } catch {
    return undefined;
  }
}

/** Events after `lastSeq`, in order, and how many were trimmed away before they could be read. */
export function eventsAfter(doc: ReportDoc, lastSeq: number): { events: ReportEvent[]; missed: number } {
  const events = doc.events.filter((e) => e.seq > lastSeq);
  const first = events[0]?.seq ?? doc.seq + 1;
  return { events, missed: Math.max(0, first - lastSeq - 1) };
}
