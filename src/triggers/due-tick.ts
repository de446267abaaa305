/**
 * Which tick of a schedule is due now: the latest tick after the last one fired and not
 * after `now`, unless it is older than the starting deadline (missed while no coordinator
 * ran: skipped, as a CronJob skips it). Pure: the clock is an argument.
 */
import { Cron } from 'croner';

export interface DueTick {
  /** the tick to fire now (ms), if any */
  due?: number;
  /** a tick that came due but is past its deadline: recorded as passed, not fired */
  missed?: number;
  /** the next tick after now (ms), or null when the expression has no more */
  next: number | null;
}

/** At most this many ticks are walked per call (a schedule every second, a day behind, is bounded). */
const MAX_WALK = 100_000;

export function dueTick(pattern: string, timeZone: string, lastTickMs: number, nowMs: number, deadlineMs: number): DueTick {
  const cron = new Cron(pattern, { timezone: timeZone, paused: true });
  let latest: number | undefined;
  let at = cron.nextRun(new Date(lastTickMs));
  for (let i = 0; at && at.getTime() <= nowMs && i < MAX_WALK; i++) {
    latest = at.getTime();
    at = cron.nextRun(at);
  }
  const next = at && at.getTime() > nowMs ? at.getTime() : (cron.nextRun(new Date(nowMs))?.getTime() ?? null);
  if (latest === undefined) return { next };
  return nowMs - latest > deadlineMs ? { missed: latest, next } : { due: latest, next };
}
