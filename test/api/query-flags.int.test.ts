/**
 * The boolean query flags (`run`, `dryRun`, `summary`) take what /openapi.json says they
 * take, `true`, `false`, `1`, `0` or nothing (`?run`), and refuse any other value with 400
 * naming the flag, nothing stored or started (tester 15: any value but `false` and `0` was
 * true, so `?run=ture` or `?run=no` started a run and `?dryRun=no` simulated one, where
 * every other parameter's bad value is refused).
 */
import { describe, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { useRunService } from '../support/use-run-service.ts';

const svc = useRunService();

const dataset = (name: string) => ({ apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name }, spec: { shape: 'table' } });

describe('boolean query flags', () => {
  it('refuse a value that is not true, false, 1, 0 or empty, naming the flag, nothing stored or started', async () => {
    const before = (await svc.call('GET', '/v1/runs')).body.runs.length;
    for (const [query, name] of [['run=no', 'run'], ['run=ture', 'run'], ['dryRun=no', 'dryRun'], ['run=true&dryRun=yes', 'dryRun']]) {
      const r = await svc.call('POST', `/v1/datasets?${query}`, dataset('flags-refused'));
      expect(r.status, query).toBe(400);
      expect(r.body.error.message, query).toBe(`query parameter ${name} must be true, false, 1 or 0 (or empty, for true), not "${query.split('=').pop()}"`);
      expect(r.body.error.details.problems, query).toEqual([{ path: `query.${name}`, message: expect.any(String) }]);
    }
    expect((await svc.call('GET', '/v1/datasets/flags-refused')).status).toBe(404);
    const plan = await svc.call('POST', '/v1/plans?dryRun=maybe', flowDoc({ sequence: [{ id: 'a', task: shTask('true') }] }));
    expect(plan.status).toBe(400);
    expect(plan.body.error.message).toMatch(/^query parameter dryRun must be/);
    expect((await svc.call('GET', '/v1/runs')).body.runs.length).toBe(before);
  });

  it('take the values /openapi.json lists', async () => {
    const flagSchema = (await svc.call('GET', '/openapi.json')).body.paths['/v1/datasets'].post.parameters.find((p: { name: string }) => p.name === 'run').schema;
    expect([...flagSchema.enum].sort()).toEqual(['', '0', '1', 'false', 'true']);
    for (const [query, started] of [['run=true', true], ['run=1', true], ['run', true], ['run=', true], ['run=false', false], ['run=0', false]] as const) {
      const r = await svc.call('POST', `/v1/datasets?${query}`, dataset('flags-taken'));
      expect(r.status, query).toBe(started ? 202 : 200);
      expect(typeof r.body.runId, query).toBe(started ? 'string' : 'undefined');
    }
    const run = await svc.waitRun((await svc.call('POST', '/v1/datasets?run=1', dataset('flags-summary'))).body.runId);
    expect((await svc.call('GET', `/v1/runs/${run.id}?summary=true`)).status).toBe(200);
    const refused = await svc.call('GET', `/v1/runs/${run.id}?summary=please`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/^query parameter summary must be/);
  });
});
