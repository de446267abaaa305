/**
 * Pushes a run's step events to everyone watching it, from one Redis subscription per run
 * per process. run-commit-5.lua publishes the events it appends (a JSON list) on the
 * channel named like the run's events list; the hub hands them to each viewer from the
 * position that viewer asked for, each event once and in `seq` order.
 *
 * Cost in Redis: a viewer's first read of the backlog (one LRANGE), then nothing at all
 * while the run is idle. Redis drops published messages only with the subscriber's
 * connection (a full output buffer closes it), so what was missed is read back from the
 * list when the subscription is back ('ready'), and a gap seen in a later message is read
 * back then too. Before this, every viewer polled (LRANGE + HGET every 100 ms).
 */
import type { Redis } from 'ioredis';
import type { StepEvent } from '../run/run-view.ts';
import type { RunStore } from './run-store.ts';

/** Receives events in seq order, without gaps or repeats. */
export type EventsListener = (events: StepEvent[]) => void;

interface Viewer {
  next: number;
  deliver: EventsListener;
}

interface Watched {
  id: string;
  viewers: Set<Viewer>;
  /** seq of the first event no viewer has been given yet (-1: unknown) */
  next: number;
  /** everything that touches this run, in order */
  chain: Promise<void>;
}

export class RunEventsHub {
  private readonly watched = new Map<string, Watched>();

  /** `subscriber` is a connection of its own: in subscriber mode it serves nothing else. */
  constructor(
    private readonly store: RunStore,
    private readonly subscriber: Redis,
  ) {
    subscriber.on('message', (channel: string, message: string) => this.onMessage(channel, message));
    // ioredis subscribes again by itself after a reconnect; what was published meanwhile is read back.
    subscriber.on('ready', () => this.recheckAll());
  }

  /**
   * Follow run `id` from event `from` (0 = the first): the backlog is delivered at once,
   * later events as they are published. Resolves, once subscribed and the backlog is
   * delivered, to a function that stops following.
   */
  async follow(id: string, from: number, deliver: EventsListener): Promise<() => void> {
    let w = this.watched.get(id);
    if (!w) {
      w = { id, viewers: new Set(), next: -1, chain: Promise.resolve() };
      this.watched.set(id, w);
      // Subscribed before the backlog is read: nothing appended in between is missed.
      const subscribed = this.subscriber.subscribe(this.store.key(id, 'events'));
      w.chain = subscribed.then(() => undefined);
      try {
        await subscribed;
      } catch (e) {
        this.watched.delete(id);
        throw e;
      }
    }
    const viewer: Viewer = { next: Math.max(0, from), deliver };
    const watched = w;
    await this.serially(watched, async () => {
      const backlog = await this.store.events(id, viewer.next);
      watched.viewers.add(viewer);
      this.hand(viewer, backlog);
      watched.next = Math.max(watched.next, viewer.next);
    });
    return () => this.leave(watched, viewer);
  }

  /** Runs watched by at least one viewer (for tests and metrics). */
  watching(): number {
    return this.watched.size;
  }

  /** Nothing to let go: kept for its callers, which stop the hub with the service. */
  close(): void {}

  private leave(w: Watched, viewer: Viewer): void {
    w.viewers.delete(viewer);
    if (w.viewers.size > 0 || this.watched.get(w.id) !== w) return;
    this.watched.delete(w.id);
    void this.subscriber.unsubscribe(this.store.key(w.id, 'events')).catch(() => undefined);
  }

  private onMessage(channel: string, message: string): void {
    const id = this.runOf(channel);
    const w = id === undefined ? undefined : this.watched.get(id);
    if (!w) return;
    let events: StepEvent[];
    try {
      events = JSON.parse(message) as StepEvent[];
    } catch {
      return;
    }
    if (events.length === 0) return;
    void this.serially(w, async () => {
      // A gap (a message lost while the connection was down) is read back from the list.
      const gap = w.next >= 0 && events[0].seq > w.next ? await this.store.events(w.id, w.next) : [];
      this.broadcast(w, gap.length > 0 ? gap : events);
    });
  }

  private recheckAll(): void {
    for (const w of this.watched.values()) {
      void this.serially(w, async () => {
        if (w.next < 0) return;
        const length = await this.store.redis.llen(this.store.key(w.id, 'events'));
        if (length > w.next) this.broadcast(w, await this.store.events(w.id, w.next));
      });
    }
  }

  private broadcast(w: Watched, events: StepEvent[]): void {
    for (const v of w.viewers) this.hand(v, events);
    if (events.length > 0) w.next = Math.max(w.next, events[events.length - 1].seq + 1);
  }

  /** Give a viewer the events it has not had, in order; stop at a gap (read back later). */
  private hand(v: Viewer, events: StepEvent[]): void {
    const fresh: StepEvent[] = [];
    for (const e of events) {
      if (e.seq < v.next) continue;
      if (e.seq > v.next) break;
      fresh.push(e);
      v.next = e.seq + 1;
    }
    if (fresh.length === 0) return;
    try {
      v.deliver(fresh);
    } catch {
      // a viewer that cannot take events (its connection is closing) leaves on its own
    }
  }

  private serially(w: Watched, fn: () => Promise<void>): Promise<void> {
    const next = w.chain.then(fn);
    w.chain = next.catch(() => undefined);
    return next;
  }

  private runOf(channel: string): string | undefined {
    const head = this.store.key(''); // <prefix>run:, the channel being <prefix>run:<id>:events
    if (!channel.startsWith(head) || !channel.endsWith(':events')) return undefined;
    return channel.slice(head.length, -':events'.length);
  }
}
