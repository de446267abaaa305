/** /v1/flows: register composed flows (immutable per version) and read them. */
import { Hono } from 'hono';
import { deletionGroup } from '../../argo/template-group.ts';
import { TEMPLATE, WORKFLOW_TEMPLATE } from '../../argo/import-argo.ts';
import { nameClashes } from '../../argo/name-clash.ts';
import { StrataError } from '../../errors/strata-error.ts';
import { taskInput, type RouteDeps } from '../deps.ts';
import { pathIds } from '../ids.ts';

export function flowsRoutes(deps: RouteDeps): Hono {
  const app = new Hono();

  app.post('/', async (c) => {
    const flow = await deps.cpu.run('flow', await taskInput(c)); // missing units and use cycles are rejected there
    // A WorkflowTemplate's flow whose name another WorkflowTemplate's flow holds (src/argo/name-clash.ts): 409, nothing stored.
    const held = await deps.defs.flowVersions(flow.name);
    const clash = nameClashes([JSON.parse(flow.json)], () => held, { workflowTemplate: WORKFLOW_TEMPLATE, template: TEMPLATE });
    if (clash.length > 0) throw new StrataError('conflict', `${clash[0].path}: ${clash[0].message}`);
    const outcome = await deps.defs.registerFlowJson(flow.name, flow.version, flow.json);
    return c.json({ name: flow.name, version: flow.version, steps: flow.steps, outcome }, outcome === 'created' ? 201 : 200);
  });

  app.get('/', async (c) => c.json({ flows: await deps.defs.listFlows() }));

  app.get('/:name', pathIds({ name: 'name' }), async (c) => {
    const name = c.req.param('name');
    const versions = await deps.defs.flowVersions(name);
    if (versions.length === 0) throw new StrataError('not_found', `no flow named "${name}"`);
    const latest = await deps.defs.latestFlowVersion(name);
    return c.json({ name, versions: versions.sort((a, b) => (a.metadata.version < b.metadata.version ? -1 : 1)), ...(latest ? { latest } : {}) });
  });

  app.get('/:name/:version', pathIds({ name: 'name', version: 'version' }), async (c) => {
    const ref = `${c.req.param('name')}@${c.req.param('version')}`;
    const flow = await deps.defs.get(ref);
    if (!flow) throw new StrataError('not_found', `no flow ${ref}`);
    return c.json(flow);
  });

  app.delete('/:name', pathIds({ name: 'name' }), async (c) => deleteVersions(c.req.param('name'), undefined));
  app.delete('/:name/:version', pathIds({ name: 'name', version: 'version' }), async (c) => deleteVersions(c.req.param('name'), c.req.param('version')));

  /**
   * Remove one version or all of a flow, with the flows of the same WorkflowTemplate when it
   * is one's entry flow or name (src/argo/template-group.ts); 409 naming the flows, rules,
   * schedules and hooks that still use any of them, or the flows a unit must go with.
   */
  async function deleteVersions(name: string, version: string | undefined): Promise<Response> {
    const group = deletionGroup(await deps.defs.allFlows(), name, version);
    if (group.refs.length === 0) throw new StrataError('not_found', `no flow ${version ? `${name}@${version}` : `named "${name}"`}`);
    if (group.refused) throw new StrataError('conflict', group.refused);
    const refs = group.refs;
    // Schedules and hooks start a flow by `use` as flows and rules do: they hold it too.
    const wanted = new Set(refs);
    const [schedules, hooks] = await Promise.all([deps.triggers.schedules(), deps.triggers.hooks()]);
    const users = [
      ...(await deps.defs.usersOf(refs)),
      ...schedules.filter((s) => s.spec.use && wanted.has(s.spec.use)).map((s) => `schedule ${s.metadata.name}`),
      ...hooks.filter((h) => h.spec.use && wanted.has(h.spec.use)).map((h) => `hook ${h.metadata.name}`),
    ];
    if (users.length > 0) throw new StrataError('conflict', `${refs.join(', ')} cannot be deleted: used by ${users.join(', ')}`, { usedBy: users });
    // The named flow last: should Redis fail half-way, the same delete again removes the rest.
    const byName = new Map<string, string[]>();
    for (const ref of [...refs].reverse()) {
      const at = ref.lastIndexOf('@');
      byName.set(ref.slice(0, at), [...(byName.get(ref.slice(0, at)) ?? []), ref.slice(at + 1)]);
    }
    for (const [n, versions] of byName) await deps.defs.deleteFlow(n, versions);
    return Response.json({ deleted: refs, outcome: 'deleted' });
  }

  return app;
}
