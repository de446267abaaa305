/** /v1/rules: register, list, read, remove generator rules; explain a Dataset against them. */
import { Hono } from 'hono';
import { StrataError } from '../../errors/strata-error.ts';
import { allRules, JSON_TYPE, taskInput, type RouteDeps } from '../deps.ts';
import { pathIds } from '../ids.ts';

export function rulesRoutes(deps: RouteDeps): Hono {
  const app = new Hono();

  app.post('/explain', async (c) => c.body((await deps.cpu.run('explain', await taskInput(c))).text, 200, JSON_TYPE));

  app.post('/', async (c) => {
    // A rule named like a built-in one shadows it (GET /v1/rules shows it as not built in).
    const rule = await deps.cpu.run('rule', await taskInput(c));
    const outcome = await deps.defs.putRuleJson(rule.name, rule.json);
    return c.body(`{"rule":${rule.json},"outcome":"${outcome}"}`, outcome === 'created' ? 201 : 200, JSON_TYPE);
  });

  app.get('/', async (c) => {
    const rules = await allRules(deps);
    const builtin = new Set(deps.builtinRules);
    return c.json({ rules: rules.map((r) => ({ ...r, builtin: builtin.has(r) })) });
  });

  app.get('/:name', pathIds({ name: 'name' }), async (c) => {
    const name = c.req.param('name');
    const rule = (await deps.defs.getRule(name)) ?? deps.builtinRules.find((r) => r.metadata.name === name);
    if (!rule) throw new StrataError('not_found', `no rule named "${name}"`);
    return c.json(rule);
  });

  app.delete('/:name', pathIds({ name: 'name' }), async (c) => {
    const name = c.req.param('name');
    if (await deps.defs.deleteRule(name)) return c.json({ deleted: name, outcome: 'deleted' });
    if (deps.builtinRules.some((r) => r.metadata.name === name)) {
      throw new StrataError('conflict', `rule "${name}" is built in (rules/); shadow it with a rule of the same name or a higher priority`);
    }
    throw new StrataError('not_found', `no rule named "${name}"`);
  });

  return app;
}
