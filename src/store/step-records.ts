/**
 * A step's record as the run's steps hash keeps it (JSON per step) and as users see it (a
 * StepView): what run-commit-5.lua is given, and what is read back.
 */
import type { StatusCommand, SupersedeCommand } from '../engine/types.ts';
import type { JsonValue } from '../flow/types.ts';
import type { StepView } from '../run/run-view.ts';

/** A step not started yet. */
export const PENDING_STEP: StepView = { status: 'pending', attempts: 0, attempt: 0, startedAt: null, finishedAt: null, result: null, error: null };

/** A status command as run-commit takes it: results and items as JSON text (Lua's cjson never re-encodes them); a supersede as its mark. */
export function stepPayload(s: StatusCommand | SupersedeCommand): Record<string, unknown> {
  if (s.type === 'supersede') return { step: s.step, supersede: true, ...(s.self ? { self: true } : {}) };
  return {
    step: s.step, status: s.status,
    ...(s.attempt !== undefined ? { attempt: s.attempt } : {}),
    ...(s.result !== undefined ? { resultJson: JSON.stringify(s.result) } : {}),
    ...(s.error !== undefined ? { error: s.error } : {}),
    ...(s.exitCode !== undefined ? { exitCode: s.exitCode } : {}),
    ...(s.image !== undefined ? { image: s.image } : {}),
    ...(s.item !== undefined ? { itemJson: JSON.stringify(s.item) } : {}),
    ...(s.parameters !== undefined ? { parametersJson: JSON.stringify(s.parameters) } : {}),
    ...(s.ifPending ? { ifPending: true } : {}),
  };
}

/** A step's engine attempt and state, as the worker checks them before it runs the step. */
export function stepProgress(raw: string): { status: string; attempt: number } {
  const v = JSON.parse(raw) as { status: string; attempt?: number; attempts?: number };
  return { status: v.status, attempt: v.attempt ?? v.attempts ?? 0 };
}

/**
 * A step's status read from its record without parsing it (a result can be large): the
 * record's own `"status":"…"`, as a string inside it has its quotes escaped.
 */
export function stepStatusOf(raw: string): string {
  return /"status":"(\w+)"/.exec(raw)?.[1] ?? 'pending';
}

/**
 * A step's record as users see it: results and items parsed, `attempt` the engine's number
 * (a record written before it was kept: its `attempts`), `attempts` the larger of it and
 * the executions, its duration.
 */
export function toStepView(raw: string): StepView {
  const v = JSON.parse(raw) as StepView & { resultJson?: string; itemJson?: string; parametersJson?: string; attempt?: number; executions?: number };
  // executions is the store's count; attempts (the larger of it and attempt) is kept for compatibility.
  const { resultJson, itemJson, parametersJson, attempt, executions: _executions, seq: _seq, ...rest } = v as typeof v & { seq?: number };
  const view: StepView = { ...PENDING_STEP, ...rest, attempt: attempt ?? rest.attempts ?? 0, result: resultJson !== undefined ? (JSON.parse(resultJson) as JsonValue) : null };
  if (itemJson !== undefined) view.item = JSON.parse(itemJson) as JsonValue;
  if (parametersJson !== undefined) view.parameters = JSON.parse(parametersJson) as Record<string, JsonValue>;
  if (view.startedAt && view.finishedAt) view.durationMs = Date.parse(view.finishedAt) - Date.parse(view.startedAt);
  return view;
}

/** The marks of steps run again (run-commit-5.lua, SupersedeCommand): the events list's length when each was set, by step id ('' the run's root; `=<id>` a mark of the step itself too, a fan-out item a retry no longer makes). */
export type SupersededMarks = ReadonlyMap<string, number>;

/**
 * Whether the record `raw` of `step` is of an earlier attempt of a step above it that ran
 * again since (a mark above it set after the record was last written): read without parsing
 * the record, by its own `"seq":N` (a result's text inside it has its quotes escaped).
 */
export function isSuperseded(step: string, raw: string, marks: SupersededMarks): boolean {
  if (marks.size === 0) return false;
  const seq = Number(/"seq":(\d+)/.exec(raw)?.[1] ?? -1);
  if ((marks.get('') ?? -1) > seq || (marks.get(`=${step}`) ?? -1) > seq) return true;
  for (let at = step.indexOf('/'); at !== -1; at = step.indexOf('/', at + 1)) {
    const above = step.slice(0, at);
    if ((marks.get(above) ?? -1) > seq || (marks.get(`=${above}`) ?? -1) > seq) return true;
  }
  return false;
}

/** The record `raw` as users see a superseded one: status `superseded`, its status in its own attempt as `was`. */
export function supersededRecord(raw: string): string {
  const v = JSON.parse(raw) as { status: string };
  return JSON.stringify({ ...v, status: 'superseded', was: v.status });
}
