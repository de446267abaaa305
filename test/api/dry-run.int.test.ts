/** The dry run over HTTP tells the truth (issue 8 items 7, 8): what it cannot know is noted, a simulated failure is an answer, not a 4xx. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/test-service.ts';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => svc?.close());

const fixture = (name: string) => readFileSync(`test/fixtures/flows/ok/${name}`, 'utf8');

describe('POST /v1/plans?dryRun=true', () => {
  it('a fan-out over an earlier result and an until over results: 200, one symbolic item and one round, each noted', async () => {
    const r = await svc.call('POST', '/v1/plans?dryRun=true', fixture('unknowable.yaml'));
    expect(r.status).toBe(200);
    expect(r.body.order).toEqual([['list'], ['fan/*'], ['refine/improve#0']]);
    expect(r.body.dryRun).toEqual({
      status: 'succeeded',
      notes: [
        'fan: fanOut.over depends on step results, which a dry run does not know: simulated as one symbolic item, fan/*',
        'refine: cycle.until depends on step results, which a dry run does not know: one round simulated',
      ],
    });
  });

  it('a flow that fails on its own params: 200 with the order so far and the error, never limit_exceeded', async () => {
    const r = await svc.call('POST', '/v1/plans?dryRun=true', fixture('fails-on-params.yaml'));
    expect(r.status).toBe(200);
    expect(r.body.order).toEqual([['first']]);
    expect(r.body.dryRun).toEqual({ status: 'failed', error: 'step fan failed: fanOut.over gave "eu,us", not a list' });
  });

  it('a pod\'s containers are the leaves of the order', async () => {
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'p', version: '1' }, spec: { root: { sequence: [{ id: 'etl', pod: { flow: { sequence: [{ id: 'x', task: { image: 'b' } }, { id: 'y', task: { image: 'b' } }] } } }, { id: 'after', task: { image: 'b' } }] } } };
    const r = await svc.call('POST', '/v1/plans?dryRun=true', flow);
    expect(r.body.order).toEqual([['etl/x'], ['etl/y'], ['after']]);
  });
});
