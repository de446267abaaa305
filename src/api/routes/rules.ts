/** /v1/rules: register, list, read, remove generator rules; explain a Dataset against them. */
import { Hono } from 'hono';
import { validateDataset } from '../../dataset/dataset-document.ts';
import { StrataError, toStrataError } from '../../errors/strata-error.ts';
import { toPlanDocument } from '../../plan/plan-document.ts';
import { validateRule } from '../../rules/rule-document.ts';
import { buildFlow } from '../../rules/build-flow.ts';
import { matchRules } from '../../rules/match-rules.ts';
import { planFlow } from '../../service/plan-flow.ts';
import { readBody } from '../body.ts';
import { allRules, type ApiDeps } from '../deps.ts';

export function rulesRoutes(deps: ApiDeps): Hono {
  const app = new Hono();
  const names = new Set(deps.generators.keys());

  app.post('/explain', async (c) => {
    const dataset = validateDataset(await readBody(c, deps.maxBodyBytes));
    const match = matchRules(await allRules(deps), dataset);
    let plan = null;
    let error = null;
    if (match.chosen) {
      try {
        const flow = buildFlow(dataset, match.chosen, deps.generators);
        plan = toPlanDocument(await planFlow(flow, deps.defs));
      } catch (e) {
        error = toStrataError(e).toJSON().error;
      }
    }
    return c.json({ rules: match.traces, chosen: match.chosen?.metadata.name ?? null, plan, ...(error ? { error } : {}) });
  });

  app.post('/', async (c) => {
    // A rule named like a built-in one shadows it (GET /v1/rules shows it as not built in).
    const rule = validateRule(await readBody(c, deps.maxBodyBytes), names);
    const outcome = await deps.defs.putRule(rule);
    return c.json({ rule, outcome }, outcome === 'created' ? 201 : 200);
  });

  app.get('/', async (c) => {
    const rules = await allRules(deps);
    const builtin = new Set(deps.builtinRules);
    return c.json({ rules: rules.map((r) => ({ ...r, builtin: builtin.has(r) })) });
  });

  app.get('/:name', async (c) => {
    const name = c.req.param('name');
    const rule = (await deps.defs.getRule(name)) ?? deps.builtinRules.find((r) => r.metadata.name === name);
    if (!rule) throw new StrataError('not_found', `no rule named "${name}"`);
    return c.json(rule);
  });

  app.delete('/:name', async (c) => {
    const name = c.req.param('name');
    if (await deps.defs.deleteRule(name)) return c.json({ deleted: name, outcome: 'deleted' });
    if (deps.builtinRules.some((r) => r.metadata.name === name)) {
      throw new StrataError('conflict', `rule "${name}" is built in (rules/); shadow it with a rule of the same name or a higher priority`);
    }
    throw new StrataError('not_found', `no rule named "${name}"`);
  });

  return app;
}
