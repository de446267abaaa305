/**
 * The coordinator (macro): starts and cancels runs, and takes up runs that are due so that
 * a run whose last sync was cut short by a crash carries on. All state is in Redis.
 *
 * Nothing is read on a timer while nothing is due: every change to a run's log marks the
 * run due a grace period later, and the sync that follows clears the mark once everything
 * it decided is enqueued and recorded (event-append-2.lua, run-commit-5.lua). A mark still
 * there at its time means that sync did not finish (its process died): a coordinator takes
 * the run up then. Coordinators wait on Redis: told on a channel when something becomes
 * due while they wait for nothing, then woken by a timer at the time Redis gave them; a
 * run that does not change costs no command (docs/runs.md, docs/performance.md).
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StrataError } from '../errors/strata-error.ts';
import type { FlowDocument, JsonValue } from '../flow/types.ts';
import type { CompiledFlow } from '../plan/compile.ts';
import { currentRoot } from '../plan/plan-version.ts';
import type { RunView } from '../run/run-view.ts';
import { prepareRun, type PreparedRun } from '../run/prepared-run.ts';
import { LookLoop } from './look-loop.ts';
import type { Redis } from 'ioredis';
import { runDeleted, type RunMeta, type StoredPlan } from '../store/run-store.ts';
import type { RunSystem } from './run-system.ts';
import { stepJobId } from '../worker/step-job.ts';
import { appendAndSync, followUp, sync } from './sync.ts';

/**
 * Something kept in Redis with a time, which the process that made it acts on then, and a
 * coordinator `graceMs` later should that process be gone. Whoever adds an entry tells
 * waiting coordinators on the due channel (RunStore.dueKey) with a time no later than the
 * entry's.
 */
export interface DueSource {
  graceMs: number;
  /** act on every entry whose time is `now` or earlier */
  fireDue(now: number): Promise<void>;
  /** the earliest entry's time (ms), or undefined */
  earliest(): Promise<number | undefined>;
}

export function newRunId(): string {
  return `r${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

/** Runs taken up at once at most. */
const TAKE = 100;
export class Coordinator {
  /** the earliest time heard on the channel while a look was under way */
  private heard = Infinity;
  // Redis away: try again later (or when it is back).
  private readonly loop = new LookLoop(() => this.lookOnce(), () => this.loop.wakeBy(Date.now() + this.sys.store.dueGraceMs));
  private stopped = false;
  private subscriber: Redis | undefined;
  /** what else a look takes up besides due runs and deadlines (addSource) */
  private readonly sources: DueSource[] = [];

  /**
   * @param artifactsDir the artifact store root (STRATA_HOME/artifacts): deleting a run removes `<dir>/<run>`
   * @param retentionMs finished runs older than this are deleted when a coordinator looks (0: kept)
   */
  constructor(private readonly sys: RunSystem, private readonly artifactsDir?: string, private readonly retentionMs = 0) {}

  /**
   * Start a run of a compiled flow. `meta.flow` names the flow it runs when that is not
   * `flow` itself (a `{ use }` request runs the used flow through a wrapper); the run is
   * named after that flow and carries `meta.labels`.
   */
  async startRun(flow: FlowDocument, compiled: CompiledFlow, params: Record<string, JsonValue>, origin: Record<string, string>, id = newRunId(), meta: RunMeta & { flow?: string } = {}): Promise<string> {
    const ref = meta.flow ?? `${flow.metadata.name}@${flow.metadata.version}`;
    return this.startPrepared(prepareRun(ref, compiled.root, { ...compiled.params, ...params }, compiled.stepIds), origin, id, meta);
  }

  /** Store a run whose plan is serialized already (the API's worker threads made it) and start it; the id is returned. */
  async startPrepared(run: PreparedRun, origin: Record<string, string>, id = newRunId(), meta: RunMeta = {}): Promise<string> {
    await this.create(id, run, origin, meta);
    return id;
  }

  private async create(id: string, run: PreparedRun, origin: Record<string, string>, meta: RunMeta): Promise<void> {
    // An id is its caller's own (a new one, or one an idempotency key reserved): found
    // taken, it was stored by an earlier try of this same start, which is not made twice.
    if (await this.sys.store.createPrepared(id, run, origin, meta)) {
      this.sys.observer.runStarted({ id, flow: run.ref, labels: meta.labels ?? {} });
      // This process holds the plan: its first sync need not read it back (tens of MB for a big run).
      if (!this.sys.ports.cache.get(id)) this.sys.ports.cache.create(id, JSON.parse(run.planJson) as StoredPlan, this.sys.ports.maxUnitDepth);
    }
    // The run is stored: if this first sync fails, the run is due (run-create-4.lua) and a coordinator carries it on.
    await sync(this.sys.ports, id).catch(() => undefined);
  }

  /** Go on after a failure or cancel: a `retry` log entry, folded like any event (RunEngine.retry). */
  async retry(id: string): Promise<RunView> {
    const r = await this.sys.store.retry(id);
    if (r === 'missing') throw new StrataError('not_found', `no run "${id}"`);
    if (r !== 'retried') throw new StrataError('conflict', `run ${id} is ${r}: only a failed or cancelled run can be retried`, { status: r });
    await sync(this.sys.ports, id).catch(() => undefined);
    return (await this.sys.store.view(id, { cut: true }))!;
  }

  /**
   * A new run of the same plan, parameters, labels, origin (Dataset) and onEnd, under
   * `newId` (one an Idempotency-Key reserved) or a new id. A `newId` whose run exists is
   * that earlier resubmit's answer; one whose run was deleted is refused (410).
   */
  async resubmit(id: string, newId = newRunId()): Promise<string> {
    if (await this.sys.store.status(newId)) return newId;
    if (await this.sys.store.wasDeleted(newId)) throw runDeleted(newId);
    const [meta, plan] = await Promise.all([this.sys.store.meta(id), this.sys.store.plan(id)]);
    if (!meta || !plan) throw new StrataError('not_found', `no run "${id}"`);
    await this.create(newId, prepareRun(meta.flow, currentRoot(plan), plan.params, plan.stepIds ?? []), { ...meta.origin, resubmittedFrom: id }, { name: meta.name, labels: meta.labels, onEnd: meta.onEnd });
    return newId;
  }

  /** Delete a run that has ended, with its artifacts; 409 while it runs. */
  async delete(id: string): Promise<void> {
    const refuse = (status: string | undefined) => {
      if (!status || status === 'missing') throw new StrataError('not_found', `no run "${id}"`);
      if (status !== 'deleted') throw new StrataError('run_active', `run ${id} is ${status}: cancel it before deleting it`, { status });
    };
    const status = await this.sys.store.status(id);
    if (status === 'pending' || status === 'running') refuse(status);
    refuse(status && 'deleted');
    // Files and step jobs first: a run whose state is gone can no longer be found to clean up after.
    if (this.artifactsDir) await rm(join(this.artifactsDir, id), { recursive: true, force: true });
    await this.removeJobs(id);
    refuse(await this.sys.store.remove(id));
    this.sys.ports.cache.drop(id);
  }

  /**
   * Remove the run's BullMQ step jobs (hash, logs, place in the completed or failed set):
   * they hold the steps' parameters and environment, which must go with the run, not stay
   * for the queue's removeOnComplete / removeOnFail ages. One job per step and attempt
   * (stepJobId); ids of attempts that never had a job are skipped. A batch of jobs per
   * command (a run of 100,000 steps sent 100,000 BullMQ remove calls).
   */
  private async removeJobs(id: string): Promise<void> {
    const ids: string[] = [];
    for (const [step, attempts] of await this.sys.store.stepAttempts(id)) {
      for (let a = 1; a <= Math.max(1, attempts); a++) ids.push(stepJobId(id, step, a));
    }
    await this.sys.removeStepJobs(ids);
  }

  /** Delete runs that ended more than `retentionMs` ago (a bounded batch per call); returns how many were deleted. */
  async expire(retentionMs: number, now = Date.now()): Promise<number> {
    if (retentionMs <= 0) return 0;
    let n = 0;
    for (const id of await this.sys.store.endedBefore(now - retentionMs, TAKE)) {
      await this.delete(id).then(() => n++, () => undefined);
    }
    return n;
  }

  /**
   * Cancel a run: a `cancel` log entry, once per go of the run (its first, and each retry's).
   * Its dedupe key names the go: with `cancel` alone, a cancel of a run retried after a cancel
   * was taken for the first and not appended (200, and the run went on: tester 19).
   */
  async cancel(id: string): Promise<RunView> {
    const run = await this.sys.store.statusAndRetries(id);
    if (!run) throw new StrataError('not_found', `no run "${id}"`);
    const { status, retries } = run;
    if (status === 'succeeded' || status === 'failed' || status === 'cancelled') {
      throw new StrataError('run_not_active', `run ${id} has already ${status === 'cancelled' ? 'been cancelled' : status}`);
    }
    // The first go's key is the one runs stored before kept (`cancel`).
    await appendAndSync(this.sys.ports, id, { type: 'cancel', reason: 'cancelled by request' }, retries === 0 ? 'cancel' : `cancel|${retries}`);
    return (await this.sys.store.view(id, { cut: true }))!;
  }

  /** Take `source` up too whenever this coordinator looks (before startWaiting). */
  addSource(source: DueSource): void {
    this.sources.push(source);
  }

  /**
   * Take up due runs now, and from then on whenever something is due: `subscriber` (a
   * connection of its own) hears when a run becomes due while this coordinator waits for
   * nothing, and when a first run ends (retention). Resolves once subscribed.
   */
  async startWaiting(subscriber: Redis): Promise<void> {
    this.subscriber = subscriber;
    const channel = this.sys.store.dueKey;
    subscriber.on('message', (ch: string, message: string) => {
      if (ch !== channel) return;
      const at = message === 'finished' ? Date.now() : Number(message);
      if (this.loop.busy) this.heard = Math.min(this.heard, at); // the look under way may not have seen it
      this.loop.wakeBy(at);
    });
    // After a reconnect, what was said meanwhile is read back.
    subscriber.on('ready', () => void this.look());
    await subscriber.subscribe(channel);
    void this.look();
  }

  /**
   * When this coordinator looks next of its own accord (ms since the epoch; Infinity: only
   * when told on the channel), once every message published to it so far has been heard
   * (a PING on its subscriber connection is answered after them); undefined while a look
   * is under way or asked for. A coordinator at Infinity sends Redis nothing until told:
   * tests start an idle window from there (test/coordinator/idle-run.int.test.ts).
   */
  async nextLook(): Promise<number | undefined> {
    await this.subscriber?.ping();
    return this.loop.busy ? undefined : this.loop.nextAt;
  }

  /** Take up the runs due now; then wait for the next time anything is due. */
  look(): Promise<void> {
    return this.loop.look();
  }

  private async lookOnce(): Promise<void> {
    let stuck = false;
    for (;;) {
      const { ids, nextDue, firstFinished } = await this.sys.store.takeDue(Date.now(), TAKE);
      await Promise.all(ids.map((id) => this.recover(id).catch(() => undefined)));
      // Timers whose process is gone (deadlines, back-offs: deadlines.ts) and ends nobody
      // queued the notification of (notifier.ts): taken up once past, each with the grace
      // that leaves the process that made it the first go.
      let next = nextDue ?? Infinity;
      for (const source of [this.sys.deadlines, ...this.sources]) {
        await source.fireDue(Date.now() - source.graceMs);
        const at = await source.earliest();
        if (at !== undefined) next = Math.min(next, at + source.graceMs);
      }
      let more = ids.length === TAKE;
      if (this.retentionMs > 0 && firstFinished !== undefined) {
        const expireAt = firstFinished + this.retentionMs;
        if (expireAt > Date.now()) next = Math.min(next, expireAt);
        // Deleted some: look again, to delete more or learn when the next one is due.
        else if (!stuck && (await this.expire(this.retentionMs)) > 0) more = true;
        else {
          // None could be deleted (a step job still locked by the worker that just ran
          // it, Redis away): nobody will say so on the channel, so look again later.
          stuck = true;
          next = Math.min(next, Date.now() + this.sys.store.dueGraceMs);
        }
      }
      if (!more || this.stopped) {
        // Redis said when the next thing is due: a timer set for earlier is stale (what it
        // was for was settled meanwhile) unless a message came in during the look.
        const at = Math.min(next, this.heard);
        this.heard = Infinity;
        this.loop.setTimer(at);
        return;
      }
    }
  }

  /**
   * Carry a due run forward: fold its log and act, make sure every running step has a job
   * that can still run (re-adding is deduplicated by job id), ask again for a window read
   * or expansion whose answer never reached the log; then, with nothing left undone, it is
   * due no more.
   */
  private async recover(id: string): Promise<void> {
    await sync(this.sys.ports, id);
    const c = this.sys.ports.cache.get(id);
    if (!c) {
      // Ended (its last commit cleared the mark, or will), or deleted: nothing to take up.
      const status = await this.sys.store.status(id);
      if (status === undefined || status === 'succeeded' || status === 'failed' || status === 'cancelled') await this.sys.store.notDue(id);
      return;
    }
    // A running step needs a job that can still run: none, or one already completed or
    // failed without its step finishing (a worker lost between the two), is replaced.
    const leaves = c.engine.runningLeaves();
    // One script call per batch of jobs (store/step-jobs.ts): three commands a step made
    // taking up a run with 90,000 steps running cost 270,000 commands, each time it fell due.
    const jobIds = leaves.map((step) => stepJobId(id, step, c.engine.attemptOf(step)));
    const standings = await this.sys.stepJobStandings(jobIds);
    const lost = leaves.filter((_, i) => standings[i] !== 'runnable');
    // A job that ended without its step ending is removed, so that its id can be added again.
    await this.sys.removeStepJobs(jobIds.filter((_, i) => standings[i] === 'ended')).catch(() => undefined);
    if (lost.length > 0) await this.sys.ports.enqueue(id, c.engine.startCommandsFor(lost));
    // A deadline never stored (a crash between fold and write) is armed now. A window read
    // or an expansion whose answer never reached the log is asked again; its answer's sync
    // settles the run.
    await this.sys.ports.armDeadlines(id, c.engine.armedTimers());
    const awaiting = c.engine.awaiting();
    for (const f of awaiting) void followUp(this.sys.ports, id, f).catch(() => undefined);
    if (awaiting.length === 0) await this.sys.store.commitEnding(id, [], false, c.next, c.next - 1, true);
  }

  stop(): void {
    this.stopped = true;
    this.loop.stop();
    void this.subscriber?.unsubscribe().catch(() => undefined);
  }
}
