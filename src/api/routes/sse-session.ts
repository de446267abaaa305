/**
 * One server-sent-event stream's writing discipline, shared by the run's events and its
 * logs: writes go one after another in the order they were asked for (a failed write ends
 * the stream), the client going away ends it, and `hold` keeps it open with a comment line
 * every `heartbeatMs` (for proxies and the client's connection) until it ends, then stops
 * what fed it.
 */
import type { SSEStreamingApi } from 'hono/streaming';
import type { Context } from 'hono';

export interface SseSession {
  /** Queue a write after every earlier one. */
  write(fn: () => Promise<void>): void;
  /** End the stream once the queued writes are out. */
  end(): void;
  /** Wait for the end, sending a comment line every `heartbeatMs` ms; then call `stop`. */
  hold(stop: () => void, heartbeatMs: number): Promise<void>;
}

export function sseSession(stream: SSEStreamingApi): SseSession {
  let end!: () => void;
  const ended = new Promise<void>((resolve) => (end = resolve));
  let writing = Promise.resolve();
  const write = (fn: () => Promise<void>) => {
    writing = writing.then(fn).catch(() => end());
  };
  stream.onAbort(() => end());
  return {
    write,
    end: () => end(),
    async hold(stop, heartbeatMs) {
      const beat = setInterval(() => write(() => stream.write(': keep-alive\n\n').then(() => undefined)), heartbeatMs);
      try {
        await ended;
        await writing;
      } finally {
        clearInterval(beat);
        stop();
      }
    },
  };
}

/**
 * Ask proxies not to buffer the event stream `c` answers with (`X-Accel-Buffering: no`,
 * which nginx honours): a buffering proxy holds events and the heartbeat comment lines
 * alike, and the CLI gives a stream silent for 45 s up (deploy/README.md, TLS). Before streamSSE.
 */
export function unbuffered(c: Context): void {
  c.header('X-Accel-Buffering', 'no');
}
