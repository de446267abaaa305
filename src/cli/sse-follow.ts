/**
 * Follow a server-sent events route until it sends `end`: parsed by eventsource-parser; a
 * connection that drops (the server restarted, a proxy timed out) is taken up again, with
 * `Last-Event-ID` when the events carry ids, for as long as `reconnectMs` allows.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { StrataError } from '../errors/strata-error.ts';
import type { Client } from './api-client.ts';

export interface FollowOptions {
  /** how long to keep reconnecting after the connection is lost (5 minutes) */
  reconnectMs?: number;
  /** where to say that the connection was lost (stderr) */
  note?: (s: string) => void;
}

/** Hand every event but `end` to `onEvent` until `end` comes; throws when the route refuses or the connection stays lost. */
export async function followSse(client: Client, path: string, onEvent: (m: EventSourceMessage) => void, o: FollowOptions = {}): Promise<void> {
  const reconnectMs = o.reconnectMs ?? 5 * 60_000;
  let lastId: string | undefined;
  let ended = false;
  let lostAt: number | undefined;
  let pause = 250;
  const parser = createParser({
    onEvent(m) {
      if (m.id) lastId = m.id;
      if (m.event === 'end') ended = true;
      else if (!ended) onEvent(m);
    },
  });
  while (!ended) {
    // A half-received event of a lost connection is dropped: it comes again.
    parser.reset();
    try {
      const body = await client.stream(path, lastId ? { 'last-event-id': lastId } : {});
      if (lostAt !== undefined) o.note?.(`strata: connection back${lastId ? `, resuming after event ${lastId}` : ''}`);
      lostAt = undefined;
      pause = 250;
      const decoder = new TextDecoder();
      for await (const chunk of body) parser.feed(decoder.decode(chunk, { stream: true }));
    } catch (e) {
      // A run that is not there, or a refused token, will not get better by waiting.
      const code = (e as StrataError).code;
      if (code === 'not_found' || code === 'unauthorized') throw e;
    }
    if (ended) break;
    const now = Date.now();
    if (lostAt === undefined) {
      lostAt = now;
      o.note?.(`strata: lost the connection to ${client.base}; reconnecting`);
    } else if (now - lostAt > reconnectMs) {
      throw new StrataError('unavailable', `lost the connection to ${client.base} and could not get it back within ${Math.round(reconnectMs / 1000)} s`);
    }
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(pause * 2, 5000);
  }
}
