/**
 * The controller's work queue: one reconcile at a time per resource, the newest state of
 * it always the one reconciled (events that arrive meanwhile collapse into one), a failed
 * reconcile tried again with a growing pause unless `failed` says to stop, and a later look
 * at resources that ask for one. Different resources reconcile side by side. While a failed
 * reconcile waits for its pause, a new state that is the `same` work (only its status
 * changed: what the failure itself wrote) waits with it; another one is reconciled at once.
 */
export interface WorkQueueOptions<T> {
  work: (key: string, item: T) => Promise<{ again?: boolean }>;
  /** pause before a resource that asked is looked at again */
  pollMs: number;
  /** first pause after a failure (doubling up to 60 s) */
  retryMs?: number;
  onError?: (key: string, e: Error) => void;
  /** after the `tries`-th failure in a row: whether to try again (shows the failure on the resource); a hook that throws means yes */
  failed?: (key: string, item: T, e: Error, tries: number) => Promise<boolean>;
  /** whether `b` asks for the same work as `a` (default: never) */
  same?: (a: T, b: T) => boolean;
}

export class WorkQueue<T> {
  private readonly latest = new Map<string, T>();
  private readonly dirty = new Set<string>();
  private readonly busy = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly failures = new Map<string, number>();
  /** keys whose timer is a failure's pause */
  private readonly pausing = new Set<string>();
  private stopped = false;

  constructor(private readonly opts: WorkQueueOptions<T>) {}

  /** A resource's new state. */
  add(key: string, item: T): void {
    if (this.stopped) return;
    const before = this.latest.get(key);
    this.latest.set(key, item);
    // The same work as the failed one pausing: it waits for the pause (its own status write would cut it short).
    if (this.pausing.has(key) && before !== undefined && this.opts.same?.(before, item)) return;
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
          const retry = this.opts.failed ? await this.opts.failed(key, item, e as Error, n).catch(() => true) : true;
          // What came meanwhile and is the same work (the failure's own status write) does not cut the pause short.
          const latest = this.latest.get(key);
          if (this.dirty.has(key) && latest !== undefined && this.opts.same?.(item, latest)) this.dirty.delete(key);
          if (retry && !this.dirty.has(key)) this.later(key, Math.min((this.opts.retryMs ?? 500) * 2 ** (n - 1), 60_000), true);
        }
      }
    } finally {
      this.busy.delete(key);
    }
  }

  private later(key: string, ms: number, pause = false): void {
    this.clearTimer(key);
    if (pause) this.pausing.add(key);
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.pausing.delete(key);
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
    this.pausing.delete(key);
  }
}
