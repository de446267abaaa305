/**
 * The retail example end to end, as a user runs it: register the report flow and the
 * rule, post the Dataset with ?run=true, wait. Store sales come from the data files in
 * examples/retail/data; region and country roll-ups run other programs; us-west runs
 * inside one pod through the quarterback. The totals are checked against numbers this
 * test computes itself from the same files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startRunService, type RunTestService } from '../support/run-service.ts';

const read = (p: string) => parse(readFileSync(p, 'utf8'));
const dataDir = 'examples/retail/data';

function storeCents(store: string): number {
  const recs = JSON.parse(readFileSync(join(dataDir, `${store}.json`), 'utf8')) as Array<{ qty: number; price: number }>;
  return recs.reduce((s, r) => s + Math.round(r.qty * r.price * 100), 0);
}

let svc: RunTestService;
beforeAll(async () => {
  svc = await startRunService({ STRATA_IMAGE_MAP: 'examples/retail/images.json' });
});
afterAll(async () => svc?.close());

describe('retail example', () => {
  it('computes the same totals as an independent sum of the data files', async () => {
    expect((await svc.call('POST', '/v1/flows', read('examples/retail/report-flow.yaml'))).status).toBe(201);
    expect((await svc.call('POST', '/v1/rules', read('examples/retail/rules.yaml'))).status).toBe(201);
    const posted = await svc.call('POST', '/v1/datasets?run=true', read('examples/retail/dataset.yaml'));
    expect(posted.status).toBe(202);
    const run = await svc.waitRun(posted.body.runId, 60_000);
    expect(run.status, JSON.stringify(run.steps, null, 1).slice(0, 3000)).toBe('succeeded');

    const dataset = read('examples/retail/dataset.yaml');
    const expected = new Map<string, number>();
    const visit = (n: { id: string; children?: Array<{ id: string }> }): number => {
      const cents = n.children ? n.children.reduce((s, c) => s + visit(c as never), 0) : storeCents(n.id);
      expected.set(n.id, cents);
      return cents;
    };
    const total = visit(dataset.spec.root);
    expect(readdirSync(dataDir)).toHaveLength(12);

    const stepOf = (id: string) => run.steps[`tree/us-west/${id}`] ?? run.steps[`tree/${id}`];
    for (const [id, cents] of expected) expect((stepOf(id)?.result as { cents: number }).cents, id).toBe(cents);
    // Different programs per level: stores count records, roll-ups count children.
    expect(stepOf('nyc').result).toMatchObject({ level: 'store' });
    expect(stepOf('us-east').result).toMatchObject({ level: 'region', children: 5 });
    expect(stepOf('us').result).toMatchObject({ level: 'country', children: 2 });
    // us-west ran as a pod: its stores are micro steps beneath it.
    expect(run.steps['tree/us-west'].status).toBe('succeeded');
    expect(run.steps['tree/us-west/sf'].status).toBe('succeeded');
    expect(run.steps['report/publish'].result).toMatchObject({ grandTotal: (total / 100).toFixed(2) });
  });

  it('hands each parent\'s output down to its children when the rule says direction: down', async () => {
    // Each step's out is its parent's out plus its own id: a leaf's result is its path from the root.
    const op = { image: 'alpine', command: ['sh', '-c', 'p=""; [ -f "$STRATA_INPUTS/parent" ] && p="$(cat "$STRATA_INPUTS/parent")/"; id=$(echo "$STRATA_NODE" | sed \'s/.*"id":"\\([^"]*\\)".*/\\1/\'); printf "%s%s" "$p" "$id" > $STRATA_OUTPUTS/out; printf \'"%s%s"\' "$p" "$id" > $STRATA_OUTPUTS/result.json'] };
    const rule = { apiVersion: 'strata/v1', kind: 'Rule', metadata: { name: 'down-paths' }, spec: { priority: 200, when: { '==': [{ var: 'metadata.name' }, 'paths'] }, emit: { generator: 'hierarchy', with: { direction: 'down', traversal: 'bfs', operations: { default: op } } } } };
    expect((await svc.call('POST', '/v1/rules', rule)).status).toBe(201);
    const ds = { apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'paths' }, spec: { shape: 'tree', root: { id: 'r', children: [{ id: 'a', children: [{ id: 'a1' }, { id: 'a2' }] }, { id: 'b' }] } } };
    const posted = await svc.call('POST', '/v1/datasets?run=true', ds);
    const run = await svc.waitRun(posted.body.runId);
    expect(run.status).toBe('succeeded');
    expect(run.steps.a2.result).toBe('r/a/a2');
    expect(run.steps.b.result).toBe('r/b');
  });
});
