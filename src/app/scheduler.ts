/**
 * The coordinator's scheduler: every `intervalMs` it looks at each Schedule and fires the
 * tick that is due (src/triggers/due-tick.ts, croner). However many coordinators share a
 * Redis, each tick makes one run: the run's id is named after the tick
 * (`tickRunId`), so a second coordinator's start is refused as taken,
 * and the tick is then claimed (schedule-claim-1.lua) so that no one looks at it again. A
 * coordinator that stops between the two leaves the tick to the next look, whose start is
 * refused as taken and whose claim goes through: nothing fires twice or is lost.
 */
import { createHash } from 'node:crypto';
import { schedulesFired } from '../api/metrics.ts';
import { dueTick } from '../triggers/due-tick.ts';
import type { Schedule } from '../triggers/trigger-documents.ts';
import { paramsOf } from '../triggers/trigger-documents.ts';
import type { RunStore } from '../store/run-store.ts';
import type { TriggerStore } from '../store/trigger-store.ts';
import type { Logger } from './logger.ts';
import { ingestAndRun, startUse, type StarterDeps } from './run-starter.ts';

/**
 * The run id of a schedule's tick: of the form of every run id (`r`, the time in base 36,
 * 8 hex digits: src/api/ids.ts), made of the tick's time and the schedule's name, so every
 * coordinator names a tick's run alike.
 */
export function tickRunId(schedule: string, tickMs: number): string {
  return `r${tickMs.toString(36)}${createHash('sha256').update(schedule).digest('hex').slice(0, 8)}`;
}

export interface SchedulerDeps {
  triggers: TriggerStore;
  store: RunStore;
  starter: StarterDeps;
  log: Logger;
}

export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(private readonly d: SchedulerDeps) {}

  start(intervalMs = 500): void {
    this.timer = setInterval(() => void this.check(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Look at every schedule once; fire what is due. */
  async check(now = Date.now()): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (const s of await this.d.triggers.schedules()) {
        if (s.spec.suspend) continue;
        // A scheduler that fell behind catches up, a tick at a time, in order (bounded per look).
        for (let i = 0; i < 100; i++) {
          const fired = await this.checkOne(s, now).catch((e) => {
            this.d.log.error({ event: 'schedule.error', schedule: s.metadata.name, err: e }, `schedule ${s.metadata.name}: ${(e as Error).message}`);
            return false;
          });
          if (!fired) break;
        }
      }
    } catch (e) {
      // Redis away (or the scheduler stopping under it): the next look tries again.
      this.d.log.error({ event: 'schedule.error', err: e }, `schedules not read: ${(e as Error).message}`);
    } finally {
      this.busy = false;
    }
  }

  /** Fire (or pass over) the schedule's earliest due tick; true when there was one. */
  private async checkOne(s: Schedule, now: number): Promise<boolean> {
    const name = s.metadata.name;
    const state = await this.d.triggers.state(name);
    const last = state.lastTick !== undefined ? Number(state.lastTick) : now;
    const t = dueTick(s.spec.schedule, s.spec.timeZone, last, now, s.spec.startingDeadlineSeconds * 1000);
    if (state.nextRunAt !== (t.next === null ? undefined : new Date(t.next).toISOString())) await this.d.triggers.setNext(name, t.next);
    if (t.missed !== undefined && (await this.d.triggers.claim(name, t.missed, '', 'missed'))) {
      this.d.log.warn({ event: 'schedule.missed', schedule: name, tick: new Date(t.missed).toISOString() }, `schedule ${name}: tick ${new Date(t.missed).toISOString()} missed (past its starting deadline)`);
    }
    if (t.due === undefined) return false;
    const tick = t.due;
    const running = await this.runningRuns(name);
    if (running.length > 0 && s.spec.concurrencyPolicy === 'Forbid') {
      if (await this.d.triggers.claim(name, tick, '', 'skipped')) this.d.log.info({ event: 'schedule.skip', schedule: name, running }, `schedule ${name}: tick skipped, ${running.join(', ')} still running (Forbid)`);
      return true;
    }
    const id = tickRunId(name, tick);
    if (running.length > 0 && s.spec.concurrencyPolicy === 'Replace') {
      for (const r of running) if (r !== id) await this.d.starter.runs.cancel(r).catch(() => undefined);
    }
    const meta = { id, origin: { schedule: name, tick: new Date(tick).toISOString() }, ...(s.spec.labels ? { labels: s.spec.labels } : {}), ...(s.spec.onEnd ? { onEnd: s.spec.onEnd } : {}) };
    // A run already stored under the tick's id (another coordinator's start) is left as it is.
    if (!(await this.d.store.status(id))) {
      if (s.spec.use) await startUse(this.d.starter, s.spec.use, paramsOf(s.spec), meta);
      else await ingestAndRun(this.d.starter, s.spec.dataset, meta);
    }
    // Only one coordinator's claim of a tick goes through: it is the one that tells.
    if (await this.d.triggers.claim(name, tick, id, 'fired')) {
      schedulesFired.inc({ schedule: name });
      this.d.log.info({ event: 'schedule.fire', schedule: name, run: id, tick: new Date(tick).toISOString() }, `schedule ${name} started run ${id}`);
    }
    return true;
  }

  /** The schedule's runs still going (the newest 50 looked at). */
  private async runningRuns(name: string): Promise<string[]> {
    const ids = await this.d.store.redis.zrevrange(this.d.store.scheduleIndex(name), 0, 49);
    const statuses = await Promise.all(ids.map((id) => this.d.store.status(id)));
    return ids.filter((_, i) => statuses[i] === 'pending' || statuses[i] === 'running');
  }
}
