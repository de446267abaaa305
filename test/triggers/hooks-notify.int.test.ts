/**
 * Incoming webhooks start runs with their own token; onEnd notifications reach a real
 * HTTP server with a valid HMAC signature, tried again after a failed delivery.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { until } from '../support/processes.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';

const SECRET = 'a-notify-secret-of-some-length';
const API = { authorization: 'Bearer api-token-api-token' };
let svc: RunTestService;
let receiver: Server;
let receiverUrl: string;
const received: Array<{ body: string; signature: string | undefined; answered: number }> = [];
let failFirst = 0;

beforeAll(async () => {
  svc = await startRunService({ STRATA_NOTIFY_SECRET: SECRET, STRATA_API_TOKENS: 'api-token-api-token' }, { notifyBackoffMs: 200 });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const answered = failFirst-- > 0 ? 500 : 200;
      received.push({ body, signature: req.headers['x-strata-signature'] as string | undefined, answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
});
afterAll(async () => {
  await svc?.close();
  await new Promise((r) => receiver?.close(r));
});

describe('hooks', () => {
  it('start the hook\'s flow with the body as parameters, with the hook\'s token only', async () => {
    expect((await svc.call('POST', '/v1/flows', flowDoc({ task: shTask('echo "params=$STRATA_PARAMS"') }, 'hooked'), API)).status).toBe(201);
    const reg = await svc.call('POST', '/v1/hooks', { apiVersion: 'strata/v1', kind: 'Hook', metadata: { name: 'drop' }, spec: { use: 'hooked@1', with: { fixed: 1 }, labels: { via: 'hook' } } }, API);
    expect(reg.status).toBe(201);
    const token = reg.body.token as string;
    expect(token.length).toBeGreaterThan(20);
    expect(JSON.stringify((await svc.call('GET', '/v1/hooks/drop', undefined, API)).body)).not.toContain(token);

    const call = (auth: string | undefined, body: unknown = { day: '2026-11-28' }) => svc.call('POST', '/v1/hooks/drop', body, auth ? { authorization: `Bearer ${auth}` } : {});
    expect((await call(undefined)).status).toBe(401);
    expect((await call('api-token-api-token')).status).toBe(401);
    expect((await call('wrong')).status).toBe(401);
    expect((await svc.call('POST', '/v1/hooks/nope', {}, { authorization: `Bearer ${token}` })).status).toBe(401);
    const r = await call(token);
    expect(r.status).toBe(202);
    const run = await until('the hook run to end', async () => {
      const v = (await svc.call('GET', `/v1/runs/${r.body.runId}`, undefined, API)).body;
      return ['succeeded', 'failed'].includes(v.status) ? v : undefined;
    });
    expect(run).toMatchObject({ status: 'succeeded', name: 'hooked', labels: { via: 'hook' }, origin: { hook: 'drop' } });
    expect((await svc.call('GET', `/v1/runs/${run.id}/steps/main/logs`, undefined, API)).text).toContain('params={"fixed":1,"day":"2026-11-28"}');
    // The API's token does not open the hook; the hook's token opens nothing else.
    expect((await svc.call('GET', '/v1/runs', undefined, { authorization: `Bearer ${token}` })).status).toBe(401);
  });

  it('called with no body at all (curl -X POST) runs the flow with the hook\'s `with` alone; a Dataset hook still needs its body (tester 14: 415 "a request body needs a Content-Type")', async () => {
    const reg = await svc.call('POST', '/v1/hooks', { apiVersion: 'strata/v1', kind: 'Hook', metadata: { name: 'bare' }, spec: { use: 'hooked@1', with: { fixed: 2 } } }, API);
    expect(reg.status).toBe(201);
    const bare = await fetch(`${svc.url}/v1/hooks/bare`, { method: 'POST', headers: { authorization: `Bearer ${reg.body.token}` } });
    expect(bare.status).toBe(202);
    const { runId } = (await bare.json()) as { runId: string };
    const run = await until('the hook run to end', async () => {
      const v = (await svc.call('GET', `/v1/runs/${runId}`, undefined, API)).body;
      return ['succeeded', 'failed'].includes(v.status) ? v : undefined;
    });
    expect(run).toMatchObject({ status: 'succeeded', origin: { hook: 'bare' } });
    expect((await svc.call('GET', `/v1/runs/${runId}/steps/main/logs`, undefined, API)).text).toContain('params={"fixed":2}');
    // A body that is there is read as before: one of no type is still refused for it.
    const typeless = await fetch(`${svc.url}/v1/hooks/bare`, { method: 'POST', headers: { authorization: `Bearer ${reg.body.token}` }, body: 'x' });
    expect(typeless.status).toBe(415);
    const ds = await svc.call('POST', '/v1/hooks', { apiVersion: 'strata/v1', kind: 'Hook', metadata: { name: 'bare-dataset' }, spec: { dataset: true } }, API);
    const none = await fetch(`${svc.url}/v1/hooks/bare-dataset`, { method: 'POST', headers: { authorization: `Bearer ${ds.body.token}` } });
    expect(none.status).toBe(415);
  });

  it('ingests the body as a Dataset when the hook says dataset: true', async () => {
    const reg = await svc.call('POST', '/v1/hooks', { apiVersion: 'strata/v1', kind: 'Hook', metadata: { name: 'datasets' }, spec: { dataset: true } }, API);
    const ds = { apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'from-hook' }, spec: { shape: 'table', partitions: [1, 2] } };
    const r = await svc.call('POST', '/v1/hooks/datasets', ds, { authorization: `Bearer ${reg.body.token}` });
    expect(r.status).toBe(202);
    expect(r.body.flow).toMatch(/^from-hook-plan@/);
    await until('the run to end', async () => (await svc.call('GET', `/v1/runs/${r.body.runId}`, undefined, API)).body.status === 'succeeded');
    expect((await svc.call('GET', '/v1/datasets/from-hook', undefined, API)).body.runs[0].id).toBe(r.body.runId);
    const bad = await svc.call('POST', '/v1/hooks/datasets', { kind: 'Dataset' }, { authorization: `Bearer ${reg.body.token}` });
    expect(bad.status).toBe(400);
  });
});

describe('onEnd notifications', () => {
  it('POST the run\'s end to its webhook, signed, and try again after a failure', async () => {
    failFirst = 1;
    const before = received.length;
    const r = await svc.call('POST', '/v1/runs', { flow: flowDoc({ task: shTask('exit 2') }, 'notified'), labels: { team: 'x' }, onEnd: { webhook: receiverUrl } }, API);
    await until('a delivery that was answered 200', () => received.slice(before).some((x) => x.answered === 200), 20_000);
    const got = received.slice(before);
    expect(got.map((x) => x.answered)).toEqual([500, 200]);
    for (const x of got) {
      expect(x.signature).toBe(`sha256=${createHmac('sha256', SECRET).update(x.body).digest('hex')}`);
      expect(JSON.parse(x.body)).toMatchObject({ event: 'run.end', runId: r.body.runId, status: 'failed', name: 'notified', labels: { team: 'x' } });
    }
    expect(JSON.parse(got[1].body).attempt).toBe(2);
  });
});
