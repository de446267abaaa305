/**
 * Parameters are bounded (keys at any depth, bytes as JSON; STRATA_MAX_PARAMS_KEYS and
 * STRATA_MAX_PARAMS_BYTES) on every route that takes them, refused 422 naming the place
 * before anything is compiled or stored; and parameters within the bounds reach steps
 * through a file as well as the environment, so a large one never hits E2BIG, at both
 * levels. Real HTTP, Redis, BullMQ and processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';

const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
const withParams = (params: unknown, name: string, root: unknown = { task: shTask('true') }) => ({ ...flowDoc(root, name), spec: { params, root } });

let svc: RunTestService;
beforeAll(async () => {
  svc = await startRunService();
});
afterAll(async () => svc?.close());

describe('parameters past the bounds', () => {
  it('are refused 422 naming the place on every route that takes them, and nothing is stored', async () => {
    const big = many(10_001);
    expect((await svc.call('POST', '/v1/flows', flowDoc({ task: shTask('true') }, 'small-unit'))).status).toBe(201);
    for (const [method, path, body, place] of [
      ['POST', '/v1/flows', withParams(big, 'big-flow'), 'spec.params'],
      ['POST', '/v1/runs', { flow: withParams(big, 'big-run') }, 'flow.spec.params'],
      ['POST', '/v1/runs', { flow: flowDoc({ task: shTask('true') }, 'p'), params: big }, 'params'],
      ['POST', '/v1/runs', { use: 'small-unit@1', with: big }, 'with'],
      ['POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: 'u', use: 'small-unit@1', with: big }] }, 'nested-with') }, 'flow.spec.root.sequence[0].with'],
      ['POST', '/v1/plans', withParams(big, 'big-plan'), 'spec.params'],
      ['POST', '/v1/plans', { use: 'small-unit@1', with: big }, 'with'],
    ] as Array<[string, string, unknown, string]>) {
      const r = await svc.call(method, path, body);
      expect(r.status, `${path} ${place}: ${r.text.slice(0, 200)}`).toBe(422);
      expect(r.body.error.code).toBe('limit_exceeded');
      expect(r.body.error.message).toBe(`${place}: holds more than 10,000 keys and list elements (STRATA_MAX_PARAMS_KEYS); pass large data to steps as input files instead`);
    }
    for (const [path, kind] of [['/v1/schedules', 'Schedule'], ['/v1/hooks', 'Hook']]) {
      const spec = { use: 'small-unit@1', with: many(10_001), ...(kind === 'Schedule' ? { schedule: '0 3 * * *' } : {}) };
      const r = await svc.call('POST', path, { apiVersion: 'strata/v1', kind, metadata: { name: 'big-with' }, spec });
      expect(r.status, path).toBe(422);
      expect(r.body.error.message).toMatch(/^spec\.with: holds more than 10,000 keys/);
      expect((await svc.call('GET', `${path}/big-with`)).status).toBe(404);
    }
    expect((await svc.call('GET', '/v1/flows/big-flow')).status).toBe(404);
    const bytes = await svc.call('POST', '/v1/flows', withParams({ blob: 'x'.repeat(1024 * 1024) }, 'big-bytes'));
    expect(bytes.status).toBe(422);
    expect(bytes.body.error.message).toMatch(/^spec\.params: is 1,048,58\d bytes as JSON, more than 1,048,576 \(STRATA_MAX_PARAMS_BYTES\)/);
  });

  it('follow the configuration', async () => {
    const strict = await startRunService({ STRATA_MAX_PARAMS_KEYS: '5', STRATA_MAX_PARAMS_BYTES: '100000' });
    try {
      expect((await strict.call('POST', '/v1/flows', withParams(many(5), 'five'))).status).toBe(201);
      const r = await strict.call('POST', '/v1/flows', withParams(many(6), 'six'));
      expect(r.status).toBe(422);
      expect(r.body.error.message).toContain('more than 5 keys');
    } finally {
      await strict.close();
    }
  });
});

describe('parameters within the bounds', () => {
  it('reach a task and a pod\'s containers through STRATA_PARAMS_FILE, and through STRATA_PARAMS only while small', async () => {
    // 900 KB: within the bounds, far past what one environment variable may hold (128 KiB on Linux).
    const large = { blob: 'y'.repeat(900_000), n: 7 };
    const check = 'test -f "$STRATA_PARAMS_FILE" && grep -q "\\"n\\":7" "$STRATA_PARAMS_FILE" && echo "${#STRATA_PARAMS}" > "$STRATA_OUTPUTS/env-length"';
    const root = { sequence: [
      { id: 't', task: { ...shTask(check), outputs: ['env-length'] } },
      { id: 'p', pod: { flow: { sequence: [{ id: 'c', task: shTask('test -f "$STRATA_PARAMS_FILE" && grep -q "\\"n\\":7" "$STRATA_PARAMS_FILE" && test -z "$STRATA_PARAMS"') }] } } },
    ] };
    const r = await svc.call('POST', '/v1/runs', { flow: withParams(large, 'large-params', root) });
    expect(r.status, r.text.slice(0, 300)).toBe(202);
    const v = await svc.waitRun(r.body.runId, 60_000);
    expect(v.status, JSON.stringify(v.steps).slice(0, 1500)).toBe('succeeded');
    const len = await fetch(`${svc.url}/v1/runs/${r.body.runId}/steps/t/artifacts/env-length`);
    expect((await len.text()).trim()).toBe('0');

    const small = await svc.call('POST', '/v1/runs', { flow: withParams({ n: 7 }, 'small-params', { task: shTask('test "$STRATA_PARAMS" = \'{"n":7}\' && grep -q "\\"n\\":7" "$STRATA_PARAMS_FILE"') }) });
    expect((await svc.waitRun(small.body.runId)).status).toBe('succeeded');
  });
});
