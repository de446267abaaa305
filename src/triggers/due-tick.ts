/**
 * Which tick of a schedule is due now: the earliest tick after the last one fired and not
 * after `now`, so that ticks are fired in order, each once, even by a scheduler that fell
 * behind (a busy machine); ticks older than the starting deadline (missed while no
 * coordinator ran) are passed over, as a CronJob passes them over. Pure: the clock is an
 * argument.
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
  const cron = new Cron(pattern, { timezone: timeZone, paused: true });
  let missed: number | undefined;
  let at = cron.nextRun(new Date(lastTickMs));
  for (let i = 0; at && at.getTime() < nowMs - deadlineMs && i < MAX_WALK; i++) {
    missed = at.getTime();
    at = cron.nextRun(at);
  }
  const due = at && at.getTime() <= nowMs ? at.getTime() : undefined;
  const next = cron.nextRun(new Date(nowMs))?.getTime() ?? null;
  return { ...(due !== undefined ? { due } : {}), ...(missed !== undefined ? { missed } : {}), next };
}
