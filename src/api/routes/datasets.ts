/** /v1/datasets: a Dataset through the rules to a generated flow, its plan, and optionally a run; stored Datasets with their runs. */
import { Hono } from 'hono';
import { StrataError } from '../../errors/strata-error.ts';
import { flag } from '../body.ts';
import { JSON_TYPE, taskInput, type RouteDeps } from '../deps.ts';
import { idempotencyKey, requestFingerprint, reserveRun } from '../idempotency.ts';
import { pathIds } from '../ids.ts';
import { keepIngest } from '../run-starter.ts';

export function datasetsRoutes(deps: RouteDeps): Hono {
  const app = new Hono();
  app.post('/', async (c) => {
    const wantRun = flag(c, 'run');
    if (wantRun && !deps.runs) throw new StrataError('unavailable', 'this service runs no coordinator; start it with `strata up` to run plans');
    const key = wantRun ? idempotencyKey(c) : undefined;
    const made = await deps.cpu.run('dataset', await taskInput(c));
    const ref = `${made.flow.name}@${made.flow.version}`;
    // Everything that can reject the request has happened; the run, when asked for, is
    // made first, so a refused start leaves nothing behind.
    let head = made.head;
    if (made.run) {
      const { runId, replayed } = await reserveRun(deps.redis, deps.prefix, key, requestFingerprint(c, made.digest));
      await deps.runs!.start(made.run, { dataset: made.name, flow: ref }, runId, { labels: made.labels });
      if (replayed) c.header('Idempotent-Replayed', 'true');
      head = `${head.slice(0, -1)},"runId":${JSON.stringify(runId)}}`;
    }
    await keepIngest(deps.defs, made);
    // The plan is large: serialized and encoded once (in the task), stored and answered as those bytes.
    return c.body(answerWithPlan(head, made.plan), made.run ? 202 : 200, JSON_TYPE);
  });

  app.get('/', async (c) => c.json({ datasets: await deps.defs.listDatasets() }));

  app.get('/:name', pathIds({ name: 'name' }), async (c) => {
    const name = c.req.param('name');
    const stored = await deps.defs.getDataset(name);
    if (!stored) throw new StrataError('not_found', `no Dataset named "${name}"`);
    // The runs made from it, newest first (the first page; GET /v1/runs?dataset= pages on).
    const runs = deps.runs ? await deps.runs.list({ dataset: name, limit: 50 }) : { runs: [], next: null };
    return c.json({ ...stored, runs: runs.runs, runsNext: runs.next });
  });
  return app;
}

/**
 * The answer: `head` (a JSON object) with the member `"plan"` holding the Plan document's
 * JSON bytes, sent as three chunks: the plan's bytes are neither encoded again nor copied
 * into one buffer (a Response copies a whole-body buffer it is given; tens of MB here).
 */
function answerWithPlan(head: string, plan: Uint8Array): ReadableStream<Uint8Array> {
  const chunks = [new TextEncoder().encode(`${head.slice(0, -1)},"plan":`), plan, new TextEncoder().encode('}')];
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}
