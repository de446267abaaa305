/**
 * Run state in Redis: the run, its plan, every step's view, the engine's event log (the
 * source of truth the engine is rebuilt from) and the events users watch. This file holds
 * what changes a run (create, append, commit, report, retry, delete, the due set); every
 * change is one Lua script, so it is atomic. Reads are in run-queries.ts, the key layout in
 * run-keys.ts (docs/redis.md), the step records in step-records.ts.
 */
import { randomBytes } from 'node:crypto';
import type { EngineEvent, RunStatus, StatusCommand, SupersedeCommand } from '../engine/types.ts';
import { LOG_VERSION } from '../engine/timeout-error.ts';
import type { JsonValue } from '../flow/types.ts';
import { prepareRun, type PreparedRun } from '../run/prepared-run.ts';
import { StrataError } from '../errors/strata-error.ts';
import { commitParts } from './commit-parts.ts';
import { callScript } from './lua-scripts.ts';
import { DEFAULT_LIMITS, type FoldLimits } from '../flow/limits.ts';
import { COMMIT_PART_STEPS, LOG_READ_ENTRIES, RunQueries, type RunMeta, type StoredPlan } from './run-queries.ts';
import { PENDING_STEP, stepPayload } from './step-records.ts';
import { cutParts, fitsOnePart, stageParts } from './value-parts.ts';

// The types a run's readers and writers share, where the store's users have always found them.
export type { LogChunk, RunMeta, StoredPlan } from './run-queries.ts';
export { COMMIT_PART_STEPS, LOG_READ_ENTRIES } from './run-queries.ts';

/**
 * How long a deleted run's id stays refused: as long as an Idempotency-Key is kept (a day),
 * so a key whose run was deleted can never start it again (docs/api-safety.md).
 */
export const DELETED_RUN_SECONDS = 24 * 3600;

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
  /** only a mark: what was recorded beneath this step is of an earlier attempt (SupersedeCommand); status and the rest are not recorded */
  supersede?: boolean;
  /** which execution of the step's attempt this is (2 and up: re-run after a takeover or an infrastructure retry) */
  execution?: number;
  /** for a step inside a pod: the pod's attempt and execution the report comes from */
  pod?: { attempt: number; execution: number };
}

/** What one log entry made the engine decide, to be recorded once. */
export interface CommitEntry {
  i: number;
  steps: Array<StatusCommand | SupersedeCommand>;
  run?: { status: RunStatus; result?: JsonValue; error?: string };
  /** a slice of the entry's decisions (a fold in slices, sync.ts): the index of its first step state among the entry's */
  offset?: number;
  /** more slices of the entry follow: it is not recorded as applied by this commit */
  more?: true;
}

const LOG_CAP = DEFAULT_LIMITS.maxLogBytes;

/** A run's state in Redis: its reads (RunQueries) and the changes, each one script. */
export class RunStore extends RunQueries {
  /** bytes a step's log keeps, its last ones (STRATA_MAX_LOG_BYTES: set by the process from its limits) */
  logCap = LOG_CAP;
  /** the limits a run made here is folded by, recorded in its log's `begin` (the process's configuration; unset: none recorded, each process folds by its own) */
  foldLimits: FoldLimits | undefined;

  /** Store a new run of `flow` with its plan (serialized here); as createPrepared. */
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
    const indexes = this.indexesOf(name, origin);
    const staged = await this.stageSteps(id, run.knownJson);
    // The plan in parts of at most PART_BYTES: a big one written part by part beforehand, renamed in by the create.
    // A plan that fits one part goes in the create as it is, never copied into a buffer.
    const stagedPlan = fitsOnePart(run.planJson) ? undefined : await stageParts(this.redis, this.key(id, 'plan:parts'), cutParts(run.planJson));
    const at = Date.now();
    // The log's first entry: its version is the engine's (LOG_VERSION), its `at` the run's creation time in the runs index.
    const begin = JSON.stringify({ type: 'begin', v: LOG_VERSION, at, ...(this.foldLimits ? { limits: this.foldLimits } : {}) });
    const r = await callScript<number>(this.redis, 'runCreate', [this.key(id), this.key(id, 'steps'), this.key(id, 'log'), this.runsKey], [id, JSON.stringify(fields), staged ? '[]' : run.knownJson, at, this.activeKey, JSON.stringify(PENDING_STEP), this.key(id, 'plan:parts'), stagedPlan ? '' : run.planJson, JSON.stringify(indexes), this.deletedKey(id), ...this.dueArgs(), staged ?? '', stagedPlan ?? '', begin]);
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
    const pending = JSON.stringify(PENDING_STEP);
    for (let i = 0; i < ids.length; i += COMMIT_PART_STEPS) {
      await this.redis.hset(key, Object.fromEntries(ids.slice(i, i + COMMIT_PART_STEPS).map((s) => [s, pending])));
      if (i === 0) await this.redis.expire(key, 3600);
    }
    return key;
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
    const indexes = name ? this.indexesOf(name, origin) : [];
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

  /**
   * Append events, each once per dedupe key, and read the log from `from` on, at most
   * LOG_READ_ENTRIES of it (the caller reads on with readLog when that many came). An
   * event with a fence is appended only while its job's lock holds the fence's token.
   * `applied`: the last entry recorded then (what the caller need not act on again).
   */
  async append(id: string, events: Array<{ event: EngineEvent; dedupe: string; fence?: Fence }>, from: number): Promise<{ appended: boolean[]; entries: EngineEvent[]; applied: number }> {
    const args: Array<string | number> = [from, this.key(id), ...this.dueArgs(), id, LOG_READ_ENTRIES];
    const texts = events.map((e) => JSON.stringify(e.event));
    events.forEach((e, i) => args.push(e.dedupe, texts[i], e.fence?.key ?? '', e.fence?.token ?? ''));
    const [flags, earlier, before, applied] = await callScript<[string, string[], number, number]>(this.redis, 'eventAppend', [this.key(id, 'log'), this.key(id, 'seen')], args);
    const appended = [...flags].map((f) => f === '1');
    const entries = earlier.map((e) => JSON.parse(e) as EngineEvent);
    // What this call appended is not sent back (event-append-2.lua): it follows the entries
    // before it, read from the text that was stored, so a fold sees what the log holds.
    if (from + entries.length === before) texts.forEach((t, i) => appended[i] && entries.push(JSON.parse(t) as EngineEvent));
    return { appended, entries, applied: Number(applied) };
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
      ...(e.offset ? { offset: e.offset } : {}),
      ...(e.more ? { more: e.more } : {}),
      steps: e.steps.map(stepPayload),
      ...(e.run ? { run: { status: e.run.status, ...(e.run.result !== undefined ? { resultJson: JSON.stringify(e.run.result) } : {}), ...(e.run.error !== undefined ? { error: e.run.error } : {}) } } : {}),
    }));
    // Reports from inside pods (force) are a pod's few containers; the engine's decisions are cut in parts.
    const parts = force ? [{ entries: payload, from, to, last: true }] : commitParts(payload, from, to, COMMIT_PART_STEPS);
    let result: { applied: number; ended?: RunStatus } = { applied: from - 1 };
    for (const part of parts) {
      const [applied, ended] = await callScript<[number, string]>(this.redis, 'runCommit', [this.key(id), this.key(id, 'steps'), this.key(id, 'events'), this.activeKey, this.finishedKey], [JSON.stringify(part.entries), now.toISOString(), force ? '1' : '0', part.from, part.to, now.getTime(), '', '', this.outboxKey, this.dueKey, this.key(id, 'log'), settled && part.last ? '1' : '0', this.key(id, 'superseded')]);
      result = { applied, ...(ended ? { ended: ended as RunStatus } : {}) };
      // Refused (a gap: another process is behind or ahead): the caller folds again.
      if (applied < part.to) return result;
    }
    return result;
  }

  /**
   * Record step states a worker reports (from inside a pod, or a re-run mark), whatever
   * the log index, while `fence` holds. Returns false when fenced out.
   */
  async report(id: string, reports: StepReportRecord[], fence?: Fence): Promise<boolean> {
    const now = new Date();
    const steps = reports.map((s) => ({
      ...stepPayload(s.supersede ? { type: 'supersede', step: s.step } : { type: 'status', ...s }),
      ...(s.execution !== undefined ? { execution: s.execution } : {}),
      ...(s.pod ? { pod: s.pod } : {}),
    }));
    const [applied] = await callScript<[number, string]>(this.redis, 'runCommit', [this.key(id), this.key(id, 'steps'), this.key(id, 'events'), this.activeKey, this.finishedKey], [JSON.stringify([{ i: 0, steps }]), now.toISOString(), '1', 0, -1, now.getTime(), fence?.key ?? '', fence?.token ?? '', this.outboxKey, '', '', '0', this.key(id, 'superseded')]);
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

  /**
   * Append to a step's log, which keeps its last `cap` bytes (STRATA_MAX_LOG_BYTES, the
   * store's `logCap`), opening with `[earlier output cut: N bytes]` once cut; followers of
   * the run's logs hear the chunk (run-logs-hub.ts).
   */
  async appendLog(id: string, step: string, chunk: string, cap = this.logCap): Promise<void> {
    await callScript<number>(this.redis, 'logAppend', [this.key(id, `logs:${step}`), this.key(id, 'logsize')], [chunk, cap, '[earlier output cut: ', step, this.key(id, 'logs'), '0']);
  }

  /**
   * Append a line of strata's own to a step's log (`line` ends with its newline): a later
   * execution's mark, a back-off note. It goes on a line of its own, after a newline only
   * when the step's output so far did not end its line.
   */
  async appendLogLine(id: string, step: string, line: string, cap = this.logCap): Promise<void> {
    await callScript<number>(this.redis, 'logAppend', [this.key(id, `logs:${step}`), this.key(id, 'logsize')], [line, cap, '[earlier output cut: ', step, this.key(id, 'logs'), '1']);
  }
}

/** The answer to starting a run whose id was deleted: what a client that retried with the same Idempotency-Key sees. */
export function runDeleted(id: string): StrataError {
  return new StrataError('run_deleted', `run ${id} was deleted: it is not started again; the Idempotency-Key that started it answers this for ${DELETED_RUN_SECONDS / 3600} h after the deletion (send a new Idempotency-Key to start a new run)`, { runId: id });
}
