/** /v1/runs: start, list, inspect, cancel, retry, resubmit, delete runs; step events over SSE; step logs and artifacts. */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { RunStatus } from '../../engine/types.ts';
import { StrataError, toStrataError } from '../../errors/strata-error.ts';
import { parseSelector } from '../../run/label-selector.ts';
import { taskInput, type ApiDeps, type RouteDeps } from '../deps.ts';
import { idempotencyKey, requestFingerprint, reserveRun } from '../idempotency.ts';
import { pathIds, STEP_ID_PATTERN } from '../ids.ts';
import { PAGE_STEPS_MAX, VIEW_STEPS } from '../../store/run-queries.ts';
import { listParam } from '../query-params.ts';
import { flag } from '../body.ts';
import type { RunsPort } from '../../coordinator/runs-port.ts';
import { followEvents } from './run-events.ts';
import { logsStream } from './run-logs.ts';
import { unbuffered } from './sse-session.ts';

const STATUSES: RunStatus[] = ['pending', 'running', 'succeeded', 'failed', 'cancelled'];
const STEP_STATUSES: string[] = ['pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled', 'superseded'];


/** The runs side, or a 503 saying this service runs none. */
export function runsOf(deps: ApiDeps): RunsPort {
  if (!deps.runs) throw new StrataError('unavailable', 'this service runs no coordinator; start it with `strata up`');
  return deps.runs;
}

export function runsRoutes(deps: RouteDeps): Hono {
  const app = new Hono();
  const runs = (): RunsPort => runsOf(deps);
  // Every run id in a path is checked before anything reads Redis (ids.ts).
  app.use('/:id/*', pathIds({ id: 'run' }));
  app.use('/:id', pathIds({ id: 'run' }));

  app.post('/', async (c) => {
    const port = runs();
    const key = idempotencyKey(c);
    const { run, meta, digest, units } = await deps.cpu.run('run', await taskInput(c));
    for (const u of units) await deps.defs.registerFlowJson(u.name, u.version, u.json);
    const { runId, replayed } = await reserveRun(deps.redis, deps.prefix, key, requestFingerprint(c, digest));
    await port.start(run, { flow: run.ref }, runId, meta);
    if (replayed) c.header('Idempotent-Replayed', 'true');
    return c.json({ runId, id: runId, status: 'pending' }, 202);
  });

  app.get('/', async (c) => {
    const q = c.req.query();
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new StrataError('invalid_request', `limit must be a whole number from 1 to 1000, not "${q.limit}"`);
    // Repeated or comma-separated: runs of any of them (query-params.ts).
    const status = listParam(c.req.queries('status'));
    for (const s of status ?? []) if (!STATUSES.includes(s as RunStatus)) throw new StrataError('invalid_request', `status must be one of ${STATUSES.join(', ')}, not "${s}"`);
    const page = await runs().list({
      limit,
      ...(status?.length ? { status: status as RunStatus[] } : {}),
      ...(q.flow ? { flow: q.flow } : {}),
      ...(q.dataset ? { dataset: q.dataset } : {}),
      ...(q.selector ? { selector: parseSelector(q.selector) } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
    return c.json(page);
  });

  /**
   * The run with every step, written a piece at a time (each made in a turn of its own): a
   * run of 100,000 steps is neither one string of 30 MB nor one go of the thread, during
   * which every Redis command of the process timed out (R12: 503 for everyone).
   */
  const wholeView = async (c: Context, id: string) => {
    const pieces = await runs().fullView(id);
    if (!pieces) throw new StrataError('not_found', `no run "${id}"`);
    const it = pieces[Symbol.asyncIterator]();
    const text = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(out) {
        const n = await it.next();
        if (n.done) out.close();
        else out.enqueue(text.encode(n.value));
      },
    });
    return c.body(body, 200, { 'content-type': 'application/json' });
  };

  app.get('/:id', async (c) => {
    const id = c.req.param('id');
    if (!flag(c, 'summary')) return wholeView(c, id);
    // The first VIEW_STEPS steps and, past them, counts by status (`strata runs get`).
    const run = await runs().get(id, { cut: true });
    if (!run) throw new StrataError('not_found', `no run "${id}"`);
    return c.json(run);
  });

  app.get('/:id/steps', async (c) => {
    const id = c.req.param('id');
    const q = c.req.query();
    const limit = q.limit === undefined ? VIEW_STEPS : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_STEPS_MAX) throw new StrataError('invalid_request', `limit must be a whole number from 1 to ${PAGE_STEPS_MAX}, not "${q.limit}"`, { problems: [{ path: 'query.limit', message: 'not a whole number in range' }] });
    const status = listParam(c.req.queries('status'));
    for (const s of status ?? []) if (!STEP_STATUSES.includes(s)) throw new StrataError('invalid_request', `status must be one of ${STEP_STATUSES.join(', ')}, not "${s.slice(0, 64)}"`, { problems: [{ path: 'query.status', message: 'not a step status' }] });
    const after = q.after;
    if (after !== undefined && !(after.length <= 8192 && STEP_ID_PATTERN.test(after))) throw new StrataError('invalid_request', `after must be a step id (the \`next\` of the page before), not "${after.slice(0, 64)}"`, { problems: [{ path: 'query.after', message: 'not a step id' }] });
    const page = await runs().steps(id, { limit, ...(after !== undefined ? { after } : {}), ...(status?.length ? { status } : {}) });
    if (!page) throw new StrataError('not_found', `no run "${id}"`);
    return c.json(page);
  });

  app.get('/:id/progress', async (c) => {
    const progress = await runs().progress(c.req.param('id'));
    if (!progress) throw new StrataError('not_found', `no run "${c.req.param('id')}"`);
    return c.json(progress);
  });

  app.get('/:id/plan', async (c) => {
    const plan = await runs().plan(c.req.param('id'));
    if (!plan) throw new StrataError('not_found', `no run "${c.req.param('id')}"`);
    return c.json(plan);
  });

  app.delete('/:id', async (c) => {
    await runs().delete(c.req.param('id'));
    return c.json({ deleted: c.req.param('id') });
  });

  app.post('/:id/cancel', async (c) => {
    await runs().cancel(c.req.param('id'));
    return wholeView(c, c.req.param('id'));
  });
  app.post('/:id/retry', async (c) => {
    await runs().retry(c.req.param('id'));
    return wholeView(c, c.req.param('id'));
  });
  app.post('/:id/resubmit', async (c) => {
    // The request is its path: the fingerprint covers it, the (absent) body adds nothing.
    const { runId, replayed } = await reserveRun(deps.redis, deps.prefix, idempotencyKey(c), requestFingerprint(c, ''));
    const id = await runs().resubmit(c.req.param('id'), runId);
    if (replayed) c.header('Idempotent-Replayed', 'true');
    return c.json({ runId: id, id, status: 'pending', resubmittedFrom: c.req.param('id') }, 202);
  });

  app.get('/:id/events', async (c) => {
    const id = c.req.param('id');
    const port = runs();
    if (!(await port.get(id))) throw new StrataError('not_found', `no run "${id}"`);
    const from = resumeFrom(c.req.header('last-event-id'), c.req.query('from'));
    unbuffered(c);
    return streamSSE(c, async (stream) => {
      try {
        await followEvents(stream, port, id, from);
      } catch (e) {
        // Redis went away before the stream could follow the run: say so and end; the
        // client reconnects with Last-Event-ID. (Once following, an outage is waited out.)
        await stream.writeSSE({ event: 'error', data: JSON.stringify(toStrataError(e).toJSON()) }).catch(() => undefined);
      }
    });
  });

  app.get('/:id/logs', (c) => logsStream(c, runs()));

  app.get('/:id/steps/:step{.+}/logs', pathIds({ step: 'step' }), async (c) => {
    const logs = await runs().logs(c.req.param('id'), c.req.param('step'));
    if (logs === undefined) throw new StrataError('not_found', (await runs().get(c.req.param('id'))) ? `no logs for step "${c.req.param('step')}" of run "${c.req.param('id')}"` : `no run "${c.req.param('id')}"`);
    return c.text(logs);
  });

  app.get('/:id/steps/:step{.+}/artifacts', pathIds({ step: 'step' }), async (c) => {
    const { id, step } = c.req.param();
    const files = await runs().artifacts(id, step);
    if (!files) throw new StrataError('not_found', (await runs().get(id)) ? `no step "${step}" in run "${id}"` : `no run "${id}"`);
    return c.json({ run: id, step, artifacts: files });
  });

  app.get('/:id/steps/:step{.+}/artifacts/:name', pathIds({ step: 'step', name: 'file' }), async (c) => {
    const { id, step, name } = c.req.param();
    const file = await runs().artifact(id, step, name);
    if (!file) {
      // Say what is missing: the run, the step, or only the file.
      if (!(await runs().get(id))) throw new StrataError('not_found', `no run "${id}"`);
      if (!(await runs().artifacts(id, step))) throw new StrataError('not_found', `no step "${step}" in run "${id}"`);
      throw new StrataError('not_found', `step "${step}" of run "${id}" has no output file named "${name}" (GET .../artifacts lists them)`);
    }
    const body = Readable.toWeb(createReadStream(file.path)) as ReadableStream;
    // RFC 6266 / 8187: the name percent-encoded, so spaces, quotes and any UTF-8 survive the header.
    return c.body(body, 200, { 'content-type': 'application/octet-stream', 'content-length': String(file.size), 'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}` });
  });

  return app;
}

/**
 * Where an event stream resumes: the Last-Event-ID header (an id this stream gave, seq + 1),
 * else `?from=`, else 0; empty is 0. Anything but digits up to 2^53 - 1 (a fraction, 1e400,
 * a negative, words) is refused 400 naming it, before the stream starts: passed on, a
 * fraction or a number past Redis's integers failed the stream with Redis's words.
 */
export function resumeFrom(header: string | undefined, query: string | undefined): number {
  const [name, path, raw] = header !== undefined ? ['Last-Event-ID', 'header.last-event-id', header.trim()] : ['from', 'query.from', query ?? ''];
  if (raw === '') return 0;
  const n = /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n)) {
    throw new StrataError('invalid_request', `${name} must be a whole number of events from 0 to ${Number.MAX_SAFE_INTEGER} (an event's id), not "${raw}"`, { problems: [{ path, message: 'not a whole number in range' }] });
  }
  return n;
}
