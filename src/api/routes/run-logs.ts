/**
 * `GET /v1/runs/:id/logs` (`?step=` for one step): a run's step logs as server-sent events,
 * pushed as steps write (no polling, run-logs-hub.ts): `log` events `{ step, text, offset }`
 * (what is kept first, step after step in plan order, then each chunk; `offset` counts every byte the step's log ever
 * had, so a client that reconnects skips what it has), a comment line every `heartbeatMs`,
 * and `end` once the run has ended and every log is out.
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { StrataError, toStrataError } from '../../errors/strata-error.ts';
import type { RunsPort } from '../../coordinator/runs-port.ts';
import type { LogChunk } from '../../store/run-store.ts';
import { checkId } from '../ids.ts';
import { sseSession, unbuffered } from './sse-session.ts';

export async function logsStream(c: Context, port: RunsPort, heartbeatMs = 15_000): Promise<Response> {
  const id = c.req.param('id')!;
  const q = c.req.query('step');
  const step = q === undefined ? undefined : checkId('step', q);
  if (step === undefined ? !(await port.eventsState(id)) : (await port.logs(id, step)) === undefined) {
    // Say what is missing: the run (deleted while a page followed it), or only the step.
    throw new StrataError('not_found', step === undefined || !(await port.eventsState(id)) ? `no run "${id}"` : `no step "${step}" in run "${id}"`);
  }
  unbuffered(c);
  return streamSSE(c, async (stream) => {
    const session = sseSession(stream);
    let stop = () => {};
    try {
      stop = await port.followLogs(id, step, (chunk: LogChunk) => session.write(() => stream.writeSSE({ event: 'log', data: JSON.stringify(chunk) })), () =>
        session.write(async () => {
          await stream.writeSSE({ event: 'end', data: JSON.stringify({ runId: id }) });
          session.end();
        }),
      );
    } catch (e) {
      // Redis went away before the stream could follow: say so and end; the client comes back.
      await stream.writeSSE({ event: 'error', data: JSON.stringify(toStrataError(e).toJSON()) }).catch(() => undefined);
      return;
    }
    await session.hold(stop, heartbeatMs);
  });
}
