/**
 * Which tick of a schedule is due now: the earliest tick after the last one fired and not
 * after `now`, so that ticks are fired in order, each once, even by a scheduler that fell
 * behind (a busy machine); ticks older than the starting deadline (missed while no
 * coordinator ran) are passed over, as a CronJob passes them over. Pure: the clock is an
 * argument.
 *
 * Daylight saving time, for a schedule that names its hours (its hour field is not `*`):
 * a wall-clock time that occurs twice (the autumn hour) fires once, at its first occurrence,
 * and the times the spring hour skips fire once when it ends, whatever their minutes; as
 * ISC/Vixie cron does for jobs at a fixed time (cron(8): "those jobs that fall into the
 * repeated time will not be re-run"; "those jobs that would have run in the interval that
 * has been skipped will be run immediately"). croner alone fired `*\/30 2 * * *` four times
 * on the autumn day and not at all on the spring day, where `30 2 * * *` fired once on each.
 * A schedule with `*` for its hour (`0 * * * *`, `*\/15 * * * *`) goes by the time that
 * elapses: the repeated hour fires again. Argo's CronWorkflow and a Kubernetes CronJob
 * (robfig/cron) fire a repeated time twice and skip a skipped one (docs/operating.md).
 */
import { Cron } from 'croner';

export interface DueTick {
  /** the tick to fire now (ms), if any */
  due?: number;
  /** the latest tick passed over for being past its deadline: recorded as missed, not fired */
  missed?: number;
  /** the next tick after now (ms), or null when the expression has no more */
  next: number | null;
}

/** At most this many ticks are walked per call (a schedule every second, a day behind, is bounded). */
const MAX_WALK = 100_000;

export function dueTick(pattern: string, timeZone: string, lastTickMs: number, nowMs: number, deadlineMs: number): DueTick {
  const nextAfter = tickAfter(pattern, timeZone);
  let missed: number | undefined;
  let at = nextAfter(lastTickMs);
  for (let i = 0; at !== null && at < nowMs - deadlineMs && i < MAX_WALK; i++) {
    missed = at;
    at = nextAfter(at);
  }
  const due = at !== null && at <= nowMs ? at : undefined;
  const next = nextAfter(nowMs);
  return { ...(due !== undefined ? { due } : {}), ...(missed !== undefined ? { missed } : {}), next };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** How far a tick is looked for past a spring hour (a year and a day: every expression croner takes matches within it but a leap day's). */
const GAP_SCAN = 367 * DAY;

/** The schedule's next tick strictly after a time (ms; null: none), by the rules of daylight saving time above. */
function tickAfter(pattern: string, timeZone: string): (afterMs: number) => number | null {
  const cron = new Cron(pattern, { timezone: timeZone, paused: true });
  const next = (ms: number) => cron.nextRun(new Date(ms))?.getTime() ?? null;
  if (!namesHours(pattern)) return next;
  // The expression read on wall-clock time as if it were UTC: whether it matches a time the spring hour skips.
  const wall = new Cron(pattern, { timezone: 'UTC', paused: true });
  return (afterMs) => {
    let at = next(afterMs);
    for (let i = 0; at !== null && i < MAX_WALK && occurredBefore(timeZone, at); i++) at = next(at);
    const gap = skippedTick(timeZone, wall, afterMs, at ?? afterMs + GAP_SCAN);
    return gap !== undefined && (at === null || gap < at) ? gap : at;
  };
}

/** Whether `pattern` names its hours: its hour field (the second of five, the third of six) is not `*`; `@hourly` does not, the other nicknames do. */
function namesHours(pattern: string): boolean {
  const fields = pattern.trim().split(/\s+/);
  if (fields[0].startsWith('@')) return fields[0].toLowerCase() !== '@hourly';
  return (fields.length === 6 ? fields[2] : fields[1]) !== '*';
}

/** Whether the wall-clock time of instant `ms` in `zone` occurred before (the autumn hour's second pass). */
function occurredBefore(zone: string, ms: number): boolean {
  const now = offsetAt(zone, ms);
  // The offset before the clock went back (a shift is at most a few hours, and never twice within these).
  const before = offsetAt(zone, ms - 3 * HOUR);
  if (before <= now) return false;
  const first = ms - (before - now);
  return offsetAt(zone, first) === before;
}

/**
 * The end of a spring hour after `afterMs` and before `untilMs` whose skipped wall-clock
 * times `wall` (the expression in UTC) matches: the instant they fire at, once.
 */
function skippedTick(zone: string, wall: Cron, afterMs: number, untilMs: number): number | undefined {
  const end = Math.min(untilMs, afterMs + GAP_SCAN);
  for (let from = afterMs; from < end; from += DAY) {
    const to = Math.min(from + DAY, end);
    const [o1, o2] = [offsetAt(zone, from), offsetAt(zone, to)];
    if (o2 <= o1) continue;
    // The instant the clock moved forward (to the second), then the wall-clock times it skipped.
    let [lo, hi] = [from, to];
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (offsetAt(zone, mid) === o1) lo = mid;
      else hi = mid;
    }
    if (hi <= afterMs || hi >= untilMs) continue;
    const skipped = wall.nextRun(new Date(hi + o1 - 1000))?.getTime();
    if (skipped !== undefined && skipped < hi + o2) return hi;
  }
  return undefined;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** The offset of `zone` from UTC at instant `ms`, in ms (wall-clock time = ms + offset), to the second. */
function offsetAt(zone: string, ms: number): number {
  let f = formats.get(zone);
  if (!f) formats.set(zone, (f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })));
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
}
