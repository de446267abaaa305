/**
 * Carry a run forward: fold the log entries this process has not seen into the run's
 * engine, then carry out what the engine decided. Any process may sync any run at any
 * time: enqueuing is idempotent (job id = run|step|attempt), recording is once per log
 * entry (run-commit), and the engine is a deterministic fold of the log. That is what
 * lets coordinators and workers crash anywhere and several of them share one Redis.
 */
import type { Command, EngineEvent, RunStatus, StartCommand, TimerCommand } from '../engine/types.ts';
import { toStrataError } from '../errors/strata-error.ts';
import { setImmediate as yieldToIo } from 'node:timers/promises';
import { LOG_READ_ENTRIES, type CommitEntry, type Fence, type RunStore } from '../store/run-store.ts';
import { EngineCache, fold } from './engine-cache.ts';
import { appendAll } from '../flow/append-all.ts';
import { timerKey } from '../engine/timer-names.ts';

/** The I/O a sync needs besides the run store. */
export interface SyncPorts {
  store: RunStore;
  cache: EngineCache;
  /** this process's per-run locks and pending appends */
  local: SyncLocal;
  /** enqueue step jobs (idempotent per run, step and attempt) */
  enqueue(runId: string, cmds: StartCommand[]): Promise<void>;
  /** Tell workers to stop `steps`, each at its attempt in `attempts` (same order): one message for all of them. */
  kill(runId: string, steps: string[], attempts: number[]): Promise<void>;
  /** read a cycle's next window: an event for the log */
  readWindow(runId: string, cmd: Extract<Command, { type: 'window' }>): Promise<EngineEvent>;
  /** run a generate step's Dataset through the rules: an event for the log */
  expand(runId: string, cmd: Extract<Command, { type: 'generate' }>): Promise<EngineEvent>;
  /** arm composites' deadlines and leaves' back-offs (idempotent per run, step and attempt): their event goes to the log when one passes */
  armDeadlines(runId: string, cmds: TimerCommand[]): Promise<void>;
  maxUnitDepth: number;
  onRunDone?(runId: string, status: string): void;
  /** the run ended in a commit of this process: called once per run end across all processes */
  onRunEnded?(runId: string, status: RunStatus): void;
}

/** Run `fn` after every earlier call for the same run through these ports has finished. */
function serialized<T>(p: SyncPorts, runId: string, fn: () => Promise<T>): Promise<T> {
  const locks = p.local.locks;
  const prev = locks.get(runId) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  const tail = next.catch(() => undefined);
  locks.set(runId, tail);
  void tail.then(() => {
    if (locks.get(runId) === tail) locks.delete(runId);
  });
  return next;
}

type FollowUp = Extract<Command, { type: 'window' | 'generate' }>;

/**
 * Fold `entries` (the log from `fromIndex` on, or read it) and act on the decisions.
 * `applied`: the last entry recorded when `entries` were read (an append says), if known.
 */
export async function sync(p: SyncPorts, runId: string, entries?: EngineEvent[], fromIndex?: number, applied?: number): Promise<void> {
  const { followUps, written } = await serialized(p, runId, () => syncLocked(p, runId, entries, fromIndex, applied));
  await written;
  // Not awaited: a follow-up appends an event, which may have to wait for the append this
  // sync is part of. A lost one is asked for again when the log is folded anew.
  for (const f of followUps) void followUp(p, runId, f).catch(() => undefined);
}

interface Decided {
  followUps: FollowUp[];
  /** the writes, already sent in fold order; awaited outside the lock */
  written: Promise<unknown>;
}

const NOTHING: Decided = { followUps: [], written: Promise.resolve() };

async function syncLocked(p: SyncPorts, runId: string, entries: EngineEvent[] | undefined, fromIndex: number | undefined, appliedThen: number | undefined): Promise<Decided> {
  let c = p.cache.get(runId);
  // Folded anew: the starts and kills decided by entries already recorded were enqueued
  // and published before they were recorded (below), so they are not sent again (a run
  // with 90,000 steps running sent 90,000 job adds each time a process folded it from the
  // start; a cancelled one told its steps to stop again each time a coordinator took it up
  // after its cancel: test/coordinator/cancel-slices.int.test.ts). A job lost since is found
  // when the run falls due (coordinator.ts, recover). An entry recorded in part only (a
  // process died between two slices) sends all its starts and kills again.
  let actedUpTo = -1;
  const engineKept = c !== undefined;
  if (!c) {
    // This process's last commits of the run first (a sync's commits are awaited outside the
    // lock): a take-up right after a cancel this process folded would read the cancel's entry
    // unrecorded and tell its steps to stop again.
    await p.local.commits.get(runId);
    const [plan, applied] = await Promise.all([p.store.plan(runId), p.store.applied(runId)]);
    if (!plan) return NOTHING;
    actedUpTo = applied ?? -1;
    c = p.cache.create(runId, plan, p.maxUnitDepth);
    // The plan's parse and the engine's index of it took the thread in one go: let others in.
    await yieldToIo();
  }
  const first = c.next;
  const cached = c;
  // The log is read and folded a chunk at a time (LOG_READ_ENTRIES, the most an append
  // returns too), the thread let go between chunks: a process taking up a run of 100,000
  // steps folds its whole log, and /healthz and other runs' requests are answered meanwhile.
  let list: EngineEvent[];
  if (entries && fromIndex === c.next) {
    list = entries;
    // A kept engine behind the log, handed what others appended since with this process's
    // own append: what of it was recorded then was acted on by whoever recorded it. Before,
    // a worker whose engine was from before a cancel and a retry of the run (both folded by
    // the requests' run system) told the cancel's steps to stop again at the first
    // completion after the retry, stopping their attempt 2 (tester 19,
    // test/coordinator/retry-after-cancel.int.test.ts). An entry recorded in part only, or
    // by a commit still on its way, is acted on again: told twice, which a worker takes as
    // once (a stop names its attempt: step-worker.ts).
    if (engineKept && appliedThen !== undefined) actedUpTo = appliedThen;
  }
  else if (!engineKept) list = await p.store.readLog(runId, c.next);
  else {
    // A kept engine behind the log (a take-up, or entries another process appended): what
    // is recorded since was acted on by whoever recorded it, read once the other run
    // system's last commit of the run is in (this one's own are of entries folded already,
    // so not waited for). Before, a coordinator that had folded a run before its cancel told
    // every step to stop again when it took the run up (cancel-slices.int).
    const last = p.local.commits.get(runId);
    if (last && !p.local.mine.has(last)) await last;
    const [read, applied] = await Promise.all([p.store.readLog(runId, c.next), p.store.applied(runId)]);
    list = read;
    actedUpTo = applied ?? -1;
  }
  if (list.length === 0) return NOTHING;
  let commits: CommitEntry[] = [];
  let starts: StartCommand[] = [];
  let kills: string[] = [];
  let killed: number[] = []; // each kill's attempt
  const followUps: FollowUp[] = [];
  const deadlines: TimerCommand[] = [];
  // Where the next commit's log range starts: past what the slices of an entry sent (below).
  let from = first;
  // A commit of this sync was refused or failed: this engine is forgotten.
  // (Not read from the cache: the cache may also evict this engine for another run's.)
  let dropped = false;
  /** Forget this engine (a commit was refused or failed): the next sync folds the log from the start. */
  const forget = () => {
    dropped = true;
    if (p.cache.get(runId) === cached) p.cache.drop(runId);
  };
  /**
   * Carry out and record what was folded since the last send: enqueuing (telling workers
   * to stop steps) first, recording after; commits of one run leave this process in log
   * order (each waits for the one before it). `to`: the last log entry folded whole.
   */
  const send = (to: number, settled: boolean, timers?: Promise<void>): Promise<unknown> => {
    // Looked up per start, not a set of every running leaf: a run with 90,000 leaves running made each sync O(90,000).
    const acted = Promise.all([p.enqueue(runId, starts.filter((s) => cached.engine.isAtWork(s.step))), timers, kills.length > 0 ? p.kill(runId, kills, killed) : undefined]);
    const previous = p.local.commits.get(runId) ?? Promise.resolve();
    const [parts, range] = [commits, from];
    // A refused or failed commit leaves entries unrecorded: forget the engine, so the next
    // sync folds the log from the start and records them.
    const recorded = Promise.all([acted, previous]).then(() => p.store.commitEnding(runId, parts, false, range, to, settled)).then(
      ({ applied, ended }) => {
        if (ended) p.onRunEnded?.(runId, ended);
        if (applied < to) forget();
      },
      (e) => {
        forget();
        throw e;
      },
    );
    const tail = recorded.catch(() => undefined);
    p.local.commits.set(runId, tail);
    p.local.mine.add(tail);
    void tail.then(() => {
      if (p.local.commits.get(runId) === tail) p.local.commits.delete(runId);
    });
    commits = [];
    starts = [];
    kills = [];
    killed = [];
    from = to + 1;
    return recorded;
  };
  /** Sort the commands folding entry `commit.i` gave: into its commit, or to enqueue, kill, arm or follow up. */
  const take = (commit: CommitEntry, commands: Command[]) => {
    for (const cmd of commands) {
      // A step run again marks what was recorded beneath it superseded, in order with the states around it.
      if (cmd.type === 'status' || cmd.type === 'supersede') commit.steps.push(cmd);
      else if (cmd.type === 'start') {
        if (commit.i > actedUpTo) starts.push(cmd);
      }
      else if (cmd.type === 'kill') {
        if (commit.i > actedUpTo) {
          kills.push(cmd.step);
          killed.push(cmd.attempt ?? 0);
        }
      }
      else if (cmd.type === 'done') commit.run = { status: cmd.status, ...(cmd.result !== undefined ? { result: cmd.result } : {}), ...(cmd.error ? { error: cmd.error } : {}) };
      else if (cmd.type === 'deadline' || cmd.type === 'backoff') deadlines.push(cmd);
      else if (cmd.type === 'window' || cmd.type === 'generate') followUps.push(cmd);
    }
  };
  for (;;) {
    for (const entry of list) {
      const i = c.next;
      const commit: CommitEntry = { i, steps: [] };
      if (i === 0) commit.run = { status: 'running' };
      take(commit, fold(c, entry as { type: string }));
      // One entry that starts a big fan-out (or graph) is folded a slice at a time
      // (EngineOptions.sliceSteps): each slice's starts are enqueued and its step states
      // recorded, as a part of the entry (`offset`, `more`), before the next is folded, the
      // thread let go between. A crash between slices leaves the entry unrecorded past its
      // parts: whoever folds the log again enqueues its starts again (one job per id) and
      // records only the step states the parts did not (run-commit-5.lua).
      while (c.engine.more) {
        if (commit.steps.length > 0 || commit.run) commits.push({ ...commit, more: true });
        await send(i - 1, false);
        // Refused (another process is behind or ahead of this one) or failed: the engine is
        // forgotten, and whoever folds the log next carries on (the run is still due).
        if (dropped) return NOTHING;
        await yieldToIo();
        commit.offset = (commit.offset ?? 0) + commit.steps.length;
        commit.steps = [];
        take(commit, c.engine.resume());
      }
      if (commit.steps.length > 0 || commit.run) commits.push(commit);
    }
    if (list.length < LOG_READ_ENTRIES) break;
    await yieldToIo();
    list = await p.store.readLog(runId, c.next);
    if (list.length === 0) break;
  }
  // Enqueuing (arming deadlines, telling workers to stop steps) goes first, recording after: a crash in
  // between leaves the run due (the append marked it), and whoever takes it up finds the
  // entries unrecorded and folds them again. Recording what is already enqueued is what
  // lets the last commit say the run is settled and due no more (docs/runs.md).
  const to = c.next - 1;
  // Only what is still unanswered at the end of the fold: a log folded anew from the
  // start does not read old windows or expand old Datasets again.
  const awaiting = new Set(c.engine.awaiting());
  const kept = followUps.filter((f) => awaiting.has(f));
  followUps.length = 0;
  appendAll(followUps, kept);
  // Only deadlines still armed at the end of the fold: a log folded anew does not arm old ones again.
  const armed = new Set(c.engine.armedTimers().map(timerKey));
  const written = send(to, awaiting.size === 0, p.armDeadlines(runId, deadlines.filter((d) => armed.has(timerKey(d)))));
  const status = c.engine.status;
  if (status !== 'running' && status !== 'pending') {
    p.cache.drop(runId);
    void written.then(() => p.onRunDone?.(runId, status), () => undefined);
    return { followUps: [], written };
  }
  return { followUps, written };
}

/** Answer a window read or an expansion, appending the answer to the log. */
export async function followUp(p: SyncPorts, runId: string, cmd: FollowUp): Promise<void> {
  let event: EngineEvent;
  try {
    event = cmd.type === 'window' ? await p.readWindow(runId, cmd) : ({ ...(await p.expand(runId, cmd)), attempt: cmd.attempt } as EngineEvent);
  } catch (e) {
    const error = toStrataError(e).message;
    event = cmd.type === 'window' ? { type: 'window', step: cmd.step, round: cmd.round, items: [], drained: true, error } : { type: 'expandFailed', step: cmd.step, attempt: cmd.attempt, error };
  }
  // A generate step's answer is once per attempt: a step run again in the same run (a retry of
  // the run, a retryWhole) is on a later attempt, and its unit is made again from its new
  // Dataset (with the step's id alone, the second answer was taken for the first and never
  // appended, and the run waited for ever: tester 15).
  const dedupe = cmd.type === 'window' ? `w|${cmd.step}|${cmd.round}` : `g|${cmd.step}|${cmd.attempt}`;
  await appendAndSync(p, runId, event, dedupe);
}

interface Pending {
  event: EngineEvent;
  dedupe: string;
  fence?: Fence;
  /** answered once appended, before the sync that follows */
  early?: boolean;
  done: (appended: boolean) => void;
  fail: (e: unknown) => void;
}

/** What one process keeps per run between syncs: the run's lock, the events waiting to be appended, its last commit. */
export interface SyncLocal {
  locks: Map<string, Promise<unknown>>;
  batches: Map<string, Pending[]>;
  commits: Map<string, Promise<unknown>>;
  /** the commits (their tails in `commits`) this run system sent, where two share `commits` (syncLocalBeside) */
  mine: WeakSet<Promise<unknown>>;
}

export function syncLocal(): SyncLocal {
  return { locks: new Map(), batches: new Map(), commits: new Map(), mine: new WeakSet() };
}

/**
 * What a second run system of the same process keeps: the runs' locks and last commits of
 * `other` (a sync of either waits for the other's of the same run, as for its own), and
 * batches of its own (a batch is appended and folded through the ports that started it).
 */
export function syncLocalBeside(other: SyncLocal): SyncLocal {
  return { locks: other.locks, batches: new Map(), commits: other.commits, mine: new WeakSet() };
}

/**
 * Append an event once and carry the run forward from it; resolves true when it was
 * appended. Events of one run that arrive while an append is under way go out together
 * in the next one (steps that finished at the same time cost one append, one fold and one
 * commit between them). A `fence` (a worker's job lock) must still hold for the event to
 * be appended: a step's completion counts only from the execution that holds its job.
 *
 * `early`: resolve once the event is appended, without waiting for the sync that follows
 * (it goes on meanwhile). What an append marks is safe from then on: the append marked the
 * run due, so should the sync fail or this process die, a coordinator folds the log and
 * carries the run forward (coordinator.ts). A worker answers its job this way, so that
 * BullMQ completes the job (and hands the worker its next one) while the sync enqueues the
 * step's successors and records its end: two Redis round trips fewer on a step's path
 * (docs/performance.md).
 */
export function appendAndSync(p: SyncPorts, runId: string, event: EngineEvent, dedupe: string, fence?: Fence, early = false): Promise<boolean> {
  const batches = p.local.batches;
  return new Promise<boolean>((done, fail) => {
    const entry: Pending = { event, dedupe, ...(fence ? { fence } : {}), ...(early ? { early } : {}), done, fail };
    const queued = batches.get(runId);
    if (queued) return void queued.push(entry);
    batches.set(runId, [entry]);
    void flush(p, runId);
  });
}

async function flush(p: SyncPorts, runId: string): Promise<void> {
  const batches = p.local.batches;
  for (;;) {
    const batch = batches.get(runId)!;
    if (batch.length === 0) {
      batches.delete(runId);
      return;
    }
    batches.set(runId, []);
    try {
      const from = p.cache.get(runId)?.next ?? 0;
      // Stamped with the time it is appended: the engine reads no clock (durations come from these).
      const { appended, entries, applied } = await p.store.append(runId, batch.map((b) => ({ event: { ...b.event, at: b.event.at ?? Date.now() }, dedupe: b.dedupe, ...(b.fence ? { fence: b.fence } : {}) })), from);
      batch.forEach((b, i) => b.early && b.done(appended[i]));
      await sync(p, runId, entries, from, applied);
      batch.forEach((b, i) => b.done(appended[i]));
    } catch (e) {
      batch.forEach((b) => b.fail(e));
    }
  }
}
