/**
 * "Did you mean" for many unknown names: each suggestion is a pass over every known name, so
 * suggesting for every unknown one made the work the product of two counts a document sets
 * (a graph of 40,000 nodes each depending on a name not there: 1.6 billion comparisons). Only
 * the first 50 problems are shown, so only those get a suggestion now, and a message lists
 * at most 20 of a flow's declared params (each undeclared key repeated all 9,000). Through real
 * HTTP with a task time limit (STRATA_API_TASK_MS) far above the linear work and far below the
 * quadratic: a refusal by the time limit is the fault, the document's own answer the work done.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRunService, type RunTestService } from '../support/run-service.ts';

const task = { task: { image: 'x', command: ['true'] } };
const keys = (n: number, prefix: string) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, 1]));

let svc: RunTestService;
/** A run service whose tasks are stopped after `ms` for the tests of this describe. */
function serviceWithTaskLimit(ms: number): void {
  beforeAll(async () => {
    svc = await startRunService({ STRATA_API_TASK_MS: String(ms) });
  });
  afterAll(async () => {
    await svc?.close();
  });
}

describe('many unknown node names', () => {
  // One pass over 40,000 nodes takes about 2 s here (more on a busy machine); the quadratic suggestions about 100 s.
  serviceWithTaskLimit(30_000);

  it('a graph of 40,000 nodes each depending on a name not there: the first named with the nearest, the rest counted', async () => {
    const n = 40_000;
    const nodes = Object.fromEntries(Array.from({ length: n }, (_, i) => [`node${i}`, { ...task, dependsOn: [`nodx${i}`] }]));
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'unknown-deps', version: '1' }, spec: { root: { graph: { nodes } } } };
    const r = await svc.call('POST', '/v1/flows', flow);
    expect(r.status, r.text.slice(0, 400)).toBe(400);
    expect(r.body.error.message).toContain('spec.root.graph.nodes.node0.dependsOn[0]: no node named "nodx0" (did you mean "node0"?)');
    expect(r.body.error.message).toContain(`... and ${n - 50} more problems`);
    expect((await svc.call('GET', '/v1/flows/unknown-deps')).status).toBe(404);
  });

});

describe('many undeclared params', () => {
  // 9,000 given against 9,000 declared: about 1 s in one pass; 20 s or more suggested and listed for each.
  serviceWithTaskLimit(10_000);

  it('9,000 params a flow of 9,000 does not declare: each named, the nearest offered for those shown, 20 declared names listed', async () => {
    const n = 9_000;
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'many-params', version: '1' }, spec: { params: keys(n, 'param'), root: task } };
    const r = await svc.call('POST', '/v1/runs', { flow, params: keys(n, 'parax') });
    expect(r.status, r.text.slice(0, 400)).toBe(400);
    const names = Array.from({ length: 20 }, (_, i) => `param${i}`).join(', ');
    expect(r.body.error.message).toContain(`params.parax0: flow many-params@1 declares no param "parax0" (did you mean "param0"?) (its spec.params: ${names}, ... (9000 in all))`);
    expect(r.body.error.message).toContain(`... and ${n - 50} more problems`);
  });
});
