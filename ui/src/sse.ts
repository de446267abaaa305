/**
 * Server-sent events read with fetch (so the bearer token goes in a header, which
 * EventSource cannot send) and parsed by eventsource-parser, until the stream sends `end`.
 * A dropped connection comes back after a second (with `Last-Event-ID` when the events
 * carry ids); an answer that asking again will not change (a 404: the run was deleted
 * while its page was open) ends the following and goes to `onRefused`, where it was asked
 * again every second for as long as the page stayed open. A 401 asks for a token (api.ts)
 * and is asked again, with the token given meanwhile.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { apiError, askForToken, authHeaders, isFinalRefusal, type ApiError } from './api.ts';

export interface Follow {
  stop(): void;
}

/** Follow `path`: every event but `end` goes to `onMessage`; `onEnd` once `end` came; `onRefused` once an answer refused it for good (isFinalRefusal). `lastId`: resume after this event id. */
export function followSse(path: string, onMessage: (m: EventSourceMessage) => void, onEnd: () => void, lastId?: string, onRefused?: (e: ApiError) => void): Follow {
  let stopped = false;
  let controller: AbortController | undefined;
  const connect = async (): Promise<void> => {
    while (!stopped) {
      controller = new AbortController();
      let ended = false;
      try {
        const res = await fetch(path, { headers: { accept: 'text/event-stream', ...authHeaders(), ...(lastId ? { 'last-event-id': lastId } : {}) }, signal: controller.signal });
        if (isFinalRefusal(res.status)) {
          const json = await res.json().catch(() => undefined);
          if (!stopped) onRefused?.(apiError(res, json));
          return;
        }
        // A token refused (a server started again with other STRATA_API_TOKENS): the page asks
        // for one, as for any call, where the stream was asked again every second, unseen.
        if (res.status === 401) askForToken(await res.json().catch(() => undefined));
        if (!res.ok || !res.body) throw new Error(`${path}: ${res.status}`);
        const parser = createParser({
          onEvent(m) {
            if (m.id) lastId = m.id;
            if (m.event === 'end') ended = true;
            else if (!ended) onMessage(m);
          },
        });
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
      } catch {
        // dropped or refused: try again below
      }
      if (ended) {
        if (!stopped) onEnd();
        return;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  void connect();
  return {
    stop() {
      stopped = true;
      controller?.abort();
    },
  };
}
