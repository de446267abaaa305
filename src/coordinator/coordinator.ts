/**
 * The coordinator (macro): starts and cancels runs, and sweeps active runs so that a run
 * whose last sync was cut short by a crash carries on. All state is in Redis; the sweep
 * makes a restarted coordinator pick every run up where it was.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StrataError } from '../errors/strata-error.ts';
import type { FlowDocument, JsonValue } from '../flow/types.ts';
import type { CompiledFlow } from '../plan/compile.ts';
import type { RunView } from '../run/run-view.ts';
import { prepareRun, type PreparedRun } from '../run/prepared-run.ts';
import { runDeleted, type RunMeta } from '../store/run-store.ts';
import type { RunSystem } from './run-system.ts';
import { stepJobId } from '../worker/step-job.ts';
import { appendAndSync, followUp, sync } from './sync.ts';

/** Step jobs removed at once when a run is deleted. */
const JOB_BATCH = 200;

export function newRunId(): string {
  return `r${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

export class Coordinator {
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;
  /** log length of each active run at the last sweep */
  private readonly seen = new Map<string, number>();

  /**
   * @param artifactsDir the artifact store root (STRATA_HOME/artifacts): deleting a run removes `<dir>/<run>`
   * @param retentionMs finished runs older than this are deleted by the sweep (0: kept)
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
    if (await this.sys.store.createPrepared(id, run, origin, meta)) this.sys.observer.runStarted({ id, flow: run.ref, labels: meta.labels ?? {} });
    // The run is stored: if this first sync fails, the sweep carries the run on.
    await sync(this.sys.ports, id).catch(() => undefined);
  }

  /** Go on after a failure or cancel: a `retry` log entry, folded like any event (RunEngine.retry). */
  async retry(id: string): Promise<RunView> {
    const r = await this.sys.store.retry(id);
    if (r === 'missing') throw new StrataError('not_found', `no run "${id}"`);
    if (r !== 'retried') throw new StrataError('conflict', `run ${id} is ${r}: only a failed or cancelled run can be retried`, { status: r });
    await sync(this.sys.ports, id).catch(() => undefined);
    return (await this.sys.store.view(id))!;
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
    await this.create(newId, prepareRun(meta.flow, plan.root, plan.params, plan.stepIds ?? []), { ...meta.origin, resubmittedFrom: id }, { name: meta.name, labels: meta.labels, onEnd: meta.onEnd });
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
   * (stepJobId); ids of attempts that never had a job are skipped by BullMQ.
   */
  private async removeJobs(id: string): Promise<void> {
    const ids: string[] = [];
    for (const [step, attempts] of await this.sys.store.stepAttempts(id)) {
      for (let a = 1; a <= Math.max(1, attempts); a++) ids.push(stepJobId(id, step, a));
    }
    for (let i = 0; i < ids.length; i += JOB_BATCH) await Promise.all(ids.slice(i, i + JOB_BATCH).map((j) => this.sys.queue.remove(j)));
  }

  /** Delete runs that ended more than `retentionMs` ago (a bounded batch per call). */
  async expire(retentionMs: number, now = Date.now()): Promise<number> {
    if (retentionMs <= 0) return 0;
    let n = 0;
    for (const id of await this.sys.store.endedBefore(now - retentionMs, 100)) {
      await this.delete(id).then(() => n++, () => undefined);
    }
    return n;
  }

  async cancel(id: string): Promise<RunView> {
    const status = await this.sys.store.status(id);
    if (!status) throw new StrataError('not_found', `no run "${id}"`);
    if (status === 'succeeded' || status === 'failed' || status === 'cancelled') {
      throw new StrataError('run_not_active', `run ${id} has already ${status === 'cancelled' ? 'been cancelled' : status}`);
    }
    await appendAndSync(this.sys.ports, id, { type: 'cancel', reason: 'cancelled by request' }, 'cancel');
    return (await this.sys.store.view(id))!;
  }

  /** Carry every active run forward once. */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const id of await this.sys.store.active()) {
        await this.recover(id).catch(() => undefined);
      }
      await this.expire(this.retentionMs).catch(() => undefined);
      await this.sys.deadlines.fireDue().catch(() => undefined);
    } finally {
      this.sweeping = false;
    }
  }

  /**
   * Fold the run's log; when it has not moved since the last sweep, make sure every running
   * step has its job (re-adding is deduplicated by job id). A run that moves needs no look.
   */
  private async recover(id: string): Promise<void> {
    await sync(this.sys.ports, id);
    const c = this.sys.ports.cache.get(id);
    if (!c) return void this.seen.delete(id);
    const moved = this.seen.get(id) !== c.next;
    this.seen.set(id, c.next);
    if (moved) return;
    // A running step needs a job that can still run: none, or one already completed or
    // failed without its step finishing (a worker lost between the two), is replaced.
    const lost: string[] = [];
    for (const step of c.engine.runningLeaves()) {
      const job = await this.sys.queue.getJob(`${id}|${step}|${c.engine.attemptOf(step)}`);
      if (!job) lost.push(step);
      else if (['completed', 'failed'].includes(await job.getState())) {
        await job.remove().catch(() => undefined);
        lost.push(step);
      }
    }
    if (lost.length > 0) await this.sys.ports.enqueue(id, c.engine.startCommandsFor(lost));
    // A window read or an expansion whose answer never reached the log is asked again;
    // a deadline never stored (a crash between fold and write) is armed now.
    for (const f of c.engine.awaiting()) void followUp(this.sys.ports, id, f).catch(() => undefined);
    await this.sys.ports.armDeadlines(id, c.engine.armedTimers());
  }

  startSweeping(intervalMs = 2000): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
