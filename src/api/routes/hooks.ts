/**
 * /v1/hooks: incoming webhooks. `POST /v1/hooks` registers a Hook and answers its token,
 * once; `POST /v1/hooks/:name` with that token (`Authorization: Bearer <token>` or
 * `X-Strata-Token`) starts the hook's flow with the body as parameters, or ingests the body
 * as a Dataset. The hook's token is its own: the API's tokens do not open it, and it opens
 * nothing else (src/api/auth.ts lets this one route through to be checked here). A call
 * plans in the API's worker threads, as `POST /v1/runs` and `POST /v1/datasets` do.
 */
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { StrataError, withPathsMoved } from '../../errors/strata-error.ts';
import { checkParamsAt } from '../../flow/params-limits.ts';
import { refuseUndeclaredParams } from '../../flow/undeclared-params.ts';
import type { JsonValue } from '../../flow/types.ts';
import { paramsOf, validateHook } from '../../triggers/trigger-documents.ts';
import { readBody, readRawBody, SMALL_BODY_LIMITS } from '../body.ts';
import { parseBody, type RawBody } from '../cpu/parse-body.ts';
import { paramsAsWritten } from '../params-as-written.ts';
import { validateDataset } from '../../dataset/dataset-document.ts';
import { idempotencyKey, requestFingerprint, reserveRun } from '../idempotency.ts';
import type { RouteDeps } from '../deps.ts';
import { pathIds } from '../ids.ts';
import { ingestAndRun, startUse } from '../run-starter.ts';
import { runsOf } from './runs.ts';

export function hooksRoutes(deps: RouteDeps): Hono {
  const app = new Hono();
  // A name in a path is checked before anything reads Redis (ids.ts).
  app.use('/:name', pathIds({ name: 'name' }));

  app.post('/', async (c) => {
    const h = validateHook(await readBody(c));
    checkParamsAt([[h.spec.with, 'spec.with']], deps.paramsLimits);
    const used = h.spec.use ? await deps.defs.get(h.spec.use) : undefined;
    if (h.spec.use && !used) throw new StrataError('not_found', `spec.use: no registered flow ${h.spec.use}`);
    // A key its flow does not declare would be dropped at every call: refused now (a call's body is checked as its run is planned).
    if (used) refuseUndeclaredParams(h.spec.with, used.spec.params, 'spec.with', h.spec.use!);
    const { outcome, token } = await deps.triggers.putHook(h);
    return c.json({ hook: h, outcome, token, url: `/v1/hooks/${h.metadata.name}` }, outcome === 'created' ? 201 : 200);
  });

  app.get('/', async (c) => c.json({ hooks: await deps.triggers.hooks() }));

  app.get('/:name', async (c) => {
    const h = await deps.triggers.hook(c.req.param('name'));
    if (!h) throw new StrataError('not_found', `no hook named "${c.req.param('name')}"`);
    return c.json(h);
  });

  app.delete('/:name', async (c) => {
    if (!(await deps.triggers.deleteHook(c.req.param('name')))) throw new StrataError('not_found', `no hook named "${c.req.param('name')}"`);
    return c.json({ deleted: c.req.param('name'), outcome: 'deleted' });
  });

  app.post('/:name', async (c) => {
    const name = c.req.param('name');
    const given = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? c.req.header('x-strata-token');
    // The same answer for a wrong token and for a hook that does not exist: names are not probed.
    const hook = given ? await deps.triggers.hookFor(name, given) : undefined;
    if (!hook) throw new StrataError('unauthorized', `POST /v1/hooks/${name} needs that hook's token (Authorization: Bearer <token>)`);
    const key = idempotencyKey(c);
    // No body at all (`curl -X POST`, a bare ping) adds no parameters to a flow's hook: its
    // `with` is the run's. A Dataset hook's body is its Dataset, so it is still asked for.
    const bare = !hook.spec.dataset && (await c.req.arrayBuffer()).byteLength === 0;
    const raw: RawBody = bare ? { type: 'json', bytes: new Uint8Array() } : await readRawBody(c);
    // A flow's hook takes its JSON body as a run's params: a number JSON would change is kept as its text (params-as-written.ts, tester 17).
    const asParams = !hook.spec.dataset && raw.type === 'json';
    const parsed = bare ? {} : parseBody(raw, { ...SMALL_BODY_LIMITS, ...(deps.sizeLimits ? { maxNesting: deps.sizeLimits.maxTextNesting } : {}) }, false, asParams ? [''] : []);
    const body = asParams && !bare ? paramsAsWritten(new TextDecoder().decode(raw.bytes), parsed, false, '') : parsed;
    // What can be refused without Redis is refused before a key reserves anything.
    if (hook.spec.dataset) validateDataset(body, deps.sizeLimits);
    else if (!body || typeof body !== 'object' || Array.isArray(body)) throw new StrataError('invalid_request', 'the body must be an object of parameters for the hook\'s flow');
    else checkParamsAt([[body, 'body']], deps.paramsLimits);
    // A retried call with its Idempotency-Key gets the run the first one started (or 410 once it was deleted).
    const { runId, replayed } = await reserveRun(deps.redis, deps.prefix ?? 'strata', key, requestFingerprint(c, createHash('sha256').update(raw.bytes).digest('hex')));
    if (replayed) c.header('Idempotent-Replayed', 'true');
    const starter = { cpu: deps.cpu, runs: runsOf(deps), defs: deps.defs };
    const meta = { id: runId, origin: { hook: name }, ...(hook.spec.labels ? { labels: hook.spec.labels } : {}), ...(hook.spec.onEnd ? { onEnd: hook.spec.onEnd } : {}) };
    // Planning is CPU work: done in the worker threads, as POST /v1/datasets and /v1/runs do it.
    if (hook.spec.dataset) {
      const { flow } = await ingestAndRun(starter, raw, meta);
      return c.json({ runId, id: runId, status: 'pending', flow }, 202);
    }
    await startUse(starter, hook.spec.use!, paramsOf(hook.spec, body as Record<string, JsonValue>), meta).catch((e: unknown) => {
      throw inBodyWords(e, body as Record<string, unknown>);
    });
    return c.json({ runId, id: runId, status: 'pending', flow: hook.spec.use }, 202);
  });
  return app;
}

/**
 * A refusal of a hook call's run in the call's words: a problem at `with.k` (the run's `with`,
 * the hook's `spec.with` and then the body) for a key `k` of the body is at `body.k`, where
 * the caller wrote it (the hook's own `spec.with` was checked when it was registered).
 */
function inBodyWords(e: unknown, body: Record<string, unknown>): unknown {
  // A path, or a message line that opens with one: `with.k`, then its end, `.`, `[` or `:`.
  const keys = Object.keys(body);
  return withPathsMoved(e, (path) => (keys.some((k) => path.startsWith(`with.${k}`) && /^($|[.[:])/.test(path.slice(`with.${k}`.length))) ? `body${path.slice('with'.length)}` : path));
}
