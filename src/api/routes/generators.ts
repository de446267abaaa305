/** GET /v1/generators: the generators rules can call, with their parameters as JSON Schema. */
import { Hono } from 'hono';
import { parametersOf } from '../../../generators/parameters.ts';
import type { ApiDeps } from '../deps.ts';

export function generatorsRoutes(deps: ApiDeps): Hono {
  const app = new Hono();
  const list = () => [...deps.generators.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((g) => ({ name: g.name, description: g.description, parameters: parametersOf(g.name) }));
  app.get('/', (c) => c.json({ generators: list() }));
  return app;
}
