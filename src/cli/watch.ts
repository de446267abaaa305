/**
 * Follow a run's server-sent events and print progress as it happens. A connection that
 * drops (the server restarted, a proxy timed out) is taken up again with `Last-Event-ID`,
 * so no event is printed twice or missed, for as long as `reconnectMs` allows.
 */
import { createParser } from 'eventsource-parser';
import { StrataError } from '../errors/strata-error.ts';
import type { RunView, StepEvent } from '../run/run-view.ts';
import type { Client } from './api-client.ts';
import { MARK } from './run-tree.ts';

export interface WatchOptions {
  /** how long to keep reconnecting after the connection is lost (5 minutes) */
  reconnectMs?: number;
  /** where to say that the connection was lost (stderr) */
  note?: (s: string) => void;
}

/** Print events until the run ends; returns the final run. */
export async function watchRun(client: Client, runId: string, out: (s: string) => void, o: WatchOptions = {}): Promise<RunView> {
  const reconnectMs = o.reconnectMs ?? 5 * 60_000;
  let lastId: string | undefined;
  let done = 0;
  let ended = false;
  let lostAt: number | undefined;
  let pause = 250;
  const parser = createParser({
    onEvent(m) {
      if (m.id) lastId = m.id;
      if (m.event === 'end') return void (ended = true);
      const e = JSON.parse(m.data) as StepEvent;
      const time = e.at.slice(11, 19);
      if (e.run) return out(`${time} run ${runId} ${e.status}`);
      if (e.status === 'succeeded' || e.status === 'failed') done++;
      out(`${time} ${MARK[e.status] ?? ' '} ${e.step} ${e.status}${e.attempt && e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}${e.error ? `: ${e.error}` : ''}  [${done} done]`);
    },
  });
  while (!ended) {
    // A half-received event of a lost connection is dropped: it comes again after Last-Event-ID.
    parser.reset();
    try {
      const body = await client.stream(`/v1/runs/${encodeURIComponent(runId)}/events`, lastId ? { 'last-event-id': lastId } : {});
      if (lostAt !== undefined) o.note?.(`strata: connection back, resuming after event ${lastId ?? 0}`);
      lostAt = undefined;
      pause = 250;
      const decoder = new TextDecoder();
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
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
  return client.call('GET', `/v1/runs/${encodeURIComponent(runId)}`);
}

/** A short summary of a run: status counts and failed steps. */
export function summarize(run: RunView): string {
  const counts = new Map<string, number>();
  for (const s of Object.values(run.steps)) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  const lines = [`run ${run.id} ${run.status}: ${[...counts].map(([k, v]) => `${v} ${k}`).join(', ')}`];
  for (const [id, s] of Object.entries(run.steps)) if (s.status === 'failed') lines.push(`  ✗ ${id}: ${s.error ?? 'failed'}`);
  if (run.error) lines.push(`  error: ${run.error}`);
  return lines.join('\n');
}
