/**
 * The coordinator's scheduler: it looks at each Schedule and fires the tick that is due
 * (src/triggers/due-tick.ts, croner), then waits until the earliest next tick of them all,
 * or until a schedule is stored or deleted (told on a channel): nothing is read while no
 * tick is due (issue 9, nothing polls). However many coordinators share a
 * Redis, each tick makes one run: the run's id is named after the tick
 * (`tickRunId`), so a second coordinator's start is refused as taken,
 * and the tick is then claimed (schedule-claim-1.lua) so that no one looks at it again. A
 * coordinator that stops between the two leaves the tick to the next look, whose start is
 * refused as taken and whose claim goes through: nothing fires twice or is lost. A tick's
 * run is planned on the CPU pool (api/run-starter.ts), as a request's is: a large flow
 * never holds up the coordinator's thread.
 */
import { createHash } from 'node:crypto';
import { isRefusal } from '../errors/strata-error.ts';
import type { Redis } from 'ioredis';
import { schedulesFired } from '../api/metrics.ts';
import { dueTick } from '../triggers/due-tick.ts';
import type { Schedule } from '../triggers/trigger-documents.ts';
import { paramsOf } from '../triggers/trigger-documents.ts';
import type { RunStore } from '../store/run-store.ts';
import type { TriggerStore } from '../store/trigger-store.ts';
import type { Logger } from './logger.ts';
import { jsonBody, planIngest, planUse, type StarterDeps } from '../api/run-starter.ts';
import { LookLoop } from '../coordinator/look-loop.ts';

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
  /** starts a tick's run, planned on the CPU pool (not on this thread) */
  starter: StarterDeps;
  log: Logger;
}

export class Scheduler {
  // A look sets the timer for the earliest next tick; one that failed (Redis away, or the
  // scheduler stopping under it) tries again after retryMs.
  private readonly loop = new LookLoop(
    async () => this.loop.setTimer(await this.check()),
    (e) => {
      this.d.log.error({ event: 'schedule.error', err: e }, `schedules not read: ${(e as Error).message}`);
      this.loop.setTimer(Date.now() + this.retryMs);
    },
  );
  private subscriber: Redis | undefined;

  /** @param retryMs how long after a look that failed (Redis away) the next one is */
  constructor(
    private readonly d: SchedulerDeps,
    private readonly retryMs = 500,
  ) {}

  /**
   * Look now, then whenever the next tick is due or a schedule changes: `subscriber` (a
   * connection of its own) hears of schedules stored and deleted. Resolves once subscribed.
   */
  async startWaiting(subscriber: Redis): Promise<void> {
    this.subscriber = subscriber;
    const channel = this.d.triggers.schedulesChannel;
    subscriber.on('message', (ch: string) => {
      if (ch === channel) void this.look();
    });
    // After a reconnect, a change said meanwhile is read back.
    subscriber.on('ready', () => void this.look());
    await subscriber.subscribe(channel);
    void this.look();
  }

  stop(): void {
    this.loop.stop();
    void this.subscriber?.unsubscribe().catch(() => undefined);
  }

  /** Look at every schedule (once more after the current look, if one runs), then wait for the next tick. */
  look(): Promise<void> {
    return this.loop.look();
  }

  /**
   * When this scheduler looks next of its own accord (ms since the epoch: the earliest next
   * tick; Infinity: only when a schedule changes), once every change said to it so far has
   * been heard (a PING on its subscriber connection is answered after them); undefined
   * while a look is under way or asked for. For tests of what an idle strata sends Redis.
   */
  async nextLook(): Promise<number | undefined> {
    await this.subscriber?.ping();
    return this.loop.busy ? undefined : this.loop.nextAt;
  }

  /** Look at every schedule once; fire what is due. Returns when the earliest next tick is (ms; Infinity: none). */
  async check(now = Date.now()): Promise<number> {
    let next = Infinity;
    for (const s of await this.d.triggers.schedules()) {
      if (s.spec.suspend) continue;
      // A scheduler that fell behind catches up, a tick at a time, in order (bounded per look).
      for (let i = 0; i < 100; i++) {
        const t = await this.checkOne(s, now).catch((e) => {
          this.d.log.error({ event: 'schedule.error', schedule: s.metadata.name, err: e }, `schedule ${s.metadata.name}: ${(e as Error).message}`);
          return { fired: false, next: now + this.retryMs };
        });
        if (t.next !== null) next = Math.min(next, t.next);
        if (!t.fired) break;
        // Still behind after the bound: look again at once.
        if (i === 99) next = now;
      }
    }
    return next;
  }

  /** Fire (or pass over) the schedule's earliest due tick; `fired` when there was one, and the tick after now. */
  private async checkOne(s: Schedule, now: number): Promise<{ fired: boolean; next: number | null }> {
    const name = s.metadata.name;
    const state = await this.d.triggers.state(name);
    const last = state.lastTick !== undefined ? Number(state.lastTick) : now;
    const t = dueTick(s.spec.schedule, s.spec.timeZone, last, now, s.spec.startingDeadlineSeconds * 1000);
    if (state.nextRunAt !== (t.next === null ? undefined : new Date(t.next).toISOString())) await this.d.triggers.setNext(name, t.next);
    if (t.missed !== undefined && (await this.d.triggers.claim(name, t.missed, '', 'missed'))) {
      this.d.log.warn({ event: 'schedule.missed', schedule: name, tick: new Date(t.missed).toISOString() }, `schedule ${name}: tick ${new Date(t.missed).toISOString()} missed (past its starting deadline)`);
    }
    if (t.due === undefined) return { fired: false, next: t.next };
    const tick = t.due;
    const id = tickRunId(name, tick);
    // The tick's own run (started by a coordinator that stopped before its claim) is no earlier run.
    const running = (await this.runningRuns(name)).filter((r) => r !== id);
    if (running.length > 0 && s.spec.concurrencyPolicy === 'Forbid') {
      if (await this.d.triggers.claim(name, tick, '', 'skipped')) this.d.log.info({ event: 'schedule.skip', schedule: name, running }, `schedule ${name}: tick skipped, ${running.join(', ')} still running (Forbid)`);
      return { fired: true, next: t.next };
    }
    const meta = { id, origin: { schedule: name, tick: new Date(tick).toISOString() }, ...(s.spec.labels ? { labels: s.spec.labels } : {}), ...(s.spec.onEnd ? { onEnd: s.spec.onEnd } : {}) };
    // A run already stored under the tick's id (another coordinator's start) is left as it is.
    if (!(await this.d.store.status(id))) {
      try {
        // Planned first: Replace cancels the earlier runs only for a run that can start.
        const start = s.spec.use ? await planUse(this.d.starter, s.spec.use, paramsOf(s.spec)) : await planIngest(this.d.starter, jsonBody(s.spec.dataset));
        if (s.spec.concurrencyPolicy === 'Replace') for (const r of running) await this.d.starter.runs.cancel(r).catch(() => undefined);
        await start(meta);
      } catch (e) {
        // Refused (a rule registered since makes the Dataset's plan fail, ...): refused again at
        // every look, so the tick is recorded as failed, with why, and the next one is taken up.
        // Anything else (Redis away) is tried again.
        if (!isRefusal(e)) throw e;
        if (await this.d.triggers.claim(name, tick, '', 'failed', e.message)) {
          this.d.log.warn({ event: 'schedule.failed', schedule: name, tick: new Date(tick).toISOString(), err: e.message }, `schedule ${name}: tick ${new Date(tick).toISOString()} started no run: ${e.message}`);
        }
        return { fired: true, next: t.next };
      }
    }
    // Only one coordinator's claim of a tick goes through: it is the one that tells.
    if (await this.d.triggers.claim(name, tick, id, 'fired')) {
      schedulesFired.inc({ schedule: name });
      this.d.log.info({ event: 'schedule.fire', schedule: name, run: id, tick: new Date(tick).toISOString() }, `schedule ${name} started run ${id}`);
    }
    return { fired: true, next: t.next };
  }

  /** The schedule's runs still going (the newest 50 looked at). */
  private async runningRuns(name: string): Promise<string[]> {
    const ids = await this.d.store.redis.zrevrange(this.d.store.scheduleIndex(name), 0, 49);
    const statuses = await Promise.all(ids.map((id) => this.d.store.status(id)));
    return ids.filter((_, i) => statuses[i] === 'pending' || statuses[i] === 'running');
  }
}
