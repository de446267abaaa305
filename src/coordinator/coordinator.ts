/**
 * The coordinator (macro): starts and cancels runs, and sweeps active runs so that a run
 * whose last sync was cut short by a crash carries on. All state is in Redis; the sweep
 * makes a restarted coordinator pick every run up where it was.
 */
import { randomBytes } from 'node:crypto';
import { StrataError } from '../errors/strata-error.ts';
import type { FlowDocument, JsonValue } from '../flow/types.ts';
import type { CompiledFlow } from '../plan/compile.ts';
import type { RunView } from '../run/run-view.ts';
import type { RunSystem } from './run-system.ts';
import { appendAndSync, followUp, sync } from './sync.ts';

export function newRunId(): string {
  return `r${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

export class Coordinator {
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;
  /** log length of each active run at the last sweep */
  private readonly seen = new Map<string, number>();

  constructor(private readonly sys: RunSystem) {}

  async startRun(flow: FlowDocument, compiled: CompiledFlow, params: Record<string, JsonValue>, origin: Record<string, string>, id = newRunId()): Promise<string> {
    const ref = `${flow.metadata.name}@${flow.metadata.version}`;
    if (!(await this.sys.store.create(id, ref, { root: compiled.root, params: { ...compiled.params, ...params } }, compiled.stepIds, origin))) {
      throw new StrataError('conflict', `run ${id} exists already`);
    }
    this.sys.observer.runStarted({ id, flow: ref, labels: {} });
    // The run is stored: if this first sync fails, the sweep carries the run on.
    await sync(this.sys.ports, id).catch(() => undefined);
    return id;
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
    // A window read or an expansion whose answer never reached the log is asked again.
    for (const f of c.engine.awaiting()) void followUp(this.sys.ports, id, f).catch(() => undefined);
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
