/**
 * The controller's work queue: one reconcile at a time per resource, the newest state of
 * it always the one reconciled (events that arrive meanwhile collapse into one), a failed
 * reconcile tried again with a growing pause, and a later look at resources that ask for
 * one. Different resources reconcile side by side.
 */
export interface WorkQueueOptions<T> {
  work: (key: string, item: T) => Promise<{ again?: boolean }>;
  /** pause before a resource that asked is looked at again */
  pollMs: number;
  /** first pause after a failure (doubling up to 60 s) */
  retryMs?: number;
  onError?: (key: string, e: Error) => void;
}

export class WorkQueue<T> {
  private readonly latest = new Map<string, T>();
  private readonly dirty = new Set<string>();
  private readonly busy = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly failures = new Map<string, number>();
  private stopped = false;

  constructor(private readonly opts: WorkQueueOptions<T>) {}

  /** A resource's new state. */
  add(key: string, item: T): void {
    if (this.stopped) return;
    this.latest.set(key, item);
    this.dirty.add(key);
    this.clearTimer(key);
    void this.drain(key);
  }

  /** The resource is gone: forget it. */
  forget(key: string): void {
    this.latest.delete(key);
    this.dirty.delete(key);
    this.clearTimer(key);
    this.failures.delete(key);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private async drain(key: string): Promise<void> {
    if (this.busy.has(key)) return;
    this.busy.add(key);
    try {
      while (this.dirty.has(key) && !this.stopped) {
        this.dirty.delete(key);
        const item = this.latest.get(key);
        if (item === undefined) break;
        try {
          const { again } = await this.opts.work(key, item);
          this.failures.delete(key);
          if (again && !this.dirty.has(key)) this.later(key, this.opts.pollMs);
        } catch (e) {
          this.opts.onError?.(key, e as Error);
          const n = (this.failures.get(key) ?? 0) + 1;
          this.failures.set(key, n);
          if (!this.dirty.has(key)) this.later(key, Math.min((this.opts.retryMs ?? 500) * 2 ** (n - 1), 60_000));
        }
      }
    } finally {
      this.busy.delete(key);
    }
  }

  private later(key: string, ms: number): void {
    this.clearTimer(key);
    const t = setTimeout(() => {
      this.timers.delete(key);
      const item = this.latest.get(key);
      if (item !== undefined) this.add(key, item);
    }, ms);
    t.unref();
    this.timers.set(key, t);
  }

  private clearTimer(key: string): void {
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }
}
