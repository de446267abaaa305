/**
 * One rule per kind of answer across routes (issue 10's tester found them differing):
 * unknown flows are 404 everywhere, repeated query parameters, long ids, artifacts with
 * any file name, crons that cannot fire, flows in use by hooks and schedules, schedule
 * times in one format. Real HTTP, Redis, BullMQ and processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';

let svc: RunTestService;
beforeAll(async () => {
  svc = await startRunService();
});
afterAll(async () => svc?.close());

const using = (ref: string, name = 'uses-missing') => flowDoc({ sequence: [{ id: 'u', use: ref }] }, name);

describe('an unknown flow', () => {
  it('is 404 not_found naming it on every route that takes one', async () => {
    for (const [method, path, body] of [
      ['POST', '/v1/runs', { use: 'nosuch@1' }],
      ['POST', '/v1/runs', { flow: using('nosuch@1') }],
      ['POST', '/v1/plans', { use: 'nosuch@1' }],
      ['POST', '/v1/plans', using('nosuch@1')],
      ['POST', '/v1/flows', using('nosuch@1')],
      ['POST', '/v1/schedules', { apiVersion: 'strata/v1', kind: 'Schedule', metadata: { name: 'cs' }, spec: { schedule: '0 3 * * *', use: 'nosuch@1' } }],
      ['POST', '/v1/hooks', { apiVersion: 'strata/v1', kind: 'Hook', metadata: { name: 'ch' }, spec: { use: 'nosuch@1' } }],
    ] as Array<[string, string, unknown]>) {
      const r = await svc.call(method, path, body);
      expect(r.status, `${method} ${path} ${JSON.stringify(body)}: ${r.text.slice(0, 300)}`).toBe(404);
      expect(r.body.error.code).toBe('not_found');
      expect(r.body.error.message).toContain('nosuch@1');
    }
  });
});

describe('repeated query parameters', () => {
  it('status given twice lists runs of either status; any other parameter given twice is 400 naming it', async () => {
    const ok = await svc.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: 'a', task: shTask('true') }] }, 'q-ok') });
    const bad = await svc.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: 'a', task: shTask('exit 1') }] }, 'q-bad') });
    await svc.waitRun(ok.body.runId);
    await svc.waitRun(bad.body.runId);
    const ids = async (q: string) => (await svc.call('GET', `/v1/runs?${q}`)).body.runs.map((r: { id: string }) => r.id).sort();
    expect(await ids('status=failed&status=succeeded&limit=1000')).toEqual(expect.arrayContaining([ok.body.runId, bad.body.runId]));
    expect(await ids('status=failed&status=running&limit=1000')).toContain(bad.body.runId);
    expect(await ids('status=failed&status=running&limit=1000')).not.toContain(ok.body.runId);
    for (const q of ['/v1/runs?flow=q-ok&flow=q-bad', '/v1/runs?limit=1&limit=2', '/v1/plans?format=dot&format=json']) {
      const r = await svc.call(q.startsWith('/v1/plans') ? 'POST' : 'GET', q, q.startsWith('/v1/plans') ? flowDoc({ task: shTask('true') }) : undefined);
      expect(r.status, q).toBe(400);
      expect(r.body.error.message).toMatch(/given more than once/);
    }
  });
});

describe('a 300-character step id', () => {
  it('is answered with its length and the limit, in a document and in a path', async () => {
    const long = 'a'.repeat(300);
    const doc = await svc.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: long, task: shTask('true') }] }, 'long-id') });
    expect(doc.status).toBe(400);
    expect(doc.body.error.message).toBe('spec.root.sequence[0].id: is 300 characters long; an id has at most 63');
    const run = await svc.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: 'a', task: shTask('true') }] }, 'long-path') });
    const path = await svc.call('GET', `/v1/runs/${run.body.runId}/steps/${long}/logs`);
    expect(path.status).toBe(404);
    expect(path.body.error.message).toContain('is 300 characters long; a part of a step id has at most 128');
  });
});
