/** /v1/flows: register composed flows (immutable per version) and read them. */
import { Hono } from 'hono';
import { StrataError } from '../../errors/strata-error.ts';
import { validateFlowDocument } from '../../flow/flow-document.ts';
import { planFlow } from '../../service/plan-flow.ts';
import { readBody } from '../body.ts';
import type { ApiDeps } from '../deps.ts';

export function flowsRoutes(deps: ApiDeps): Hono {
  const app = new Hono();

  app.post('/', async (c) => {
    const flow = validateFlowDocument(await readBody(c, deps.maxBodyBytes));
    const compiled = await planFlow(flow, deps.defs); // missing units and use cycles are rejected here
    const outcome = await deps.defs.registerFlow(flow);
    return c.json({ name: flow.metadata.name, version: flow.metadata.version, steps: compiled.stepIds.length, outcome }, outcome === 'created' ? 201 : 200);
  });

  app.get('/', async (c) => c.json({ flows: await deps.defs.listFlows() }));

  app.get('/:name', async (c) => {
    const name = c.req.param('name');
    const versions = await deps.defs.flowVersions(name);
    if (versions.length === 0) throw new StrataError('not_found', `no flow named "${name}"`);
    return c.json({ name, versions: versions.sort((a, b) => (a.metadata.version < b.metadata.version ? -1 : 1)) });
  });

  app.get('/:name/:version', async (c) => {
    const ref = `${c.req.param('name')}@${c.req.param('version')}`;
    const flow = await deps.defs.get(ref);
    if (!flow) throw new StrataError('not_found', `no flow ${ref}`);
    return c.json(flow);
  });

  return app;
}
