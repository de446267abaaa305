/** /v1/runs: start, list, inspect, cancel runs; step events over SSE; step logs. */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { StrataError } from '../../errors/strata-error.ts';
import { planFlow } from '../../service/plan-flow.ts';
import { readBody } from '../body.ts';
import type { ApiDeps } from '../deps.ts';
import type { RunsPort } from '../runs-port.ts';
import { flowFromBody } from './plans.ts';
import { followEvents } from './run-events.ts';

export function runsRoutes(deps: ApiDeps): Hono {
  const app = new Hono();
  const runs = (): RunsPort => {
    if (!deps.runs) throw new StrataError('unavailable', 'this service runs no coordinator; start it with `strata up`');
    return deps.runs;
  };

  app.post('/', async (c) => {
    const body = (await readBody(c, deps.maxBodyBytes)) as Record<string, unknown>;
    const isObj = body && typeof body === 'object' && !Array.isArray(body);
    if (!isObj || (!('flow' in body) && !('use' in body))) throw new StrataError('invalid_request', 'send { flow: <Flow document> } or { use: "name@version", with: { ... } }');
    const flow = 'flow' in body ? flowFromBody(body.flow) : flowFromBody({ use: body.use, ...(body.with !== undefined ? { with: body.with } : {}) });
    const compiled = await planFlow(flow, deps.defs);
    const id = await runs().start(flow, compiled, {}, { flow: `${flow.metadata.name}@${flow.metadata.version}` });
    return c.json({ runId: id, id, status: 'pending' }, 202);
  });

  app.get('/', async (c) => c.json({ runs: await runs().list() }));

  app.get('/:id', async (c) => {
    const run = await runs().get(c.req.param('id'));
    if (!run) throw new StrataError('not_found', `no run "${c.req.param('id')}"`);
    return c.json(run);
  });

  app.post('/:id/cancel', async (c) => c.json(await runs().cancel(c.req.param('id'))));

  app.get('/:id/events', async (c) => {
    const id = c.req.param('id');
    const port = runs();
    if (!(await port.get(id))) throw new StrataError('not_found', `no run "${id}"`);
    const from = Number(c.req.header('last-event-id') ?? c.req.query('from') ?? 0) || 0;
    return streamSSE(c, (stream) => followEvents(stream, port, id, from));
  });

  app.get('/:id/steps/:step{.+}/logs', async (c) => {
    const logs = await runs().logs(c.req.param('id'), c.req.param('step'));
    if (logs === undefined) throw new StrataError('not_found', `no logs for step "${c.req.param('step')}" of run "${c.req.param('id')}"`);
    return c.text(logs);
  });

  return app;
}
