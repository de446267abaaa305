/** POST /v1/plans: compile a Flow (or `{ use, with }`) without running it. */
import { Hono } from 'hono';
import { taskInput, type RouteDeps } from '../deps.ts';

export function plansRoutes(deps: RouteDeps): Hono {
  const app = new Hono();
  app.post('/', async (c) => {
    const { contentType, text } = await deps.cpu.run('plan', await taskInput(c));
    return c.body(text, 200, { 'content-type': contentType });
  });
  return app;
}
