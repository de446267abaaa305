/**
 * Issue 13, fault 5: ids in paths are checked before anything reads Redis. An existing
 * run's id with a key suffix (`<id>:log` named the run's log list and answered 500
 * WRONGTYPE) and any other malformed id answer 404 on every route that takes one, and
 * change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshot } from '../support/redis-snapshot.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';

const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'ids', version: '1' }, spec: { root: { sequence: [{ id: 'a', task: { image: 'strata/echo' } }] } } };

let svc: RunTestService;
let runId: string;
beforeAll(async () => {
  svc = await startRunService();
  expect((await svc.call('POST', '/v1/flows', flow)).status).toBe(201);
  expect((await svc.call('POST', '/v1/rules', { apiVersion: 'strata/v1', kind: 'Rule', metadata: { name: 'kept' }, spec: { when: false, emit: { generator: 'pipeline' } } })).status).toBe(201);
  runId = (await svc.call('POST', '/v1/runs', { use: 'ids@1' })).body.runId;
  await svc.waitRun(runId);
});
afterAll(async () => svc?.close());

const SUFFIXES = [':log', ':plan', ':events', ':seen', ':steps', ':logs:a', ':cursors', '/../x', '%3Alog'];

describe('ids in paths', () => {
  it('answers a run id with a key suffix 404 on every run route, storing nothing', async () => {
    const client = svc.redis.connect();
    const before = await snapshot(client, svc.prefix);
    for (const suffix of SUFFIXES) {
      const id = `${runId}${suffix}`;
      for (const [method, path] of [['GET', `/v1/runs/${id}`], ['POST', `/v1/runs/${id}/cancel`], ['GET', `/v1/runs/${id}/events`], ['GET', `/v1/runs/${id}/steps/a/logs`]]) {
        const r = await svc.call(method, path);
        if (suffix === '/../x') {
          expect(r.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
          expect(r.status, `${method} ${path}`).toBeLessThan(500);
          continue;
        }
        expect(r.status, `${method} ${path}: ${r.text.slice(0, 200)}`).toBe(404);
        expect(r.body.error.code).toBe('not_found');
      }
    }
    expect(await snapshot(client, svc.prefix)).toEqual(before);
    client.disconnect();
  });

  it('answers a malformed step id 404 and a well-formed one as before', async () => {
    expect((await svc.call('GET', `/v1/runs/${runId}/steps/a/logs`)).status).toBe(200);
    for (const step of ['a:b', ' a', 'a//b', '/a']) {
      const r = await svc.call('GET', `/v1/runs/${runId}/steps/${encodeURIComponent(step)}/logs`);
      expect(r.status, step).toBe(404);
    }
  });

  it('answers malformed flow names and versions and rule names 404', async () => {
    expect((await svc.call('GET', '/v1/flows/ids/1')).status).toBe(200);
    for (const path of ['/v1/flows/ids:1', '/v1/flows/ids/1:x', '/v1/flows/IDS', '/v1/flows/ids/%20', '/v1/rules/kept:x', '/v1/rules/Kept']) {
      const r = await svc.call('GET', path);
      expect(r.status, path).toBe(404);
      expect(r.body.error.code, path).toBe('not_found');
    }
    expect((await svc.call('DELETE', '/v1/rules/kept:x')).status).toBe(404);
    expect((await svc.call('GET', '/v1/rules/kept')).status).toBe(200);
  });
});
