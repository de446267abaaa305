/**
 * Pushes the chunks of a run's step logs to everyone following them, from one Redis
 * subscription per run per process: log-append-2.lua publishes each chunk, with its
 * offset, on the channel `<prefix>run:<id>:logs`. A follower reads the backlog after it is
 * subscribed (RunStore.logBacklog) and takes from each chunk only the bytes past what it
 * has (offsets count every byte ever written to a step's log), so nothing is missed or
 * given twice. Nothing is read from Redis while no step writes.
 */
import type { Redis } from 'ioredis';
import type { LogChunk, RunStore } from './run-store.ts';

export type LogListener = (chunk: LogChunk) => void;

export class RunLogsHub {
  private readonly listeners = new Map<string, Set<LogListener>>();

  /** `subscriber` is a connection of its own: in subscriber mode it serves nothing else. */
  constructor(
    private readonly store: RunStore,
    private readonly subscriber: Redis,
  ) {
    subscriber.on('message', (channel: string, message: string) => this.onMessage(channel, message));
  }

  /** Hear every chunk written to run `id`'s logs from now on; resolves once subscribed, to a function that stops. */
  async listen(id: string, listener: LogListener): Promise<() => void> {
    const channel = this.store.key(id, 'logs');
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(listener);
    try {
      await this.subscriber.subscribe(channel);
    } catch (e) {
      this.drop(channel, listener);
      throw e;
    }
    return () => this.drop(channel, listener);
  }

  private drop(channel: string, listener: LogListener): void {
    const set = this.listeners.get(channel);
    if (!set?.delete(listener) || set.size > 0) return;
    this.listeners.delete(channel);
    void this.subscriber.unsubscribe(channel).catch(() => undefined);
  }

  private onMessage(channel: string, message: string): void {
    const set = this.listeners.get(channel);
    if (!set) return;
    let chunk: LogChunk;
    try {
      chunk = JSON.parse(message) as LogChunk;
    } catch {
      return;
    }
    for (const l of set) l(chunk);
  }
}

/**
 * Hands a follower each step's log once, in order, from chunks that may overlap (a backlog
 * read after subscribing, then the chunks published meanwhile): only bytes past the
 * offset already given go out.
 */
export function logDeduper(deliver: (chunk: LogChunk) => void): (chunk: LogChunk) => void {
  const given = new Map<string, number>();
  return (c) => {
    const have = given.get(c.step) ?? 0;
    if (c.offset <= have) return;
    const bytes = Buffer.from(c.text);
    const fresh = c.offset - have >= bytes.length ? c.text : bytes.subarray(bytes.length - (c.offset - have)).toString();
    given.set(c.step, c.offset);
    deliver({ step: c.step, text: fresh, offset: c.offset });
  };
}
