/**
 * Schedules and hooks in Redis (key layout in docs/redis.md): the documents, each
 * schedule's state (the last tick fired, its run), and each hook's token, kept as a
 * SHA-256 digest only. Claiming a tick is one script, so coordinators sharing a Redis fire
 * each tick once.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Hook, Schedule } from '../triggers/trigger-documents.ts';
import { callScript } from './lua-scripts.ts';

export interface ScheduleState {
  lastTick?: string;
  lastOutcome?: string;
  lastRunId?: string;
  lastRunAt?: string;
  nextRunAt?: string;
  /** why the last tick's run was refused (lastOutcome `failed`) */
  lastError?: string;
}

const digest = (token: string) => createHash('sha256').update(token).digest();

export class TriggerStore {
  constructor(
    readonly redis: Redis,
    private readonly prefix = 'strata:',
  ) {}

  private k(s: string): string {
    return this.prefix + s;
  }

  stateKey(name: string): string {
    return this.k(`schedule:${name}`);
  }

  /** The channel waiting schedulers hear of a schedule stored or deleted on (named like the schedules hash). */
  get schedulesChannel(): string {
    return this.k('schedules');
  }

  async putSchedule(s: Schedule, nowMs = Date.now()): Promise<'created' | 'updated' | 'unchanged'> {
    const r = await callScript<number>(this.redis, 'schedulePut', [this.k('schedules'), this.stateKey(s.metadata.name)], [s.metadata.name, JSON.stringify(s), nowMs]);
    if (r !== 0) await this.redis.publish(this.schedulesChannel, s.metadata.name);
    return r === 1 ? 'created' : r === 2 ? 'updated' : 'unchanged';
  }

  async schedules(): Promise<Schedule[]> {
    const all = await this.redis.hgetall(this.k('schedules'));
    return Object.keys(all).sort().map((n) => JSON.parse(all[n]) as Schedule);
  }

  async schedule(name: string): Promise<Schedule | undefined> {
    const s = await this.redis.hget(this.k('schedules'), name);
    return s ? (JSON.parse(s) as Schedule) : undefined;
  }

  async state(name: string): Promise<ScheduleState> {
    return (await this.redis.hgetall(this.stateKey(name))) as ScheduleState;
  }

  /** A schedule's state as the API shows it: every time in ISO 8601 UTC (stored as ms for the scheduler's arithmetic). */
  async stateView(name: string): Promise<ScheduleState> {
    const st = await this.state(name);
    const iso = (ms: string | undefined) => (ms !== undefined && /^\d+$/.test(ms) ? new Date(Number(ms)).toISOString() : ms);
    return { ...st, ...(st.lastTick !== undefined ? { lastTick: iso(st.lastTick) } : {}), ...(st.lastRunAt !== undefined ? { lastRunAt: iso(st.lastRunAt) } : {}) };
  }

  async deleteSchedule(name: string): Promise<boolean> {
    const [removed] = await Promise.all([this.redis.hdel(this.k('schedules'), name), this.redis.del(this.stateKey(name))]);
    if (removed === 1) await this.redis.publish(this.schedulesChannel, name);
    return removed === 1;
  }

  /** Claim tick `tickMs` of a schedule for one coordinator: true for exactly one caller per tick. `error`: why a failed tick's run was refused, kept as `lastError` until a later tick is claimed. */
  async claim(name: string, tickMs: number, runId: string, outcome: 'fired' | 'skipped' | 'missed' | 'failed', error = ''): Promise<boolean> {
    return (await callScript<number>(this.redis, 'scheduleClaim', [this.stateKey(name)], [tickMs, runId, outcome, error])) === 1;
  }

  async setNext(name: string, nextMs: number | null): Promise<void> {
    if (nextMs === null) await this.redis.hdel(this.stateKey(name), 'nextRunAt');
    else await this.redis.hset(this.stateKey(name), 'nextRunAt', new Date(nextMs).toISOString());
  }

  /** Store a hook with a new token; the token is returned once and kept only as a digest. */
  async putHook(h: Hook): Promise<{ outcome: 'created' | 'updated'; token: string }> {
    const token = randomBytes(24).toString('base64url');
    const n = await this.redis.hset(this.k('hooks'), h.metadata.name, JSON.stringify({ hook: h, digest: digest(token).toString('hex') }));
    return { outcome: n === 1 ? 'created' : 'updated', token };
  }

  async hooks(): Promise<Hook[]> {
    const all = await this.redis.hgetall(this.k('hooks'));
    return Object.keys(all).sort().map((n) => (JSON.parse(all[n]) as { hook: Hook }).hook);
  }

  async hook(name: string): Promise<Hook | undefined> {
    const s = await this.redis.hget(this.k('hooks'), name);
    return s ? (JSON.parse(s) as { hook: Hook }).hook : undefined;
  }

  /** The hook when `token` is its token (compared in constant time), else undefined. */
  async hookFor(name: string, token: string): Promise<Hook | undefined> {
    const s = await this.redis.hget(this.k('hooks'), name);
    if (!s) return undefined;
    const stored = JSON.parse(s) as { hook: Hook; digest: string };
    return timingSafeEqual(Buffer.from(stored.digest, 'hex'), digest(token)) ? stored.hook : undefined;
  }

  async deleteHook(name: string): Promise<boolean> {
    return (await this.redis.hdel(this.k('hooks'), name)) === 1;
  }
}
