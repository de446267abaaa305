/**
 * The quarterback's protocol with the worker that runs its pod, written once and imported
 * by both sides (STYLE.md 7; sidecar/README.md has the same in prose).
 *
 * Transport: newline-delimited JSON, one message a line, UTF-8.
 * - quarterback -> worker: the quarterback's stdout. Nothing else is ever written there;
 *   the quarterback's own diagnostics go to stderr, containers' output comes as `log`.
 * - worker -> quarterback: the quarterback's stdin, when the plan says `control: 'stdin'`.
 *   End of stdin means the worker is gone: the quarterback cancels the pod and exits.
 */
import type { JsonValue } from '../../src/flow/types.ts';
import type { StatusCommand } from '../../src/engine/types.ts';
import type { FailureReason } from '../../src/engine/timeout-error.ts';
import type { LogReport, StepReport } from '../pod-runtime.ts';

export const PROTOCOL_VERSION = 1;

/** First line: who is talking. */
export interface HelloMessage {
  type: 'hello';
  v: typeof PROTOCOL_VERSION;
  pid: number;
}

/**
 * A micro step changed state (the engine's `status` commands, as they happen). Beyond
 * StepReport: `exitCode` of the container's last exit, `outputs` (declared output name ->
 * artifact store path) once it succeeded.
 */
export type StepMessage = StepReport & { outputs?: Record<string, string> };

/** The message of a micro step's status change, with its container's exit code and its outputs where they will be kept. */
export function stepMessage(c: StatusCommand, exitCode: number | null | undefined, outputs: Record<string, string> | undefined): StepMessage {
  return {
    type: 'step', step: c.step, status: c.status,
    ...(c.attempt !== undefined ? { attempt: c.attempt } : {}),
    ...(c.result !== undefined ? { result: c.result } : {}),
    ...(c.error !== undefined ? { error: c.error } : {}),
    ...(exitCode !== undefined ? { exitCode } : {}),
    ...(c.image !== undefined ? { image: c.image } : {}),
    ...(c.item !== undefined ? { item: c.item } : {}),
    ...(c.parameters !== undefined ? { parameters: c.parameters } : {}),
    ...(outputs && Object.keys(outputs).length > 0 ? { outputs } : {}),
    at: now(),
  };
}

/** A chunk of a container's stdout or stderr. */
export type LogMessage = LogReport;

/** A container process came or went: lets the worker kill leftovers should the quarterback die. */
export interface ContainerMessage {
  type: 'container';
  event: 'started' | 'exited';
  step: string;
  attempt: number;
  /** the container's pid, which is also its process group id */
  pid: number;
  at: number;
}

/** Last line: the pod's outcome (the micro root's result, or the failing container's error). */
export interface DoneMessage {
  type: 'done';
  ok: boolean;
  status: 'succeeded' | 'failed' | 'cancelled';
  result?: JsonValue;
  error?: string;
  exitCode?: number | null;
  /** the pod's own output parameters (PodSpec.outputs), resolved over its containers' outputs */
  parameters?: Record<string, JsonValue>;
  /** `timeout`: the micro step whose failure failed the pod was stopped at its timeout (PodOutcome.reason) */
  reason?: FailureReason;
  /** the micro steps the pod's engine counted against STRATA_MAX_RUN_STEPS (RunEngine.stepsMade; PodOutcome.steps) */
  steps?: number;
}

/** The pod's steps wait past what the run granted: it asks for `steps` micro steps in all (its engine's AskCommand; log version 8). */
export interface AskMessage {
  type: 'ask';
  steps: number;
}

export type QuarterbackMessage = HelloMessage | StepMessage | LogMessage | ContainerMessage | DoneMessage | AskMessage;

/** Stop the pod: kill every container, report them cancelled, then `done`. */
export interface CancelMessage {
  type: 'cancel';
  reason?: string;
}

/** The run's answer to an ask for `asked` micro steps: `steps` granted in all (its engine's `grant` event). */
export interface GrantMessage {
  type: 'grant';
  asked: number;
  steps: number;
}

export type WorkerMessage = CancelMessage | GrantMessage;

/** One message as one line. */
export function encode(m: QuarterbackMessage | WorkerMessage): string {
  return `${JSON.stringify(m)}\n`;
}

/** A quarterback message from one line; undefined for a line that is not one (a stray print). */
export function decodeQuarterbackMessage(line: string): QuarterbackMessage | undefined {
  const m = parseObject(line);
  return m && ['hello', 'step', 'log', 'container', 'done', 'ask'].includes(m.type as string) ? (m as unknown as QuarterbackMessage) : undefined;
}

/** A worker message from one line; undefined for anything else. */
export function decodeWorkerMessage(line: string): WorkerMessage | undefined {
  const m = parseObject(line);
  if (m?.type === 'grant') return Number.isSafeInteger(m.asked) && Number.isSafeInteger(m.steps) ? (m as unknown as GrantMessage) : undefined;
  return m && m.type === 'cancel' ? (m as unknown as WorkerMessage) : undefined;
}

/** Split a byte stream into lines; feed it chunks, it calls `onLine` per complete line. */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer | string): void; end(): void } {
  let rest = '';
  const decoder = new TextDecoder();
  return {
    push(chunk) {
      rest += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      let nl = rest.indexOf('\n');
      while (nl >= 0) {
        const line = rest.slice(0, nl);
        rest = rest.slice(nl + 1);
        if (line.trim() !== '') onLine(line);
        nl = rest.indexOf('\n');
      }
    },
    end() {
      rest += decoder.decode();
      if (rest.trim() !== '') onLine(rest);
      rest = '';
    },
  };
}

/** A timestamp for reports: epoch milliseconds with sub-millisecond precision. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

function parseObject(line: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(line) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The file a pod's outputs dir gets when the pod succeeds: every micro step's last
 * `succeeded` state, `[{ step, attempt?, result }]`. A worker that finds another execution
 * of the pod kept its outputs first records these, so the micro steps' recorded results
 * are those of the kept files (output names cannot start with a dot).
 */
export const POD_STEPS_FILE = '.strata-steps.json';

/** One entry of POD_STEPS_FILE. */
export interface KeptStep {
  step: string;
  attempt?: number;
  result: JsonValue;
  /** its named output parameters, when it gave any */
  parameters?: Record<string, JsonValue>;
  /** the names of its declared outputs, kept under its step in the pod's outputs */
  outputs?: string[];
}

