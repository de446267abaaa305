/**
 * Durations in flows (retry back-off): a number of seconds (`5`, `0.5`), the same as text
 * (`"10"`, as Argo writes them), or text with units, Go's way (`500ms`, `30s`, `2m`,
 * `1h30m`). Pure.
 */
import type { Duration } from './types.ts';

const UNIT_S: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** Seconds of a duration; undefined when it is not one (negative, unknown unit, longer than a week). */
export function durationSeconds(d: Duration): number | undefined {
  let s: number | undefined;
  if (typeof d === 'number') s = d;
  else if (/^\s*\d+(\.\d+)?\s*$/.test(d)) s = Number(d);
  else if (/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(d.trim())) {
    s = 0;
    for (const m of d.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) s += Number(m[1]) * UNIT_S[m[2]];
  }
  return s !== undefined && Number.isFinite(s) && s >= 0 && s <= 7 * 86400 ? s : undefined;
}

/** A node's `timeout` and a flow's `deadline`: a number of seconds, more than 0, at most a week (text, NaN and infinity are not). */
export function isSeconds(v: unknown): v is number {
  return typeof v === 'number' && v > 0 && v <= 7 * 86400;
}

/**
 * A `timeout` or `deadline` written as a duration (`30s`, `2m`, `1h30m`, `"90"`): its seconds,
 * when more than 0 and at most a week; undefined otherwise (text with references included).
 * Taken as written, as the same text given by a reference is (tester 16: it was refused).
 */
export function literalSeconds(v: unknown): number | undefined {
  if (typeof v !== 'string' || v.includes('{{')) return undefined;
  const s = durationSeconds(v);
  return isSeconds(s) ? s : undefined;
}

/** What a `timeout` or `deadline` may be besides a number: text with `{{ references }}`, resolved when the step starts. */
export function isComputedSeconds(v: unknown): v is string {
  return typeof v === 'string' && v.includes('{{');
}

/** The end of a message refusing a timeout or deadline: the computed forms it may take. */
export const COMPUTED_SECONDS = ', or a duration like 30s, 2m, 1h30m, or text with {{ references }} (such as "{{ params.t }}") giving one when the step starts';
