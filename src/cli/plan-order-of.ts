/** The order `strata runs get` and `strata logs RUN` list a run's steps in: its plan's. */
import type { RunPlan } from '../coordinator/runs-port.ts';
import { inPlanOrder } from '../run/plan-order.ts';
import type { Client } from './api-client.ts';

/** Step ids by path, numbers in numeric order: the order without a plan. */
const BY_ID = new Intl.Collator('en', { numeric: true });

/**
 * A function putting run `id`'s step ids in plan order (src/run/plan-order.ts over GET
 * /v1/runs/:id/plan, read once); by id from a server without the route, or when the run
 * went meanwhile.
 */
export async function planOrderOf(client: Client, id: string): Promise<(ids: string[]) => string[]> {
  let plan: RunPlan;
  try {
    plan = (await client.call('GET', `/v1/runs/${encodeURIComponent(id)}/plan`)) as RunPlan;
  } catch (e) {
    if ((e as { code?: string }).code === 'not_found') return (ids) => [...ids].sort(BY_ID.compare);
    throw e;
  }
  return (ids) => inPlanOrder(ids, plan.graph, plan.expansions);
}
