/**
 * Reading a run's state: its status, steps, views and summaries, its log and events, its
 * steps' logs. Writes nothing (what changes a run is in run-store.ts).
 */
import type { EngineEvent, RunStatus } from '../engine/types.ts';
import type { JsonValue } from '../flow/types.ts';
import type { PlanNode } from '../plan/plan-node.ts';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { OnEnd, RunSummary, RunView, StepEvent, StepView } from '../run/run-view.ts';
import { stepOrderKey } from '../run/step-order.ts';
import { callScript } from './lua-scripts.ts';
import { RunKeys } from './run-keys.ts';
import { isSuperseded, stepProgress, stepStatusOf, supersededRecord, toStepView, type SupersededMarks } from './step-records.ts';
import { readParts } from './value-parts.ts';
import { StepChecks, type StepCheck } from './step-checks.ts';

export interface StoredPlan {
  /** the plan's shapes (src/plan/plan-version.ts): PLAN_VERSION when stored now, absent (1) before */
  v?: number;
  root: PlanNode;
  params: Record<string, JsonValue>;
  /** the step ids known before running (a resubmit starts them pending again) */
  stepIds?: string[];
}

/** What a run carries besides its plan: its name (its flow's), labels, and where to say that it ended. */
export interface RunMeta {
  name?: string;
  labels?: Record<string, string>;
  onEnd?: OnEnd;
}

/** A piece of a step's log as followers get it: `offset` counts the bytes ever written to the log, this piece's included. */
export interface LogChunk {
  step: string;
  text: string;
  offset: number;
}

/**
 * Step states recorded per run-commit call (and read per HSCAN) at most: a call of this many takes Redis a few
 * milliseconds, so a fan-out of any size never holds it long (BUSY past busy-reply-threshold).
 */
export const COMMIT_PART_STEPS = 1000;

/**
 * Log entries read per command at most (readLog, and the tail an append returns): a
 * process folding a run it has not seen reads its log a chunk at a time and folds each
 * before reading the next, so a run of 100,000 steps is neither one reply nor one go of
 * the process's thread (coordinator/sync.ts).
 */
export const LOG_READ_ENTRIES = 2000;

/**
 * Steps a run's cut view shows at most (GET /v1/runs/:id?summary=true, `strata runs get`):
 * a run with more is told by counts by status, and its steps are paged (`stepsPage`, GET
 * /v1/runs/:id/steps) or read whole (`fullViewText`, the default answer, written in pieces).
 * A fan-out of 100,000 items made a view of 31.7 MB (Argo tester 7, R12).
 */
export const VIEW_STEPS = 1000;

/** Steps of a page of GET /v1/runs/:id/steps at most. */
export const PAGE_STEPS_MAX = 5000;

/** The run's own fields, without its steps. */
export type RunHead = Omit<RunView, 'steps' | 'stepsSummary'>;

/** A page of a run's steps in step order (their records as stored), and what all of them are. */
export interface StepsPage {
  /** [step id, record] in step order (run/step-order.ts) */
  entries: Array<[string, string]>;
  /** whether steps matching the page's filter come after it */
  more: boolean;
  /** the run's steps, all of them */
  total: number;
  /** the run's steps by status, all of them */
  counts: Record<string, number>;
}

/** The reads of a run's state (the base of RunStore, which adds the changes). */
export class RunQueries extends RunKeys {
  /** the checks asked of this store, batched by run (step-checks.ts) */
  private checks: StepChecks | undefined;

  /** Each step of a run with the highest attempt it reached (read without parsing the records: a result can be large). */
  async stepAttempts(id: string): Promise<Array<[string, number]>> {
    const all = await this.scanHash(this.key(id, 'steps'));
    return [...all].map(([step, raw]) => {
      const n = (k: string) => Number(new RegExp(`"${k}":(\\d+)`).exec(raw)?.[1] ?? 0);
      return [step, Math.max(n('attempts'), n('attempt'), n('executions'))];
    });
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

  /** Runs that ended before `beforeMs`, oldest first, at most `limit`. */
  async endedBefore(beforeMs: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.finishedKey, '-inf', `(${beforeMs}`, 'LIMIT', 0, limit);
  }

  /**
   * The run's plan as stored at its start, or undefined. Read in parts (value-parts.ts):
   * the list `plan:parts`, or, for a run made before plans were kept in parts, the string
   * `plan` read by GETRANGE (docs/runs.md says until when that reader stays).
   */
  async plan(id: string): Promise<StoredPlan | undefined> {
    const s = await readParts(this.redis, this.key(id, 'plan:parts'), this.key(id, 'plan'));
    return s ? (JSON.parse(s) as StoredPlan) : undefined;
  }

  /**
   * The units generate steps expanded into, by step id, read from the log (where they are
   * recorded once per attempt, as `expanded` events) in chunks of `chunk` entries: a step's
   * latest attempt's, the unit it runs (or last ran) after a retry of the run or a
   * retryWhole, not its first attempt's (tester 15).
   */
  async expansions(id: string, chunk = 5000): Promise<Map<string, Extract<EngineEvent, { type: 'expanded' }>>> {
    const out = new Map<string, Extract<EngineEvent, { type: 'expanded' }>>();
    for (let from = 0; ; from += chunk) {
      const entries = await this.redis.lrange(this.key(id, 'log'), from, from + chunk - 1);
      // Only entries that can be expansions are parsed: the log's other entries are most of it.
      for (const raw of entries) {
        if (!raw.includes('"expanded"')) continue;
        const e = JSON.parse(raw) as EngineEvent;
        if (e.type === 'expanded' && (e.attempt ?? 0) >= (out.get(e.step)?.attempt ?? 0)) out.set(e.step, e);
      }
      if (entries.length < chunk) return out;
    }
  }

  /** The last log entry the run's records include (run-commit-5.lua), -1 for none, or undefined when there is no run. */
  async applied(id: string): Promise<number | undefined> {
    const a = await this.redis.hget(this.key(id), 'applied');
    return a === null ? undefined : Number(a);
  }

  /** The run's engine log from entry `from` on, at most `count` entries (LOG_READ_ENTRIES). */
  async readLog(id: string, from: number, count = LOG_READ_ENTRIES): Promise<EngineEvent[]> {
    return (await this.redis.lrange(this.key(id, 'log'), from, from + count - 1)).map((e) => JSON.parse(e) as EngineEvent);
  }

  /** The run's status, or undefined when there is no run. */
  async status(id: string): Promise<RunStatus | undefined> {
    return ((await this.redis.hget(this.key(id), 'status')) as RunStatus | null) ?? undefined;
  }

  /** The run's status and how many times it was retried (strata runs retry), or undefined when there is no run. */
  async statusAndRetries(id: string): Promise<{ status: RunStatus; retries: number } | undefined> {
    const [status, retries] = await this.redis.hmget(this.key(id), 'status', 'retries');
    return status ? { status: status as RunStatus, retries: Number(retries ?? 0) } : undefined;
  }

  /** A step's engine attempt and status (not its executions), or undefined. */
  async progress(id: string, step: string): Promise<{ status: string; attempt: number } | undefined> {
    const s = await this.redis.hget(this.key(id, 'steps'), step);
    return s ? stepProgress(s) : undefined;
  }

  /**
   * The run's status and the step's progress (as `status` and `progress` give them): a
   * worker's check before each step, one script call for the steps of the run checked in
   * the same turn of the event loop (step-checks.ts).
   */
  statusAndProgress(id: string, step: string): Promise<StepCheck> {
    this.checks ??= new StepChecks(this.redis, (run) => [this.key(run), this.key(run, 'steps')]);
    return this.checks.check(id, step);
  }

  /** A step's view, or undefined. */
  async step(id: string, step: string): Promise<StepView | undefined> {
    const [s, marks] = await Promise.all([this.redis.hget(this.key(id, 'steps'), step), this.supersededMarks(id)]);
    return s ? toStepView(isSuperseded(step, s, marks) ? supersededRecord(s) : s) : undefined;
  }

  /**
   * The marks of the run's steps that ran again (a composite run again whole, a pod or
   * generate step on a later attempt): what was recorded beneath one before its mark is
   * `superseded` (docs/runs.md, Superseded steps). One per such step, not per step.
   */
  async supersededMarks(id: string): Promise<SupersededMarks> {
    const all = await this.redis.hgetall(this.key(id, 'superseded'));
    return new Map(Object.entries(all).map(([step, seq]) => [step, Number(seq)]));
  }

  /** The run's own fields (no steps); undefined when there is no run. */
  async head(id: string): Promise<RunHead | undefined> {
    const run = await this.redis.hgetall(this.key(id));
    if (!run.id) return undefined;
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
    };
  }

  /**
   * The run as users see it; undefined when there is no run. Its steps in step order: all of
   * them, or with `cut` the first VIEW_STEPS, and when there are more, `stepsSummary` (how
   * many, counts by status, where the next page starts).
   */
  async view(id: string, o: { cut?: boolean } = {}): Promise<RunView | undefined> {
    const [head, page] = await Promise.all([this.head(id), this.stepsPage(id, { limit: o.cut ? VIEW_STEPS : Infinity })]);
    if (!head) return undefined;
    const steps: Record<string, StepView> = {};
    for (const [step, raw] of page.entries) steps[step] = toStepView(raw);
    const last = page.entries.at(-1)?.[0];
    return { ...head, steps, ...(page.more && last !== undefined ? { stepsSummary: { total: page.total, shown: page.entries.length, counts: page.counts, next: last } } : {}) };
  }

  /**
   * The whole view as JSON text in pieces (every step, GET /v1/runs/:id): each piece is the
   * views of at most VIEW_STEPS steps, made in a turn of the event loop of its own, so a
   * run of 100,000 steps is never one go of the process's thread nor one string of its
   * size. Undefined when there is no run.
   */
  async fullViewText(id: string): Promise<AsyncIterable<string> | undefined> {
    const [head, page] = await Promise.all([this.head(id), this.stepsPage(id, { limit: Infinity })]);
    if (!head) return undefined;
    const opening = JSON.stringify({ ...head, steps: {} }).slice(0, -2);
    return (async function* pieces() {
      yield opening;
      for (let from = 0; from < page.entries.length; from += VIEW_STEPS) {
        if (from > 0) await nextTurn();
        yield page.entries.slice(from, from + VIEW_STEPS).map(([step, raw], i) => `${from + i > 0 ? ',' : ''}${JSON.stringify(step)}:${JSON.stringify(toStepView(raw))}`).join('');
      }
      yield '}}';
    })();
  }

  /**
   * A page of the run's steps in step order: at most `limit` after the step `after` (from
   * the first when unset), of the statuses `status` (any when unset), with every step's
   * count by status. Read a HSCAN batch at a time, each batch's work bounded (the page
   * kept is cut back to `limit` as it grows), so no reply and no go of the thread covers a
   * big run's steps; only the shown steps' records are parsed.
   */
  async stepsPage(id: string, o: { after?: string; limit: number; status?: readonly string[] }): Promise<StepsPage> {
    const after = o.after === undefined ? undefined : stepOrderKey(o.after);
    const wanted = o.status ? new Set(o.status) : undefined;
    const seen = new Set<string>();
    const counts: Record<string, number> = {};
    let picked: Array<[string, string, string]> = [];
    const keep = (n: number) => {
      picked.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      if (picked.length > n) picked = picked.slice(0, n);
    };
    const marks = await this.supersededMarks(id);
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(this.key(id, 'steps'), cursor, 'COUNT', COMMIT_PART_STEPS);
      for (let i = 0; i < flat.length; i += 2) {
        const step = flat[i];
        // HSCAN may give a field twice (a rehash between calls): each step counts once.
        if (seen.has(step)) continue;
        seen.add(step);
        // An earlier attempt's record that the step's current attempt has not made again.
        const superseded = isSuperseded(step, flat[i + 1], marks);
        const status = superseded ? 'superseded' : stepStatusOf(flat[i + 1]);
        counts[status] = (counts[status] ?? 0) + 1;
        if (wanted && !wanted.has(status)) continue;
        const key = stepOrderKey(step);
        if (after !== undefined && key <= after) continue;
        picked.push([key, step, superseded ? supersededRecord(flat[i + 1]) : flat[i + 1]]);
      }
      if (picked.length > 2 * (o.limit + 1) + COMMIT_PART_STEPS) keep(o.limit + 1);
      cursor = next;
    } while (cursor !== '0');
    keep(o.limit + 1);
    const more = picked.length > o.limit;
    if (more) picked.pop();
    return { entries: picked.map(([, step, raw]) => [step, raw]), more, total: seen.size, counts };
  }

  /**
   * The steps beneath `step` (a pod: its micro steps) whose records say `running` or
   * `pending`, each with its attempt, superseded ones aside: HSCAN with a MATCH, a batch at
   * a time (tester 16: what a pod whose worker died left open; StepWorker).
   */
  async openStepsUnder(id: string, step: string): Promise<Array<{ step: string; attempt: number }>> {
    const marks = await this.supersededMarks(id);
    const open = new Map<string, number>();
    const match = `${step.replace(/[*?[\]\\]/g, '\\$&')}/*`;
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(this.key(id, 'steps'), cursor, 'MATCH', match, 'COUNT', COMMIT_PART_STEPS);
      for (let i = 0; i < flat.length; i += 2) {
        const status = stepStatusOf(flat[i + 1]);
        if ((status === 'running' || status === 'pending') && !isSuperseded(flat[i], flat[i + 1], marks)) open.set(flat[i], stepProgress(flat[i + 1]).attempt);
      }
      cursor = next;
    } while (cursor !== '0');
    return [...open].map(([s, attempt]) => ({ step: s, attempt }));
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

  /** The ids of the runs not ended yet. */
  async active(): Promise<string[]> {
    return this.redis.smembers(this.activeKey);
  }

  /** The run's events (what viewers are sent) from `from` on. */
  async events(id: string, from: number): Promise<StepEvent[]> {
    return (await this.redis.lrange(this.key(id, 'events'), from, -1)).map((e) => JSON.parse(e) as StepEvent);
  }

  /**
   * What a follower of the run's logs starts from: each step's log as kept (`steps`, or
   * every step that has one) and its offset, the bytes ever written to it (a cut log is
   * shorter than its offset).
   */
  async logBacklog(id: string, steps?: string[]): Promise<LogChunk[]> {
    const names = steps ?? (await this.redis.hkeys(this.key(id, 'logsize')));
    if (names.length === 0) return [];
    // The fields as one list (call's array form): a run's steps may be more than a call takes as arguments.
    const offsets = (await this.redis.call('HMGET', [this.key(id, 'logsize'), ...names])) as Array<string | null>;
    const texts = await this.redis.mget(names.map((s) => this.key(id, `logs:${s}`)));
    return names.flatMap((step, i) => {
      const text = texts[i];
      if (text === null) return [];
      // Logs written before offsets were counted: their length is their offset.
      return [{ step, text, offset: offsets[i] === null ? Buffer.byteLength(text) : Number(offsets[i]) }];
    });
  }

  /** A step's log as kept; '' for a step that has written none, undefined for no such step. */
  async logs(id: string, step: string): Promise<string | undefined> {
    const [text, exists] = await Promise.all([this.redis.get(this.key(id, `logs:${step}`)), this.redis.hexists(this.key(id, 'steps'), step)]);
    if (text !== null) return text;
    return exists ? '' : undefined;
  }
}
