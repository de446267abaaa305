/** /v1/schedules: register, list, read, remove Schedules; each with its state (last run, next tick). */
import { Hono } from 'hono';
import { invalid, StrataError } from '../../errors/strata-error.ts';
import { checkParamsAt } from '../../flow/params-limits.ts';
import { validateSchedule, type Schedule } from '../../triggers/trigger-documents.ts';
import { readBody } from '../body.ts';
import type { RouteDeps } from '../deps.ts';
import { pathIds } from '../ids.ts';
import { planTick } from '../run-starter.ts';

export function schedulesRoutes(deps: RouteDeps): Hono {
  const app = new Hono();
  // A name in a path is checked before anything reads Redis (ids.ts).
  app.use('/:name', pathIds({ name: 'name' }));
  const withState = async (s: Schedule) => ({ ...s, status: await deps.triggers.stateView(s.metadata.name) });

  app.post('/', async (c) => {
    const s = validateSchedule(await readBody(c));
    checkParamsAt([[s.spec.with, 'spec.with']], deps.paramsLimits);
    // A flow that is not registered would fail at every tick: refused now.
    if (s.spec.use && !(await deps.defs.get(s.spec.use))) throw new StrataError('not_found', `spec.use: no registered flow ${s.spec.use}`, { problems: [{ path: 'spec.use', message: `no registered flow ${s.spec.use}` }] });
    // So would a tick whose run is refused (a Dataset that is none, a required parameter not given): planned now, as a tick plans, nothing stored.
    await planTick(deps, s.spec);
    const outcome = await deps.triggers.putSchedule(s);
    return c.json({ schedule: s, outcome }, outcome === 'created' ? 201 : 200);
  });

  app.get('/', async (c) => c.json({ schedules: await Promise.all((await deps.triggers.schedules()).map(withState)) }));

  app.get('/:name', async (c) => {
    const s = await deps.triggers.schedule(c.req.param('name'));
    if (!s) throw new StrataError('not_found', `no schedule named "${c.req.param('name')}"`);
    return c.json(await withState(s));
  });

  app.delete('/:name', async (c) => {
    if (!(await deps.triggers.deleteSchedule(c.req.param('name')))) throw new StrataError('not_found', `no schedule named "${c.req.param('name')}"`);
    return c.json({ deleted: c.req.param('name'), outcome: 'deleted' });
  });
  return app;
}
