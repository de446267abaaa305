/**
 * An Idempotency-Key never starts a run again once its run was deleted (DELETE or
 * retention): every route that takes a key answers 410 naming the deleted run for as long
 * as the key is kept (docs/api-safety.md). Real HTTP, Redis, BullMQ and processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { until } from '../support/processes.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';

const flow = (name: string) => flowDoc({ sequence: [{ id: 'a', task: shTask('true') }] }, name);
const key = (k: string) => ({ 'idempotency-key': `${k}-${Math.random().toString(36).slice(2)}` });

let svc: RunTestService;
beforeAll(async () => {
  svc = await startRunService();
});
afterAll(async () => svc?.close());

/** Start with `headers`, wait for the end, delete; then the same request again. */
async function deleteThenRepeat(path: string, body: unknown, headers: Record<string, string>) {
  const first = await svc.call('POST', path, body, headers);
  expect(first.status).toBe(202);
  const id = first.body.runId as string;
  await svc.waitRun(id);
  const again = await svc.call('POST', path, body, headers);
  expect(again.status).toBe(202);
  expect(again.body.runId).toBe(id);
  expect((await svc.call('DELETE', `/v1/runs/${id}`)).status).toBe(200);
  return { id, repeat: await svc.call('POST', path, body, headers) };
}

async function expectGone(id: string, repeat: { status: number; body: any }) {
  expect(repeat.status).toBe(410);
  expect(repeat.body.error.code).toBe('run_deleted');
  expect(repeat.body.error.message).toContain(id);
  expect(repeat.body.error.message).toContain('Idempotency-Key');
  expect(repeat.body.error.details.runId).toBe(id);
  // Nothing was made again under the id.
  expect((await svc.call('GET', `/v1/runs/${id}`)).status).toBe(404);
  expect((await svc.call('GET', '/v1/runs?limit=1000')).body.runs.map((r: { id: string }) => r.id)).not.toContain(id);
}

describe('a key whose run was deleted', () => {
  it('POST /v1/runs answers 410 naming the run and starts nothing', async () => {
    const { id, repeat } = await deleteThenRepeat('/v1/runs', { flow: flow('idem-del') }, key('runs'));
    await expectGone(id, repeat);
  });

  it('POST /v1/runs {use} answers 410 too', async () => {
    expect((await svc.call('POST', '/v1/flows', flow('idem-used'))).status).toBe(201);
    const { id, repeat } = await deleteThenRepeat('/v1/runs', { use: 'idem-used@1' }, key('use'));
    await expectGone(id, repeat);
  });

  it('POST /v1/datasets?run=true answers 410', async () => {
    const ds = { apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'idem-ds' }, spec: { shape: 'table', partitions: [1] } };
    const { id, repeat } = await deleteThenRepeat('/v1/datasets?run=true', ds, key('ds'));
    await expectGone(id, repeat);
  });

  it('POST /v1/runs/:id/resubmit takes a key: replayed while the new run lives, 410 once it is deleted', async () => {
    const src = await svc.call('POST', '/v1/runs', { flow: flow('idem-resub') });
    await svc.waitRun(src.body.runId);
    const { id, repeat } = await deleteThenRepeat(`/v1/runs/${src.body.runId}/resubmit`, undefined, key('resubmit'));
    expect(id).not.toBe(src.body.runId);
    await expectGone(id, repeat);
  });

  it('POST /v1/hooks/:name takes a key: replayed while the run lives, 410 once it is deleted', async () => {
    expect((await svc.call('POST', '/v1/flows', flow('idem-hooked'))).status).toBe(201);
    const hook = await svc.call('POST', '/v1/hooks', { apiVersion: 'strata/v1', kind: 'Hook', metadata: { name: 'idem-hook' }, spec: { use: 'idem-hooked@1' } });
    expect(hook.status).toBe(201);
    const { id, repeat } = await deleteThenRepeat('/v1/hooks/idem-hook', { x: 1 }, { ...key('hook'), authorization: `Bearer ${hook.body.token}` });
    await expectGone(id, repeat);
  });
});

describe('a key whose run expired', () => {
  it('answers 410 after retention removed the run', async () => {
    const short = await startRunService({ STRATA_RETENTION: '1s' });
    try {
      const headers = key('expired');
      const body = { flow: flow('idem-expired') };
      const first = await short.call('POST', '/v1/runs', body, headers);
      const id = first.body.runId as string;
      await short.waitRun(id);
      await until('the run to expire', async () => (await short.call('GET', `/v1/runs/${id}`)).status === 404, 20_000);
      const repeat = await short.call('POST', '/v1/runs', body, headers);
      expect(repeat.status).toBe(410);
      expect(repeat.body.error.message).toContain(id);
      expect((await short.call('GET', `/v1/runs/${id}`)).status).toBe(404);
    } finally {
      await short.close();
    }
  });
});
