/**
 * Results are checked where they are read, at both levels: a result.json that is not UTF-8
 * or is larger than the limit fails its step with a sentence, and nothing of it is kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESULT_LIMIT_BYTES } from '../../runtime/step-files.ts';
import { flowDoc as flow, shTask as sh } from '../support/documents.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';

let svc: RunTestService;
beforeAll(async () => {
  svc = await startRunService();
});
afterAll(async () => svc?.close());

// printf with an octal escape writes the byte 0xE9 alone: Latin-1 "é", not UTF-8.
const latin1 = sh(`printf '{"name": "caf\\351"}' > "$STRATA_OUTPUTS/result.json"`);
const huge = sh(`head -c ${RESULT_LIMIT_BYTES + 10} /dev/zero | tr '\\0' 'x' | sed 's/.*/"&"/' > "$STRATA_OUTPUTS/result.json"`);

const levels = [
  { level: 'macro (a task)', wrap: (id: string, task: unknown) => ({ id, task }), step: (id: string) => id },
  { level: 'micro (a container in a pod)', wrap: (id: string, task: unknown) => ({ id: 'p', pod: { flow: { sequence: [{ id, task }] } } }), step: (id: string) => `p/${id}` },
];

describe.each(levels)('results at the $level level', ({ wrap, step }) => {
  it('a result.json that is not UTF-8 fails the step with a sentence, never repaired with replacement characters', async () => {
    const r = await svc.call('POST', '/v1/runs', { flow: flow(wrap('latin', latin1)) });
    const run = await svc.waitRun(r.body.runId);
    expect(run.status).toBe('failed');
    expect(run.steps[step('latin')]).toMatchObject({ status: 'failed', result: null, error: expect.stringContaining('result.json is not valid UTF-8 text (byte 13)') });
    expect(JSON.stringify(run)).not.toContain('\ufffd');
  });

  it('a result over the limit fails the step, saying big data belongs in an artifact; the run keeps none of it', async () => {
    const r = await svc.call('POST', '/v1/runs', { flow: flow(wrap('big', huge)) });
    const run = await svc.waitRun(r.body.runId);
    expect(run.status).toBe('failed');
    expect(run.steps[step('big')].error).toContain(`more than the limit of ${RESULT_LIMIT_BYTES} bytes for a result (STRATA_MAX_RESULT_BYTES; a generate step's Dataset: STRATA_MAX_DATASET_RESULT_BYTES): write big data to an output file (an artifact`);
    expect(JSON.stringify(run).length).toBeLessThan(100_000);
  });
});
