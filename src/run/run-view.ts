/** A run as users see it (GET /v1/runs/:id), distinct from the plan it runs. */
import type { JsonValue } from '../flow/types.ts';
import type { RunStatus, StepStatus } from '../engine/types.ts';

export interface StepView {
  /** `superseded`: recorded in an earlier attempt of a step above it that ran again, and not made again since (docs/runs.md, Superseded steps) */
  status: StepStatus | 'superseded';
  /** a superseded step's status in the attempt it was recorded in */
  was?: StepStatus;
  /** executions of every attempt counted, or the engine's attempt if more: what this field always said (kept for compatibility) */
  attempts: number;
  /** the engine's attempt number (2 and up: a retry); a re-run of the same attempt after a takeover keeps it and raises `execution` */
  attempt: number;
  startedAt: string | null;
  finishedAt: string | null;
  result: JsonValue | null;
  error: string | null;
  /** the program's exit code, once it ended */
  exitCode?: number;
  /** finishedAt - startedAt, once finished */
  durationMs?: number;
  /** a task's image */
  image?: string;
  /** a fan-out item's value */
  item?: JsonValue;
  /** a step's named output parameters (docs/flow-language.md, Outputs) */
  parameters?: Record<string, JsonValue>;
  /** which execution of its attempt ran last, when it was run again (2 and up: after a takeover or an infrastructure retry) */
  execution?: number;
  /** a step inside a pod that last ran in a later attempt or execution of its pod: which (its own attempt starts at 1 in each) */
  pod?: { attempt: number; execution: number };
}

export interface RunView {
  id: string;
  /** the name of the flow it runs */
  name: string;
  status: RunStatus;
  /** name@version */
  flow: string;
  /** its flow's and Dataset's labels, then its own */
  labels: Record<string, string>;
  /** how often it was retried */
  retries: number;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
  result: JsonValue | null;
  origin: Record<string, string>;
  /** every step, or, when the run has more than a view shows (`stepsSummary`), the first of them in step order */
  steps: Record<string, StepView>;
  /** present only when `steps` holds part of the run's steps: what the rest are (GET /v1/runs/:id/steps pages them) */
  stepsSummary?: StepsSummary;
}

/** A big run's steps told by counts: how many, how many `steps` shows, each status's count, where the next page starts. */
export interface StepsSummary {
  /** the run's steps */
  total: number;
  /** of them in `steps` */
  shown: number;
  /** steps by status, all of them */
  counts: Record<string, number>;
  /** the last step id shown: `GET /v1/runs/:id/steps?after=<this>` gives the next page */
  next: string;
}

export interface RunSummary {
  id: string;
  name: string;
  status: RunStatus;
  flow: string;
  createdAt: string;
  finishedAt: string | null;
  labels: Record<string, string>;
  dataset?: string;
}

/** Where to say that a run ended: a webhook, called with retries, its body HMAC-signed. */
export interface OnEnd {
  webhook: string;
}

/** One step's state change, as sent over server-sent events. */
export interface StepEvent {
  seq: number;
  step: string;
  status: StepStatus | RunStatus;
  at: string;
  attempt?: number;
  /** which execution of the attempt this is, on a re-run's mark (2 and up: after a takeover or an infrastructure retry) */
  execution?: number;
  /** for a step inside a pod: the attempt and execution of the pod it ran in, so a re-run pod's reports are told from the first's */
  pod?: { attempt: number; execution: number };
  error?: string;
  /** '' for the run itself */
  run?: boolean;
  /** `step` runs again: every step beneath it (every step for '') seen before this event is superseded until an event of its own says otherwise (docs/runs.md, Superseded steps) */
  supersede?: boolean;
}
