/**
 * A run's server-sent events (sse.ts): no event is missed or repeated across a dropped
 * connection (`Last-Event-ID`). Events are handed over in batches, one per animation frame.
 */
import type { StepEvent } from '../../src/run/run-view.ts';
import type { ApiError } from './api.ts';
import { followSse, type Follow } from './sse.ts';

export type { Follow } from './sse.ts';

/** Follow run `id` from event `from` (0: from its first event); `onRefused` when the API refuses for good (the run is gone). */
export function followRun(id: string, from: number, onEvents: (events: StepEvent[]) => void, onEnd: () => void, onRefused?: (e: ApiError) => void): Follow {
  let queued: StepEvent[] = [];
  let frame = 0;
  let stopped = false;
  const flush = () => {
    frame = 0;
    const batch = queued;
    queued = [];
    if (batch.length > 0 && !stopped) onEvents(batch);
  };
  const sse = followSse(`/v1/runs/${encodeURIComponent(id)}/events`, (m) => {
    queued.push(JSON.parse(m.data) as StepEvent);
    frame ||= requestAnimationFrame(flush);
  }, () => {
    flush();
    onEnd();
  }, from > 0 ? String(from) : undefined, onRefused);
  return {
    stop() {
      stopped = true;
      sse.stop();
      if (frame) cancelAnimationFrame(frame);
    },
  };
}

/**
 * Follow one step's log (`GET /v1/runs/:id/logs?step=`): `onText` gets the log as kept, then
 * each chunk as the step writes it, each byte once (offsets skip what a reconnect sends
 * again); `onEnd` once the run has ended; `onRefused` when the API refuses for good (the run is gone).
 */
export function followLog(runId: string, step: string, onText: (text: string) => void, onEnd: () => void, onRefused?: (e: ApiError) => void): Follow {
  let have = 0;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return followSse(`/v1/runs/${encodeURIComponent(runId)}/logs?step=${encodeURIComponent(step)}`, (m) => {
    if (m.event !== 'log') return;
    const c = JSON.parse(m.data) as { text: string; offset: number };
    if (c.offset <= have) return;
    const bytes = encoder.encode(c.text);
    onText(c.offset - have >= bytes.length ? c.text : decoder.decode(bytes.subarray(bytes.length - (c.offset - have))));
    have = c.offset;
  }, onEnd, undefined, onRefused);
}
