/**
 * Run state in Redis: the run, its plan, every step's view, the engine's event log (the
 * source of truth the engine is rebuilt from) and the events users watch. Key layout in
 * docs/redis.md. Every change is one Lua script, so it is atomic.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { EngineEvent, RunStatus, StatusCommand } from '../engine/types.ts';
import type { JsonValue } from '../flow/types.ts';
import type { PlanNode } from '../plan/plan-node.ts';
import { prepareRun, type PreparedRun } from '../run/prepared-run.ts';
import type { OnEnd, RunSummary, RunView, StepEvent, StepView } from '../run/run-view.ts';
import { StrataError } from '../errors/strata-error.ts';
import { commitParts } from './commit-parts.ts';
import { callScript } from './lua-scripts.ts';

/**
 * How long a deleted run's id stays refused: as long as an Idempotency-Key is kept (a day),
 * so a key whose run was deleted can never start it again (docs/api-safety.md).
 */
export const DELETED_RUN_SECONDS = 24 * 3600;

export interface StoredPlan {
  root: PlanNode;
  params: Record<string, JsonValue>;
  /** the step ids known before running (a resubmit starts them pending again) */
  stepIds?: string[];
}

/**
 * The job lock a worker's writes are fenced by: the BullMQ lock key of the step's job and
 * the token of this execution. A write is refused once the lock holds another token.
 */
export interface Fence {
  key: string;
  token: string;
}

/** A step state reported by a worker rather than decided by the engine: from inside a pod, or a re-run mark. */
export interface StepReportRecord extends Omit<StatusCommand, 'type'> {
  /** which execution of the step's attempt this is (2 and up: re-run after a takeover or an infrastructure retry) */
  execution?: number;
  /** for a step inside a pod: the pod's attempt and execution the report comes from */
  pod?: { attempt: number; execution: number };
}

/** What one log entry made the engine decide, to be recorded once. */
export interface CommitEntry {
  i: number;
  steps: StatusCommand[];
  run?: { status: RunStatus; result?: JsonValue; error?: string };
}

/** What a run carries besides its plan: its name (its flow's), labels, and where to say that it ended. */
export interface RunMeta {
  name?: string;
  labels?: Record<string, string>;
  onEnd?: OnEnd;
}

/**
 * Step states recorded per run-commit call at most: a call of this many takes Redis a few
 * milliseconds, so a fan-out of any size never holds it long (BUSY past busy-reply-threshold).
 */
export const COMMIT_PART_STEPS = 1000;

const PENDING: StepView = { status: 'pending', attempts: 0, startedAt: null, finishedAt: null, result: null, error: null };
const LOG_CAP = 1024 * 1024;

/** How long after a sync begins a coordinator takes its run up, should that sync not record everything (ms). */
export const DEFAULT_DUE_GRACE_MS = 5000;

export class RunStore {
  /**
   * @param dueGraceMs how long after a log entry is appended its run is due (coordinator.ts)
   * unless the sync that follows records everything first
   */
  constructor(
    readonly redis: Redis,
    readonly prefix = 'strata:',
    readonly dueGraceMs = DEFAULT_DUE_GRACE_MS,
  ) {}

  /** A run's key, or one of its parts' (`part` '' with a trailing colon: the prefix of them all). */
  key(id: string, part?: string): string {
    return `${this.prefix}run:${id}${part === undefined ? '' : `:${part}`}`;
  }

  get activeKey(): string {
    return `${this.prefix}runs:active`;
  }

  /** Runs due to be taken up by a coordinator, by when (ms); also the channel waiting coordinators are told on. */
  get dueKey(): string {
    return `${this.prefix}runs:due`;
  }

  /** The earliest time anything is due, as the coordinators last saw it (absent: nothing is). */
  get dueWakeKey(): string {
    return `${this.prefix}runs:due:wake`;
  }

  private dueArgs(): Array<string | number> {
    return [this.dueKey, this.dueWakeKey, Date.now() + this.dueGraceMs];
  }

  async create(id: string, flow: string, plan: StoredPlan, stepIds: string[], origin: Record<string, string>, meta: RunMeta = {}): Promise<boolean> {
    return this.createPrepared(id, prepareRun(flow, plan.root, plan.params, stepIds), origin, meta);
  }

  /**
   * Store a new run whose plan is serialized already; false when the id is taken (nothing
   * is changed then). Throws `run_deleted` (410) when a run of this id was deleted in the
   * last DELETED_RUN_SECONDS: a retried start never brings a deleted run back.
   */
  async createPrepared(id: string, run: PreparedRun, origin: Record<string, string>, meta: RunMeta = {}): Promise<boolean> {
    const flow = run.ref;
    const name = meta.name ?? flow.slice(0, flow.lastIndexOf('@') > 0 ? flow.lastIndexOf('@') : undefined);
    const fields: Record<string, string> = { id, name, status: 'pending', flow, createdAt: new Date().toISOString(), origin: JSON.stringify(origin), labels: JSON.stringify(meta.labels ?? {}), applied: '-1' };
    if (meta.onEnd) fields.onEnd = JSON.stringify(meta.onEnd);
    const indexes = [...this.indexKeys(name, origin.dataset), ...(origin.schedule ? [this.scheduleIndex(origin.schedule)] : [])];
    const staged = await this.stageSteps(id, run.knownJson);
    const r = await callScript<number>(this.redis, 'runCreate', [this.key(id), this.key(id, 'steps'), this.key(id, 'log'), this.runsKey], [id, JSON.stringify(fields), staged ? '[]' : run.knownJson, Date.now(), this.activeKey, JSON.stringify(PENDING), this.key(id, 'plan'), run.planJson, JSON.stringify(indexes), this.deletedKey(id), ...this.dueArgs(), staged ?? '']);
    if (r === -1) throw runDeleted(id);
    return r === 1;
  }

  /**
   * A big run's known steps, written as pending to a hash of their own in batches of
   * COMMIT_PART_STEPS (run-create-4.lua renames it to the run's steps): the key, or
   * undefined for a run small enough to be written in the create itself. The hash expires
   * in an hour should the create never come (its process died).
   */
  private async stageSteps(id: string, knownJson: string): Promise<string | undefined> {
    // Cheap size check first: a short list is never parsed here.
    if (knownJson.length < COMMIT_PART_STEPS * 4) return undefined;
    const ids = JSON.parse(knownJson) as string[];
    if (ids.length <= COMMIT_PART_STEPS) return undefined;
    const key = this.key(id, `steps:staged:${randomBytes(4).toString('hex')}`);
    const pending = JSON.stringify(PENDING);
    for (let i = 0; i < ids.length; i += COMMIT_PART_STEPS) {
      await this.redis.hset(key, Object.fromEntries(ids.slice(i, i + COMMIT_PART_STEPS).map((s) => [s, pending])));
      if (i === 0) await this.redis.expire(key, 3600);
    }
    return key;
  }

  /** Each step of a run with the highest attempt it reached (read without parsing the records: a result can be large). */
  async stepAttempts(id: string): Promise<Array<[string, number]>> {
    const all = await this.scanHash(this.key(id, 'steps'));
    return [...all].map(([step, raw]) => {
      const n = (k: string) => Number(new RegExp(`"${k}":(\\d+)`).exec(raw)?.[1] ?? 0);
      return [step, Math.max(n('attempts'), n('attempt'), n('executions'))];
    });
  }

  /** The mark a deleted run leaves (run-delete-1.lua), refused by run-create-4.lua. Outside the run's own keys, which all go. */
  deletedKey(id: string): string {
    return `${this.prefix}deleted:${id}`;
  }

  /** True when a run of this id was deleted in the last DELETED_RUN_SECONDS. */
  async wasDeleted(id: string): Promise<boolean> {
    return (await this.redis.exists(this.deletedKey(id))) === 1;
  }

  /** A run's status and its number of events, read in one MULTI (so an ended status means its final event is among them); undefined when there is no run. */
  async eventsState(id: string): Promise<{ status: string; events: number } | undefined> {
    const r = await this.redis.multi().hget(this.key(id), 'status').llen(this.key(id, 'events')).exec();
    const status = r?.[0]?.[1] as string | null;
    if (r?.[0]?.[0] || r?.[1]?.[0]) throw r[0][0] ?? r[1][0];
    return status ? { status, events: Number(r![1][1]) } : undefined;
  }

  /** Every run id, by creation time in ms. */
  get runsKey(): string {
    return `${this.prefix}runs`;
  }

  /** The index sorted sets a run is in: the runs of its flow (by name), of its Dataset. */
  indexKeys(flowName: string, dataset?: string): string[] {
    return [this.flowIndex(flowName), ...(dataset ? [this.datasetIndex(dataset)] : [])];
  }

  flowIndex(name: string): string {
    return `${this.prefix}runs:flow:${name}`;
  }

  datasetIndex(name: string): string {
    return `${this.prefix}runs:dataset:${name}`;
  }

  /** The runs a schedule started, by creation time. */
  scheduleIndex(name: string): string {
    return `${this.prefix}runs:schedule:${name}`;
  }

  /** Take a failed or cancelled run up again (a `retry` log entry): 'retried', 'missing', or the status that forbids it. */
  async retry(id: string): Promise<'retried' | 'missing' | RunStatus> {
    const r = await callScript<number | string>(this.redis, 'runRetry', [this.key(id), this.key(id, 'log'), this.key(id, 'events')], [this.activeKey, this.finishedKey, new Date().toISOString(), ...this.dueArgs()]);
    return r === 1 ? 'retried' : r === 0 ? 'missing' : (r as RunStatus);
  }

  /** Delete an ended run's state: 'deleted', 'missing', or the status of a run still going. */
  async remove(id: string): Promise<'deleted' | 'missing' | RunStatus> {
    const [name, originJson] = await this.redis.hmget(this.key(id), 'name', 'origin');
    const origin = originJson ? (JSON.parse(originJson) as Record<string, string>) : {};
    const indexes = name ? [...this.indexKeys(name, origin.dataset), ...(origin.schedule ? [this.scheduleIndex(origin.schedule)] : [])] : [];
    const status = await this.status(id);
    if (status === 'pending' || status === 'running') return status;
    // Steps' logs first, in batches (the steps that have one are the log sizes' fields).
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(this.key(id, 'logsize'), cursor, 'COUNT', COMMIT_PART_STEPS);
      const keys = flat.filter((_, i) => i % 2 === 0).map((step) => this.key(id, `logs:${step}`));
      if (keys.length > 0) await this.redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    const r = await callScript<number | string>(this.redis, 'runDelete', [this.key(id)], [this.key(id, ''), this.runsKey, this.finishedKey, JSON.stringify(indexes), '0', this.deletedKey(id), DELETED_RUN_SECONDS]);
    return r === 1 ? 'deleted' : r === 0 ? 'missing' : (r as RunStatus);
  }

  /** Runs that ended before `beforeMs`, oldest first, at most `limit`. */
  async endedBefore(beforeMs: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.finishedKey, '-inf', `(${beforeMs}`, 'LIMIT', 0, limit);
  }

  async plan(id: string): Promise<StoredPlan | undefined> {
    const s = await this.redis.get(this.key(id, 'plan'));
    return s ? (JSON.parse(s) as StoredPlan) : undefined;
  }

  /**
   * Append events, each once per dedupe key, and read the log from `from` on. An event
   * with a fence is appended only while its job's lock holds the fence's token.
   */
  async append(id: string, events: Array<{ event: EngineEvent; dedupe: string; fence?: Fence }>, from: number): Promise<{ appended: boolean[]; entries: EngineEvent[] }> {
    const args: Array<string | number> = [from, this.key(id), ...this.dueArgs(), id];
    for (const e of events) args.push(e.dedupe, JSON.stringify(e.event), e.fence?.key ?? '', e.fence?.token ?? '');
    const [flags, entries] = await callScript<[string, string[]]>(this.redis, 'eventAppend', [this.key(id, 'log'), this.key(id, 'seen')], args);
    return { appended: [...flags].map((f) => f === '1'), entries: entries.map((e) => JSON.parse(e) as EngineEvent) };
  }

  /**
   * The units generate steps expanded into, by step id, read from the log (where they are
   * recorded once, as `expanded` events) in chunks of `chunk` entries.
   */
  async expansions(id: string, chunk = 5000): Promise<Map<string, Extract<EngineEvent, { type: 'expanded' }>>> {
    const out = new Map<string, Extract<EngineEvent, { type: 'expanded' }>>();
    for (let from = 0; ; from += chunk) {
      const entries = await this.redis.lrange(this.key(id, 'log'), from, from + chunk - 1);
      // Only entries that can be expansions are parsed: the log's other entries are most of it.
      for (const raw of entries) {
        if (!raw.includes('"expanded"')) continue;
        const e = JSON.parse(raw) as EngineEvent;
        if (e.type === 'expanded' && !out.has(e.step)) out.set(e.step, e);
      }
      if (entries.length < chunk) return out;
    }
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

  /**
   * commit(), also telling whether this call ended the run (exactly one call does) and how.
   * `settled`: the caller has carried out everything its fold decided (steps enqueued, no
   * window read or expansion awaited), so once every log entry is recorded the run is no
   * longer due (coordinator.ts).
   */
  async commitEnding(id: string, entries: CommitEntry[], force = false, from = 0, to = -1, settled = false): Promise<{ applied: number; ended?: RunStatus }> {
    const now = new Date();
    const payload = entries.map((e) => ({
      i: e.i,
      steps: e.steps.map(stepPayload),
      ...(e.run ? { run: { status: e.run.status, ...(e.run.result !== undefined ? { resultJson: JSON.stringify(e.run.result) } : {}), ...(e.run.error !== undefined ? { error: e.run.error } : {}) } } : {}),
    }));
    // Reports from inside pods (force) are a pod's few containers; the engine's decisions are cut in parts.
    const parts = force ? [{ entries: payload, from, to, last: true }] : commitParts(payload, from, to, COMMIT_PART_STEPS);
    let result: { applied: number; ended?: RunStatus } = { applied: from - 1 };
    for (const part of parts) {
      const [applied, ended] = await callScript<[number, string]>(this.redis, 'runCommit', [this.key(id), this.key(id, 'steps'), this.key(id, 'events'), this.activeKey, this.finishedKey], [JSON.stringify(part.entries), now.toISOString(), force ? '1' : '0', part.from, part.to, now.getTime(), '', '', this.outboxKey, this.dueKey, this.key(id, 'log'), settled && part.last ? '1' : '0']);
      result = { applied, ...(ended ? { ended: ended as RunStatus } : {}) };
      // Refused (a gap: another process is behind or ahead): the caller folds again.
      if (applied < part.to) return result;
    }
    return result;
  }

  /** onEnd notifications to queue: `<run>|<retries>|<status>` by end time in ms, added by the commit that ends the run (app/notifier.ts). */
  get outboxKey(): string {
    return `${this.prefix}notify:outbox`;
  }

  /** Runs that ended, by end time in ms (retention walks it). */
  get finishedKey(): string {
    return `${this.prefix}runs:finished`;
  }

  /**
   * Record step states a worker reports (from inside a pod, or a re-run mark), whatever
   * the log index, while `fence` holds. Returns false when fenced out.
   */
  async report(id: string, reports: StepReportRecord[], fence?: Fence): Promise<boolean> {
    const now = new Date();
    const steps = reports.map((s) => ({
      ...stepPayload({ type: 'status', ...s }),
      ...(s.execution !== undefined ? { execution: s.execution } : {}),
      ...(s.pod ? { pod: s.pod } : {}),
    }));
    const [applied] = await callScript<[number, string]>(this.redis, 'runCommit', [this.key(id), this.key(id, 'steps'), this.key(id, 'events'), this.activeKey, this.finishedKey], [JSON.stringify([{ i: 0, steps }]), now.toISOString(), '1', 0, -1, now.getTime(), fence?.key ?? '', fence?.token ?? '', this.outboxKey]);
    return applied !== -2;
  }

  /**
   * Take up the runs due by `now` (at most `limit`; they are due again after the grace) and
   * learn when to look next: the earliest time still due and the earliest end of a finished run.
   */
  async takeDue(now: number, limit = 100): Promise<{ ids: string[]; nextDue?: number; firstFinished?: number }> {
    const [ids, next, finished] = await callScript<[string[], string, string]>(this.redis, 'runsDue', [this.dueKey, this.dueWakeKey, this.finishedKey], [now, this.dueGraceMs, limit]);
    return { ids, ...(next !== '' ? { nextDue: Number(next) } : {}), ...(finished !== '' ? { firstFinished: Number(finished) } : {}) };
  }

  /** A run is due no more (it was deleted, or is not found). */
  async notDue(id: string): Promise<void> {
    await this.redis.zrem(this.dueKey, id);
  }

  async status(id: string): Promise<RunStatus | undefined> {
    return ((await this.redis.hget(this.key(id), 'status')) as RunStatus | null) ?? undefined;
  }

  /** A step's engine attempt and status (not its executions), or undefined. */
  async progress(id: string, step: string): Promise<{ status: string; attempt: number } | undefined> {
    const s = await this.redis.hget(this.key(id, 'steps'), step);
    return s ? stepProgress(s) : undefined;
  }

  /**
   * The run's status and the step's progress (as `status` and `progress` give them), read
   * in one write to Redis and one reply: a worker's check before each step.
   */
  async statusAndProgress(id: string, step: string): Promise<[RunStatus | undefined, { status: string; attempt: number } | undefined]> {
    const res = await this.redis.pipeline().hget(this.key(id), 'status').hget(this.key(id, 'steps'), step).exec();
    const [[e1, status], [e2, s]] = res as Array<[Error | null, string | null]>;
    if (e1 || e2) throw e1 ?? e2;
    return [(status as RunStatus | null) ?? undefined, s ? stepProgress(s) : undefined];
  }

  /** A step's view, or undefined. */
  async step(id: string, step: string): Promise<StepView | undefined> {
    const s = await this.redis.hget(this.key(id, 'steps'), step);
    return s ? toStepView(s) : undefined;
  }

  async view(id: string): Promise<RunView | undefined> {
    const [run, steps] = await Promise.all([this.redis.hgetall(this.key(id)), this.scanHash(this.key(id, 'steps'))]);
    if (!run.id) return undefined;
    const out: Record<string, StepView> = {};
    for (const k of [...steps.keys()].sort()) out[k] = toStepView(steps.get(k)!);
    return {
      id: run.id,
      name: run.name ?? run.flow,
      status: run.status as RunStatus,
      flow: run.flow,
      labels: run.labels ? JSON.parse(run.labels) : {},
      retries: Number(run.retries ?? 0),
      createdAt: run.createdAt,
      finishedAt: run.finishedAt ?? null,
      error: run.error ?? null,
      result: run.result ? JSON.parse(run.result) : null,
      origin: run.origin ? JSON.parse(run.origin) : {},
      steps: out,
    };
  }

  /**
   * A hash read in batches (HSCAN): each reply is bounded, so a run of 200,000 steps never
   * makes Redis build one huge reply, and other requests are served between the batches.
   */
  async scanHash(key: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(key, cursor, 'COUNT', COMMIT_PART_STEPS);
      for (let i = 0; i < flat.length; i += 2) out.set(flat[i], flat[i + 1]);
      cursor = next;
    } while (cursor !== '0');
    return out;
  }

  /** Summaries of these runs (missing ones left out), in the order given. */
  async summaries(ids: string[]): Promise<RunSummary[]> {
    const rows = await Promise.all(ids.map((id) => this.redis.hmget(this.key(id), 'id', 'name', 'status', 'flow', 'createdAt', 'finishedAt', 'labels', 'origin')));
    return rows.filter((r) => r[0] !== null).map((r) => ({
      id: r[0]!, name: r[1] ?? r[3] ?? '', status: r[2] as RunStatus, flow: r[3] ?? '', createdAt: r[4] ?? '', finishedAt: r[5] ?? null,
      labels: r[6] ? (JSON.parse(r[6]) as Record<string, string>) : {},
      ...(r[7] && JSON.parse(r[7]).dataset ? { dataset: JSON.parse(r[7]).dataset as string } : {}),
    }));
  }

  /** The stored request parts a resubmit copies: flow ref, name, labels, origin and onEnd. */
  async meta(id: string): Promise<{ flow: string; origin: Record<string, string> } & RunMeta | undefined> {
    const [flow, name, labels, origin, onEnd] = await this.redis.hmget(this.key(id), 'flow', 'name', 'labels', 'origin', 'onEnd');
    if (flow === null) return undefined;
    return { flow, name: name ?? undefined, labels: labels ? JSON.parse(labels) : {}, origin: origin ? JSON.parse(origin) : {}, ...(onEnd ? { onEnd: JSON.parse(onEnd) } : {}) };
  }

  async active(): Promise<string[]> {
    return this.redis.smembers(this.activeKey);
  }

  async events(id: string, from: number): Promise<StepEvent[]> {
    return (await this.redis.lrange(this.key(id, 'events'), from, -1)).map((e) => JSON.parse(e) as StepEvent);
  }

  /** Append to a step's log, which keeps its last LOG_CAP bytes; followers of the run's logs hear the chunk (run-logs-hub.ts). */
  async appendLog(id: string, step: string, chunk: string, cap = LOG_CAP): Promise<void> {
    await callScript<number>(this.redis, 'logAppend', [this.key(id, `logs:${step}`), this.key(id, 'logsize')], [chunk, cap, '[earlier output cut]\n', step, this.key(id, 'logs')]);
  }

  /**
   * What a follower of the run's logs starts from: each step's log as kept (`steps`, or
   * every step that has one) and its offset, the bytes ever written to it (a cut log is
   * shorter than its offset).
   */
  async logBacklog(id: string, steps?: string[]): Promise<LogChunk[]> {
    const names = steps ?? (await this.redis.hkeys(this.key(id, 'logsize')));
    if (names.length === 0) return [];
    const offsets = await this.redis.hmget(this.key(id, 'logsize'), ...names);
    const texts = await this.redis.mget(...names.map((s) => this.key(id, `logs:${s}`)));
    return names.flatMap((step, i) => {
      const text = texts[i];
      if (text === null) return [];
      // Logs written before offsets were counted: their length is their offset.
      return [{ step, text, offset: offsets[i] === null ? Buffer.byteLength(text) : Number(offsets[i]) }];
    });
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
    ...(s.parameters !== undefined ? { parametersJson: JSON.stringify(s.parameters) } : {}),
    ...(s.ifPending ? { ifPending: true } : {}),
  };
}

/** A step's engine attempt and state, as the worker checks them before it runs the step. */
export function stepProgress(raw: string): { status: string; attempt: number } {
  const v = JSON.parse(raw) as { status: string; attempt?: number; attempts?: number };
  return { status: v.status, attempt: v.attempt ?? v.attempts ?? 0 };
}

function toStepView(raw: string): StepView {
  const v = JSON.parse(raw) as StepView & { resultJson?: string; itemJson?: string; parametersJson?: string; attempt?: number; executions?: number };
  // attempt (the engine's number) and executions are the store's; attempts says both to users.
  const { resultJson, itemJson, parametersJson, attempt: _attempt, executions: _executions, ...rest } = v;
  const view: StepView = { ...PENDING, ...rest, result: resultJson !== undefined ? (JSON.parse(resultJson) as JsonValue) : null };
  if (itemJson !== undefined) view.item = JSON.parse(itemJson) as JsonValue;
  if (parametersJson !== undefined) view.parameters = JSON.parse(parametersJson) as Record<string, JsonValue>;
  if (view.startedAt && view.finishedAt) view.durationMs = Date.parse(view.finishedAt) - Date.parse(view.startedAt);
  return view;
}

/** The answer to starting a run whose id was deleted: what a client that retried with the same Idempotency-Key sees. */
export function runDeleted(id: string): StrataError {
  return new StrataError('run_deleted', `run ${id} was deleted: it is not started again; the Idempotency-Key that started it answers this for ${DELETED_RUN_SECONDS / 3600} h after the deletion (send a new Idempotency-Key to start a new run)`, { runId: id });
}

/** A piece of a step's log as followers get it: `offset` counts the bytes ever written to the log, this piece's included. */
export interface LogChunk {
  step: string;
  text: string;
  offset: number;
}
