/**
 * Composites' deadlines (DESIGN.md section 3: a composite's `timeout` bounds the whole
 * node). The engine has no clock: it asks with a `deadline` command, and the answer is a
 * `deadline` event appended to the run's log once the time has passed, so the fold stays
 * deterministic. Each deadline is kept in one sorted set (score: when it passes, ms since
 * the epoch), written with ZADD NX so the first process to arm it fixes the time and a
 * log folded again later does not move it. The process that armed it fires it from a timer;
 * coordinators fire any whose process is gone: a deadline newly stored is told on the
 * coordinators' channel (`wake`), with its time plus the grace that leaves its own process
 * the first go, and the coordinator that looks then fires what has passed (coordinator.ts).
 *
 * A step id may start again (a retry of the run, a composite around it run again whole), and
 * each start arms a deadline of its own, numbered (DeadlineCommand.armed): the first is member
 * `runId|step` (as before the number, so a timer stored then is the same), a later one
 * `runId|step|d<armed>`, each answered by a `deadline` event naming its number.
 *
 * A leaf's retry back-off is the same kind of timer (docs/flow-language.md, Retries with
 * back-off): member `runId|step|attempt`, answered by a `backoff` event for that attempt. A
 * composite's (retryWhole) counts its attempts from 1 on each start of its step id, so its
 * member names the start too, `runId|step|attempt|s<start>` (BackoffCommand.started).
 */
import type { Redis } from 'ioredis';
import type { TimerCommand } from '../engine/types.ts';
import { timerKey, timerOfKey, type TimerName } from '../engine/timer-names.ts';
import { minOf } from '../flow/append-all.ts';

/** Append the event of the timer that passed (timer-names.ts timerEvent). */
export type FireDeadline = (runId: string, timer: TimerName) => Promise<void>;

export class DeadlineBook {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private fire: FireDeadline = async () => undefined;

  constructor(
    private readonly redis: Redis,
    /** the sorted set: member `runId|` and the timer's key (timerKey), score the time it passes */
    readonly key: string,
    /** where waiting coordinators hear of a deadline newly stored, and how long after its time they fire it */
    private readonly wake?: { channel: string; graceMs: number },
  ) {}

  /** How long after its time a coordinator fires a deadline its process did not (coordinator.ts DueSource). */
  get graceMs(): number {
    return this.wake?.graceMs ?? 0;
  }

  /** What firing a deadline does (appending its event); set once the run system is wired. */
  onFire(fire: FireDeadline): void {
    this.fire = fire;
  }

  /** Arm timers of a run (idempotent): stored once, and a timer here for each; resolves to those stored now for the first time. */
  async arm(runId: string, cmds: TimerCommand[]): Promise<TimerCommand[]> {
    if (cmds.length === 0) return [];
    const now = Date.now();
    const members = cmds.map((c) => `${runId}|${timerKey(c)}`);
    const tx = this.redis.multi();
    cmds.forEach((c, i) => tx.zadd(this.key, 'NX', now + c.seconds * 1000, members[i]));
    tx.zmscore(this.key, members);
    const res = await tx.exec();
    const scores = (res?.[res.length - 1]?.[1] ?? []) as Array<string | null>;
    const fresh = cmds.filter((_, i) => Number(res?.[i]?.[1]) === 1);
    const first = minOf(cmds.map((_, i) => (Number(res?.[i]?.[1]) === 1 ? Number(scores[i]) : Infinity)));
    if (this.wake && first < Infinity) await this.redis.publish(this.wake.channel, String(first + this.wake.graceMs));
    members.forEach((m, i) => {
      if (this.timers.has(m) || scores[i] === null) return;
      const wait = Math.max(0, Number(scores[i]) - Date.now());
      const t = setTimeout(() => void this.fireOne(m).catch(() => undefined), wait);
      t.unref();
      this.timers.set(m, t);
    });
    return fresh;
  }

  /** The earliest time a stored deadline passes (ms), or undefined when none is stored. */
  async earliest(): Promise<number | undefined> {
    const [, score] = await this.redis.zrange(this.key, '0', '0', 'WITHSCORES');
    return score === undefined ? undefined : Number(score);
  }

  /** Fire every deadline that passed by `now` (a coordinator's look: timers of a process that is gone). */
  async fireDue(now = Date.now()): Promise<void> {
    const due = await this.redis.zrangebyscore(this.key, '-inf', now, 'LIMIT', 0, 1000);
    for (const m of due) await this.fireOne(m).catch(() => undefined);
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private async fireOne(member: string): Promise<void> {
    this.timers.delete(member);
    const at = member.indexOf('|');
    await this.fire(member.slice(0, at), timerOfKey(member.slice(at + 1)));
    // Removed once its event is in the log (appending is deduplicated, so firing twice is harmless).
    await this.redis.zrem(this.key, member);
  }
}
