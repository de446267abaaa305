/** POST /v1/plans: compile a Flow (or `{ use, with }`) without running it. */
import { Hono } from 'hono';
import { invalid, StrataError } from '../../errors/strata-error.ts';
import { dryRunOrder } from '../../engine/dry-run.ts';
import { validateFlowDocument } from '../../flow/flow-document.ts';
import type { FlowDocument } from '../../flow/types.ts';
import { toPlanDocument } from '../../plan/plan-document.ts';
import { renderDot, renderMermaid } from '../../plan/render.ts';
import { planFlow } from '../../service/plan-flow.ts';
import { flag, readBody } from '../body.ts';
import type { ApiDeps } from '../deps.ts';

/** A Flow document, or `{ use: "name@version", with: {...} }` wrapped as one. */
export function flowFromBody(body: unknown): FlowDocument {
  if (body && typeof body === 'object' && !Array.isArray(body) && 'use' in body && !('kind' in body)) {
    const b = body as Record<string, unknown>;
    for (const k of Object.keys(b)) if (k !== 'use' && k !== 'with') throw invalid([{ path: k, message: `unknown key "${k}"; send a Flow or { use, with }` }], 'invalid_request');
    return validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'adhoc', version: '0' }, spec: { root: { use: b.use, ...(b.with !== undefined ? { with: b.with } : {}) } } });
  }
  return validateFlowDocument(body);
}

export function plansRoutes(deps: ApiDeps): Hono {
  const app = new Hono();
  app.post('/', async (c) => {
    const format = c.req.query('format') ?? 'json';
    if (!['json', 'dot', 'mermaid'].includes(format)) throw new StrataError('invalid_request', `format must be json, dot or mermaid, not "${format}"`);
    const flow = flowFromBody(await readBody(c, deps.maxBodyBytes));
    const compiled = await planFlow(flow, deps.defs);
    const plan = toPlanDocument(compiled);
    if (format === 'dot') return c.text(renderDot(plan.graph, plan.metadata.name), 200, { 'content-type': 'text/vnd.graphviz; charset=utf-8' });
    if (format === 'mermaid') return c.text(renderMermaid(plan.graph), 200, { 'content-type': 'text/plain; charset=utf-8' });
    return c.json({ plan, ...(flag(c, 'dryRun') ? { order: dryRunOrder(compiled.root, compiled.params) } : {}) });
  });
  return app;
}
