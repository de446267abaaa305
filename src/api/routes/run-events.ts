/**
 * One viewer's server-sent events: a run's step events pushed as they are recorded (ids
 * are seq + 1, so `Last-Event-ID` resumes), a comment line every `heartbeatMs` to keep
 * proxies and the viewer's connection alive, and `end` after the run's final state (at
 * once when the viewer has every event of an ended run already).
 */
import type { SSEStreamingApi } from 'hono/streaming';
import type { StepEvent } from '../../run/run-view.ts';
import type { RunsPort } from '../../coordinator/runs-port.ts';
import { sseSession } from './sse-session.ts';

const FINAL = new Set(['succeeded', 'failed', 'cancelled']);

export async function followEvents(stream: SSEStreamingApi, port: RunsPort, id: string, from: number, heartbeatMs = 15_000): Promise<void> {
  // Writes go one after another, in the order the events came.
  const session = sseSession(stream);
  const write = session.write;
  let ended = false;
  const deliver = (events: StepEvent[]) => {
    // A retried run ended before and runs again: only its last run event in a batch can end the stream.
    let lastRun = -1;
    events.forEach((e, i) => void (e.run && (lastRun = i)));
    for (const [i, e] of events.entries()) {
      if (ended) return;
      write(() => stream.writeSSE({ id: String(e.seq + 1), event: e.run ? 'run' : 'step', data: JSON.stringify(e) }));
      if (e.run && FINAL.has(e.status) && i === lastRun) {
        ended = true;
        write(async () => {
          await stream.writeSSE({ event: 'end', data: JSON.stringify({ runId: id }) });
          session.end();
        });
      }
    }
  };
  let position = Math.max(0, from);
  const stop = await port.follow(id, from, (events) => {
    if (events.length > 0) position = events[events.length - 1].seq + 1;
    deliver(events);
  });
  // A client that has every event of an ended run already (Last-Event-ID at or past the
  // last one) gets no final event to end on: the run's state says whether anything is
  // still to come. Status and count are read at one instant, so an ended status means the
  // final event is among the counted ones: delivered already, or on its way and ending the stream then.
  const state = await port.eventsState(id).catch(() => undefined);
  if (!ended && state && FINAL.has(state.status) && state.events <= position) {
    ended = true;
    write(async () => {
      await stream.writeSSE({ event: 'end', data: JSON.stringify({ runId: id }) });
      session.end();
    });
  }
  await session.hold(stop, heartbeatMs);
}
