/**
 * Retention with nothing polling: a coordinator that could not delete an expired run (here
 * its delete fails once, as it does while a step job is still locked by the worker that
 * just finished it) looks again later rather than waiting for a message that never comes.
 * Real HTTP, Redis, BullMQ and processes; the one fault is injected into the coordinator
 * the service runs.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { until } from '../support/processes.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';

let svc: RunTestService;
beforeAll(async () => {
  svc = await startRunService({ STRATA_RETENTION: '1s' });
});
afterAll(async () => svc?.close());

it('deletes an expired run whose first delete failed', async () => {
  const coordinator = svc.parts.coordinator!;
  const real = coordinator.delete.bind(coordinator);
  let refused = 0;
  coordinator.delete = async (id: string) => {
    if (refused++ === 0) throw new Error('Job could not be removed because it is locked by another worker');
    return real(id);
  };
  const r = await svc.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: 'a', task: shTask('true') }] }, 'retention-retry') });
  const id = r.body.runId as string;
  await svc.waitRun(id);
  await until('the run to expire', async () => (await svc.call('GET', `/v1/runs/${id}`)).status === 404, 20_000);
  expect(refused).toBeGreaterThanOrEqual(2);
});
