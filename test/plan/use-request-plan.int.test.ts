/**
 * A plan asked for by name (`{ use, with }`) shows the registered flow's steps, the same
 * ids its run has: `POST /v1/plans` (JSON, DOT, Mermaid) and `GET /v1/runs/:id/plan` of a
 * run started by name (`POST /v1/runs { use }`, `strata runs submit --use`) (tester 15: both
 * answered an empty graph, stepCount 2 beside no nodes, so the UI drew nothing for such a
 * run, where planning the flow's document showed its steps).
 */
import { describe, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';

const svc = useRunService();

type Graph = { nodes: Array<{ key: string; attributes: { plan?: Graph } }> };
/** Every step id of a plan graph, nested plans (pods, use units) included. */
const idsOf = (g: Graph): string[] => g.nodes.flatMap((n) => [n.key, ...(n.attributes.plan ? idsOf(n.attributes.plan) : [])]).sort();

describe('a plan asked for by name', () => {
  it('has the registered flow\'s steps, as its run has them (HTTP and strata runs submit --use)', async () => {
    const lib = flowDoc({ sequence: [{ id: 'one', task: shTask('true') }, { id: 'inner', use: 'by-name-leaf@1' }, { id: 'p', pod: { name: 'p', flow: { sequence: [{ id: 'c', task: shTask('true') }] } } }] }, 'by-name');
    expect((await svc.call('POST', '/v1/flows', flowDoc({ task: shTask('true') }, 'by-name-leaf'))).status).toBe(201);
    expect((await svc.call('POST', '/v1/flows', lib)).status).toBe(201);
    const expected = ['inner', 'inner/main', 'one', 'p', 'p/c'];

    const byName = await svc.call('POST', '/v1/plans', { use: 'by-name@1' });
    expect(byName.status).toBe(200);
    expect(idsOf(byName.body.plan.graph)).toEqual(expected);
    expect(byName.body.plan.stepCount).toBe(expected.length);
    expect(idsOf((await svc.call('POST', '/v1/plans', lib)).body.plan.graph)).toEqual(expected);
    for (const format of ['mermaid', 'dot']) {
      const text = (await svc.call('POST', `/v1/plans?format=${format}`, { use: 'by-name@1' })).text;
      for (const id of expected) expect(text, `${format}: ${id}`).toContain(`"${id}`);
    }

    const run = await svc.runToEnd({ use: 'by-name@1' });
    expect(run.status).toBe('succeeded');
    expect(Object.keys(run.steps).sort()).toEqual(expected);
    expect(idsOf((await svc.call('GET', `/v1/runs/${run.id}/plan`)).body.graph)).toEqual(expected);

    const submitted = await runStrata(['runs', 'submit', '--use', 'by-name@1', '--watch'], cliEnv(svc));
    expect(submitted.code).toBe(0);
    const id = /\b(r[0-9a-z]{10,})\b/.exec(submitted.stdout)?.[1];
    expect(id, submitted.stdout).toBeDefined();
    expect(idsOf((await svc.call('GET', `/v1/runs/${id}/plan`)).body.graph)).toEqual(expected);
  });
});
