/**
 * List, then watch from the list's resourceVersion; when the watch ends, watch again from
 * the last resourceVersion seen; when the server says that is too old (410 Gone) or the
 * connection fails, list again (a resync) and carry on. Every list hands the full current
 * state to `onSync`, so a consumer learns what changed while it was not watching,
 * deletions included. The informer pattern, small enough to read in one go.
 */
import { Watch, type KubeConfig } from '@kubernetes/client-node';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface Meta {
  metadata?: { resourceVersion?: string };
}

export interface ListWatchOptions<T extends Meta> {
  kubeConfig: KubeConfig;
  /** the collection's path, e.g. /api/v1/namespaces/NS/pods */
  path: string;
  labelSelector?: string;
  /** list the collection (with the same selector) */
  list: () => Promise<{ items: T[]; resourceVersion: string }>;
  onSync: (items: T[]) => void;
  onEvent: (type: WatchEventType, obj: T) => void;
  /** told of failures it recovers from (logging) */
  onError?: (e: Error) => void;
  /** pause before listing again after a failure (default 1000 ms, doubling to 30 s) */
  retryMs?: number;
}

export class ListWatch<T extends Meta> {
  private readonly opts: ListWatchOptions<T>;
  private readonly watcher: Watch;
  private rv = '';
  private stopped = false;
  private current: AbortController | undefined;
  private retry: NodeJS.Timeout | undefined;
  private failures = 0;
  private started = false;
  private synced = false;
  private waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];

  constructor(opts: ListWatchOptions<T>) {
    this.opts = opts;
    this.watcher = new Watch(opts.kubeConfig);
  }

  /** Start (once) and resolve when the first list is in; reject if the list attempt under way fails (it is retried). */
  whenReady(): Promise<void> {
    if (!this.started) {
      this.started = true;
      void this.relist();
    }
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.current?.abort();
  }

  private async relist(): Promise<void> {
    if (this.stopped) return;
    try {
      const { items, resourceVersion } = await this.opts.list();
      if (this.stopped) return;
      this.rv = resourceVersion;
      this.failures = 0;
      this.opts.onSync(items);
      this.synced = true;
      for (const w of this.waiters.splice(0)) w.resolve();
    } catch (e) {
      if (!this.synced) for (const w of this.waiters.splice(0)) w.reject(e as Error);
      return this.later(e as Error, () => this.relist());
    }
    await this.watch();
  }

  private async watch(): Promise<void> {
    if (this.stopped) return;
    let expired = false;
    const params: Record<string, string> = { resourceVersion: this.rv, allowWatchBookmarks: 'true' };
    if (this.opts.labelSelector) params.labelSelector = this.opts.labelSelector;
    this.current = await this.watcher.watch(
      this.opts.path,
      params,
      (type, obj: T & { code?: number }) => {
        if (type === 'ERROR') {
          // 410 Gone: our resourceVersion is too old; anything else: start over as well
          expired = true;
          this.current?.abort();
          return;
        }
        const rv = obj?.metadata?.resourceVersion;
        if (rv) this.rv = rv;
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') this.opts.onEvent(type, obj);
      },
      (err: unknown) => {
        if (this.stopped) return;
        if (err && !isAbort(err)) return this.later(err as Error, () => this.relist());
        if (expired) return void this.relist();
        // A clean end (a server-side timeout, a dropped connection): carry on from where we were.
        void this.watch();
      },
    );
  }

  private later(e: Error, again: () => Promise<void>): void {
    if (this.stopped) return;
    this.opts.onError?.(e);
    const base = this.opts.retryMs ?? 1000;
    const wait = Math.min(base * 2 ** this.failures++, 30_000);
    this.retry = setTimeout(() => void again(), wait);
  }
}

function isAbort(e: unknown): boolean {
  return (e as { name?: string }).name === 'AbortError' || (e as { type?: string }).type === 'aborted';
}
