/** Runs end to end: real HTTP, real Redis, BullMQ, real processes through the local runtime. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRunService, type RunTestService } from '../support/run-service.ts';
import { flowDoc as flow, shTask } from '../support/documents.ts';

const sh = (script: string, extra: Record<string, unknown> = {}) => ({ task: shTask(script), ...extra });

let svc: RunTestService;
beforeAll(async () => {
  svc = await startRunService();
});
afterAll(async () => svc?.close());

describe('runs', () => {
  it('runs a sequence of real processes and records every step', async () => {
    const r = await svc.call('POST', '/v1/runs', { flow: flow({ sequence: [{ id: 'a', ...sh('echo \'{"n":1}\' > $STRATA_OUTPUTS/result.json') }, { id: 'b', ...sh('echo hi') }] }) });
    expect(r.status).toBe(202);
    const run = await svc.waitRun(r.body.runId);
    expect(run.status).toBe('succeeded');
    expect(run.steps.a).toMatchObject({ status: 'succeeded', attempts: 1, result: { n: 1 } });
    expect(run.steps.b.status).toBe('succeeded');
    expect(Date.parse(run.steps.b.startedAt!)).toBeGreaterThanOrEqual(Date.parse(run.steps.a.finishedAt!));
    expect((await svc.call('GET', `/v1/runs/${run.id}/steps/b/logs`)).text).toContain('hi');
  });
});
