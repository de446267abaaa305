/**
 * A run's server-sent events, read with fetch (so the bearer token goes in a header, which
 * EventSource cannot send) and parsed by eventsource-parser. A dropped connection comes
 * back after a second with `Last-Event-ID`, so no event is missed or repeated. Events are
 * handed over in batches, one per animation frame.
 */
import { createParser } from 'eventsource-parser';
import type { StepEvent } from '../../src/run/run-view.ts';
import { authHeaders } from './api.ts';

export interface Follow {
  stop(): void;
}

/** Follow run `id` from event `from` (0: from its first event). */
export function followRun(id: string, from: number, onEvents: (events: StepEvent[]) => void, onEnd: () => void): Follow {
  let lastId: string | undefined = from > 0 ? String(from) : undefined;
  let stopped = false;
  let controller: AbortController | undefined;
  let queued: StepEvent[] = [];
  let frame = 0;
  const flush = () => {
    frame = 0;
    const batch = queued;
    queued = [];
    if (batch.length > 0 && !stopped) onEvents(batch);
  };
  const connect = async (): Promise<void> => {
    while (!stopped) {
      controller = new AbortController();
      let ended = false;
      try {
        const res = await fetch(`/v1/runs/${encodeURIComponent(id)}/events`, {
          headers: { accept: 'text/event-stream', ...authHeaders(), ...(lastId ? { 'last-event-id': lastId } : {}) },
          signal: controller.signal,
        });
        if (!res.ok || !res.body) throw new Error(`events: ${res.status}`);
        const parser = createParser({
          onEvent(m) {
            if (m.id) lastId = m.id;
            if (m.event === 'end') {
              ended = true;
              return;
            }
            queued.push(JSON.parse(m.data) as StepEvent);
            frame ||= requestAnimationFrame(flush);
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
        flush();
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
      if (frame) cancelAnimationFrame(frame);
    },
  };
}
