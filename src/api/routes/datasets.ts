/** /v1/datasets: a Dataset through the rules to a generated flow, its plan, and optionally a run; stored Datasets with their runs. */
import { Hono } from 'hono';
import { validateDataset } from '../../dataset/dataset-document.ts';
import { StrataError } from '../../errors/strata-error.ts';
import { dryRunOrder } from '../../engine/dry-run.ts';
import { toPlanDocument } from '../../plan/plan-document.ts';
import { planDataset } from '../../service/plan-dataset.ts';
import { flag, readBody } from '../body.ts';
import { allRules, type ApiDeps } from '../deps.ts';

export function datasetsRoutes(deps: ApiDeps): Hono {
  const app = new Hono();
  app.post('/', async (c) => {
    const dataset = validateDataset(await readBody(c, deps.maxBodyBytes));
    const wantRun = flag(c, 'run');
    if (wantRun && !deps.runs) throw new StrataError('unavailable', 'this service runs no coordinator; start it with `strata up` to run plans');
    const { match, flow, compiled } = await planDataset(dataset, await allRules(deps), deps.defs, deps.generators);
    const plan = toPlanDocument(compiled);
    const ref = `${flow.metadata.name}@${flow.metadata.version}`;
    // Everything that can reject the request happens before anything is stored; the run,
    // when asked for, is made first, so a refused start leaves nothing behind.
    const order = flag(c, 'dryRun') ? dryRunOrder(compiled.root, compiled.params) : undefined;
    const labels = { ...(flow.metadata.labels ?? {}), ...(dataset.metadata.labels ?? {}) };
    const runId = wantRun ? await deps.runs!.start(flow, compiled, {}, { dataset: dataset.metadata.name, flow: ref }, { labels }) : undefined;
    // The plan is large: serialized once, stored as it is answered.
    const planJson = JSON.stringify(plan);
    await deps.defs.registerFlow(flow);
    await deps.defs.putDataset(dataset, ref);
    await deps.defs.putPlan(ref, planJson);
    const head = { dataset, flow: { name: flow.metadata.name, version: flow.metadata.version }, matchedRules: match.matchedRules, ...(order ? { order } : {}), ...(runId ? { runId } : {}) };
    const text = `${JSON.stringify(head).slice(0, -1)},"plan":${planJson}}`;
    return c.body(text, wantRun ? 202 : 200, { 'content-type': 'application/json; charset=utf-8' });
  });

  app.get('/', async (c) => c.json({ datasets: await deps.defs.listDatasets() }));

  app.get('/:name', async (c) => {
    const name = c.req.param('name');
    const stored = await deps.defs.getDataset(name);
    if (!stored) throw new StrataError('not_found', `no Dataset named "${name}"`);
    // The runs made from it, newest first (the first page; GET /v1/runs?dataset= pages on).
    const runs = deps.runs ? await deps.runs.list({ dataset: name, limit: 50 }) : { runs: [], next: null };
    return c.json({ ...stored, runs: runs.runs, runsNext: runs.next });
  });
  return app;
}
