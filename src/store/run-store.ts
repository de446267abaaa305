/**
 * Run state in Redis: the run, its plan, every step's view, the engine's event log (the
 * source of truth the engine is rebuilt from) and the events users watch. Key layout in
 * docs/redis.md. Every change is one Lua script, so it is atomic.
 */
import type { Redis } from 'ioredis';
import type { EngineEvent, RunStatus, StatusCommand } from '../engine/types.ts';
import type { JsonValue } from '../flow/types.ts';
import type { PlanNode } from '../plan/plan-node.ts';
import type { RunSummary, RunView, StepEvent, StepView } from '../run/run-view.ts';
import { callScript } from './lua-scripts.ts';

export interface StoredPlan {
  root: PlanNode;
  params: Record<string, JsonValue>;
}

/** What one log entry made the engine decide, to be recorded once. */
export interface CommitEntry {
  i: number;
  steps: StatusCommand[];
  run?: { status: RunStatus; result?: JsonValue; error?: string };
}

const PENDING: StepView = { status: 'pending', attempts: 0, startedAt: null, finishedAt: null, result: null, error: null };
const LOG_CAP = 1024 * 1024;

export class RunStore {
  constructor(
    readonly redis: Redis,
    readonly prefix = 'strata:',
  ) {}

  key(id: string, part = ''): string {
    return `${this.prefix}run:${id}${part ? `:${part}` : ''}`;
  }

  get activeKey(): string {
    return `${this.prefix}runs:active`;
  }

  async create(id: string, flow: string, plan: StoredPlan, stepIds: string[], origin: Record<string, string>): Promise<boolean> {
    const fields = { id, status: 'pending', flow, createdAt: new Date().toISOString(), origin: JSON.stringify(origin), applied: '-1' };
    const known = stepIds.filter((s) => !s.includes('*'));
    const r = await callScript<number>(this.redis, 'runCreate', [this.key(id), this.key(id, 'steps'), this.key(id, 'log'), `${this.prefix}runs`], [id, JSON.stringify(fields), JSON.stringify(known), Date.now(), this.activeKey, JSON.stringify(PENDING), this.key(id, 'plan'), JSON.stringify(plan)]);
    return r === 1;
  }

  async plan(id: string): Promise<StoredPlan | undefined> {
    const s = await this.redis.get(this.key(id, 'plan'));
    return s ? (JSON.parse(s) as StoredPlan) : undefined;
  }

  /** Append events, each once per dedupe key, and read the log from `from` on. */
  async append(id: string, events: Array<{ event: EngineEvent; dedupe: string }>, from: number): Promise<{ appended: boolean[]; entries: EngineEvent[] }> {
    const args: Array<string | number> = [from, this.key(id)];
    for (const e of events) args.push(e.dedupe, JSON.stringify(e.event));
    const [flags, entries] = await callScript<[string, string[]]>(this.redis, 'eventAppend', [this.key(id, 'log'), this.key(id, 'seen')], args);
    return { appended: [...flags].map((f) => f === '1'), entries: entries.map((e) => JSON.parse(e) as EngineEvent) };
  }

  async readLog(id: string, from: number): Promise<EngineEvent[]> {
    return (await this.redis.lrange(this.key(id, 'log'), from, -1)).map((e) => JSON.parse(e) as EngineEvent);
  }

  /**
   * Record decisions for log entries not yet recorded, folded from the log range
   * [from, to]; returns the highest entry recorded (below `to` when the range was refused
   * for leaving a gap). `force` records reports from inside pods, which have no index.
   */
  async commit(id: string, entries: CommitEntry[], force = false, from = 0, to = -1): Promise<number> {
    return (await this.commitEnding(id, entries, force, from, to)).applied;
  }

  /** commit(), also telling whether this call ended the run (exactly one call does) and how. */
  async commitEnding(id: string, entries: CommitEntry[], force = false, from = 0, to = -1): Promise<{ applied: number; ended?: RunStatus }> {
    const now = new Date();
    const payload = entries.map((e) => ({
      i: e.i,
      steps: e.steps.map(stepPayload),
      ...(e.run ? { run: { status: e.run.status, ...(e.run.result !== undefined ? { resultJson: JSON.stringify(e.run.result) } : {}), ...(e.run.error !== undefined ? { error: e.run.error } : {}) } } : {}),
    }));
    const [applied, ended] = await callScript<[number, string]>(this.redis, 'runCommit', [this.key(id), this.key(id, 'steps'), this.key(id, 'events'), this.activeKey, this.finishedKey], [JSON.stringify(payload), now.toISOString(), force ? '1' : '0', from, to, now.getTime()]);
    return { applied, ...(ended ? { ended: ended as RunStatus } : {}) };
  }

  /** Runs that ended, by end time in ms (retention walks it). */
  get finishedKey(): string {
    return `${this.prefix}runs:finished`;
  }

  async status(id: string): Promise<RunStatus | undefined> {
    return ((await this.redis.hget(this.key(id), 'status')) as RunStatus | null) ?? undefined;
  }

  /** A step's view, or undefined. */
  async step(id: string, step: string): Promise<StepView | undefined> {
    const s = await this.redis.hget(this.key(id, 'steps'), step);
    return s ? toStepView(s) : undefined;
  }

  async view(id: string): Promise<RunView | undefined> {
    const [run, steps] = await Promise.all([this.redis.hgetall(this.key(id)), this.redis.hgetall(this.key(id, 'steps'))]);
    if (!run.id) return undefined;
    const out: Record<string, StepView> = {};
    for (const k of Object.keys(steps).sort()) out[k] = toStepView(steps[k]);
    return {
      id: run.id,
      status: run.status as RunStatus,
      flow: run.flow,
      createdAt: run.createdAt,
      finishedAt: run.finishedAt ?? null,
      error: run.error ?? null,
      result: run.result ? JSON.parse(run.result) : null,
      origin: run.origin ? JSON.parse(run.origin) : {},
      steps: out,
    };
  }

  async list(limit = 200): Promise<RunSummary[]> {
    const ids = await this.redis.zrevrange(`${this.prefix}runs`, 0, limit - 1);
    const rows = await Promise.all(ids.map((id) => this.redis.hmget(this.key(id), 'status', 'flow', 'createdAt', 'finishedAt')));
    return ids.map((id, i) => ({ id, status: rows[i][0] as RunStatus, flow: rows[i][1] ?? '', createdAt: rows[i][2] ?? '', finishedAt: rows[i][3] ?? null }));
  }

  async active(): Promise<string[]> {
    return this.redis.smembers(this.activeKey);
  }

  async events(id: string, from: number): Promise<StepEvent[]> {
    return (await this.redis.lrange(this.key(id, 'events'), from, -1)).map((e) => JSON.parse(e) as StepEvent);
  }

  /** Append to a step's log, which keeps its last LOG_CAP bytes. */
  async appendLog(id: string, step: string, chunk: string, cap = LOG_CAP): Promise<void> {
    await callScript<number>(this.redis, 'logAppend', [this.key(id, `logs:${step}`)], [chunk, cap, '[earlier output cut]\n']);
  }

  async logs(id: string, step: string): Promise<string | undefined> {
    const [text, exists] = await Promise.all([this.redis.get(this.key(id, `logs:${step}`)), this.redis.hexists(this.key(id, 'steps'), step)]);
    if (text !== null) return text;
    return exists ? '' : undefined;
  }
}

/** A status command as run-commit takes it: results and items as JSON text (Lua's cjson never re-encodes them). */
function stepPayload(s: StatusCommand): Record<string, unknown> {
  return {
    step: s.step, status: s.status,
    ...(s.attempt !== undefined ? { attempt: s.attempt } : {}),
    ...(s.result !== undefined ? { resultJson: JSON.stringify(s.result) } : {}),
    ...(s.error !== undefined ? { error: s.error } : {}),
    ...(s.exitCode !== undefined ? { exitCode: s.exitCode } : {}),
    ...(s.image !== undefined ? { image: s.image } : {}),
    ...(s.item !== undefined ? { itemJson: JSON.stringify(s.item) } : {}),
  };
}

function toStepView(raw: string): StepView {
  const v = JSON.parse(raw) as StepView & { resultJson?: string; itemJson?: string };
  const { resultJson, itemJson, ...rest } = v;
  const view: StepView = { ...PENDING, ...rest, result: resultJson !== undefined ? (JSON.parse(resultJson) as JsonValue) : null };
  if (itemJson !== undefined) view.item = JSON.parse(itemJson) as JsonValue;
  if (view.startedAt && view.finishedAt) view.durationMs = Date.parse(view.finishedAt) - Date.parse(view.startedAt);
  return view;
}
