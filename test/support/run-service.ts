/** A whole strata (API, coordinator, worker) on the test Redis, for run tests through real HTTP. */
import { rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createParser } from 'eventsource-parser';
import { loadConfig } from '../../src/app/config.ts';
import { startRunParts, type RunParts, type RunPartsOptions } from '../../src/app/run-parts.ts';
import type { RunView } from '../../src/run/run-view.ts';
import { startTestService, testHome, type TestService } from './test-service.ts';

export interface RunTestService extends TestService {
  home: string;
  /** the run side started in this process (coordinator, scheduler, worker) */
  parts: RunParts;
  waitRun(id: string, timeoutMs?: number): Promise<RunView>;
  /** POST `body` to /v1/runs (`query` appended), which must answer 202, and wait for the run's end (90 s by default). */
  runToEnd(body: unknown, o?: { query?: string; timeoutMs?: number }): Promise<RunView>;
}

/** A whole strata for run tests; its home is kept or removed at close as startTestService says. */
export async function startRunService(env: Record<string, string> = {}, o: Partial<RunPartsOptions> = {}, given?: string): Promise<RunTestService> {
  const prefix = given ?? `t-${randomUUID().slice(0, 8)}`;
  const home = env.STRATA_HOME ?? testHome(prefix);
  let parts: RunParts | undefined;
  const svc = await startTestService(
    { STRATA_WORKER_CONCURRENCY: '4', ...env },
    {
      runs: async (redis, defs, builtinRules, cpu) => {
        const config = loadConfig({ PORT: '0', REDIS_URL: redis.url, STRATA_PREFIX: prefix, STRATA_HOME: home, STRATA_WORKER_CONCURRENCY: '4', ...env });
        const started = await startRunParts(config, redis, defs, { coordinator: true, worker: true, graceMs: 500, builtinRules, cpu, ...o });
        parts = started;
        return { port: started.port!, queueMetrics: started.queueMetrics, close: () => started.close() };
      },
    },
    prefix,
  );
  /**
   * The run read once it has ended. Between reads it waits on the run's event stream, which
   * ends after the run's final event (GET /v1/runs/:id/events), resuming after the last event
   * seen (a retried run's earlier end); where the stream cannot be followed or brought
   * nothing new, 50 ms. A read
   * every 50 ms cost some 60 ms of CPU a second of waiting (the request and its answer, both
   * in this process).
   */
  const waitRun = async (id: string, timeoutMs = 20_000): Promise<RunView> => {
    const deadline = Date.now() + timeoutMs;
    let lastEventId: string | undefined;
    for (;;) {
      const r = await svc.call('GET', `/v1/runs/${id}`);
      // A run that is not there (a POST refused, an id mistyped) is said at once, not after the timeout.
      if (r.status !== 200) throw new Error(`run ${id}: GET /v1/runs/${id} answered ${r.status}: ${r.text.slice(0, 2000)}`);
      if (['succeeded', 'failed', 'cancelled'].includes(r.body?.status)) return r.body as RunView;
      if (Date.now() > deadline) throw new Error(`run ${id} still ${r.body?.status} after ${timeoutMs} ms: ${String(JSON.stringify(r.body?.steps)).slice(0, 2000)}`);
      const followed = await followToEnd(svc.url, id, lastEventId, deadline - Date.now());
      // No stream, or one that ended with nothing new: a pause, as a poll's.
      if (followed === undefined || followed === lastEventId) await new Promise((res) => setTimeout(res, 50));
      lastEventId = followed ?? lastEventId;
    }
  };
  return {
    ...svc,
    home,
    async close(force?: boolean) {
      await svc.close(force);
      if (given === undefined && env.STRATA_HOME === undefined) rmSync(home, { recursive: true, force: true });
    },
    parts: parts!,
    waitRun,
    async runToEnd(body, o = {}) {
      const r = await svc.call('POST', `/v1/runs${o.query ?? ''}`, body);
      if (r.status !== 202) throw new Error(`POST /v1/runs${o.query ?? ''} answered ${r.status}, not 202: ${JSON.stringify(r.body)}`);
      return waitRun(r.body.runId, o.timeoutMs ?? 90_000);
    },
  };
}

/**
 * Follows run `id`'s event stream from after `lastEventId` until the stream ends (after the
 * run's final event) or `ms` pass: the id of the last event seen (`lastEventId` when none
 * came), or undefined when the stream could not be opened.
 */
async function followToEnd(url: string, id: string, lastEventId: string | undefined, ms: number): Promise<string | undefined> {
  let last = lastEventId;
  try {
    const res = await fetch(`${url}/v1/runs/${id}/events`, { headers: lastEventId === undefined ? {} : { 'last-event-id': lastEventId }, signal: AbortSignal.timeout(Math.max(1, ms)) });
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      return undefined;
    }
    // Parsed as the CLI's follower parses it (src/cli/sse-follow.ts): eventsource-parser.
    const parser = createParser({ onEvent: (m) => void (m.id ? (last = m.id) : undefined) });
    const decoder = new TextDecoder();
    for await (const chunk of res.body) parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
  } catch {
    // The deadline passed, or the connection dropped: the caller reads the run and decides.
  }
  return last;
}
