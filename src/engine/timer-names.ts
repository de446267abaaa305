/**
 * The engine's timers by name: a deadline's arming (DeadlineCommand.armed) or a back-off
 * (BackoffCommand.attempt, a composite's `started`). One key a timer has wherever it is kept
 * (the coordinator's sorted set, coordinator/deadlines.ts; the quarterback's own timers), the
 * event it appends when it passes, and that event's dedupe key in the run's log. Pure.
 */
import type { EngineEvent } from './types.ts';

/** A timer without its length: what names it. */
export type TimerName = { type: 'deadline'; step: string; armed: number } | { type: 'backoff'; step: string; attempt: number; started?: number };

/**
 * The timer's key within its run: `step` (a step's first deadline: the key before deadlines
 * were numbered, so timers stored then are the same), `step|d2` (a later arming),
 * `step|3` (a leaf's back-off before attempt 3), `step|3|s2` (a composite's, of its second start).
 */
export function timerKey(t: TimerName): string {
  if (t.type === 'backoff') return t.started !== undefined ? `${t.step}|${t.attempt}|s${t.started}` : `${t.step}|${t.attempt}`;
  return t.armed > 1 ? `${t.step}|d${t.armed}` : t.step;
}

/** The timer a key names (timerKey's inverse); step ids hold no `|`. */
export function timerOfKey(key: string): TimerName {
  const [step, third, fourth] = key.split('|');
  if (third === undefined) return { type: 'deadline', step, armed: 1 };
  if (third.startsWith('d')) return { type: 'deadline', step, armed: Number(third.slice(1)) };
  return { type: 'backoff', step, attempt: Number(third), ...(fourth?.startsWith('s') ? { started: Number(fourth.slice(1)) } : {}) };
}

/** The event appended when the timer passes. */
export function timerEvent(t: TimerName): EngineEvent {
  if (t.type === 'deadline') return { type: 'deadline', step: t.step, armed: t.armed };
  return { type: 'backoff', step: t.step, attempt: t.attempt, ...(t.started !== undefined ? { started: t.started } : {}) };
}

/** The event's dedupe key in the run's log: appended once per timer (`d|step` and `b|step|attempt`, as before timers were numbered). */
export function timerDedupe(t: TimerName): string {
  return `${t.type === 'deadline' ? 'd' : 'b'}|${timerKey(t)}`;
}
