/** A run as users see it (GET /v1/runs/:id), distinct from the plan it runs. */
import type { JsonValue } from '../flow/types.ts';
import type { RunStatus, StepStatus } from '../engine/types.ts';

export interface StepView {
  status: StepStatus;
  attempts: number;
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
}

export interface RunView {
  id: string;
  status: RunStatus;
  flow: string;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
  result: JsonValue | null;
  origin: Record<string, string>;
  steps: Record<string, StepView>;
}

export interface RunSummary {
  id: string;
  status: RunStatus;
  flow: string;
  createdAt: string;
  finishedAt: string | null;
}

/** One step's state change, as sent over server-sent events. */
export interface StepEvent {
  seq: number;
  step: string;
  status: StepStatus | RunStatus;
  at: string;
  attempt?: number;
  error?: string;
  /** '' for the run itself */
  run?: boolean;
}
