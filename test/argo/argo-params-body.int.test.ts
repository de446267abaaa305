/**
 * Argo tester 6, Q6: `POST /v1/runs { flow, params }` with a JSON number lost its digits
 * (12345678901234567890 -> 12345678901234567000, 1.50 -> 1.5) without a word. The body's
 * numbers are read as written (src/api/params-as-written.ts): every value is text for an
 * Argo Workflow, as `argo submit -p` gives it; a strata Flow keeps a value as JSON when its
 * JSON writes back the same, else as its text (the rule `-p` follows), except a list or object
 * whose numbers strata holds, which stays data (tester 19: `[1.5, 2.50]` made text was no list
 * for a fan-out; src/logic/param-value.ts), its numbers as JavaScript holds them. Through the real
 * stack: the bodies sent as JSON text over HTTP, run on the local runtime, checked by what
 * the step printed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const DIR = argoFixtures('tester-6/params').dir;

/** POST the JSON text of fixture `file` to /v1/runs as it is and wait for the run's end. */
async function runJson(file: string) {
  const r = await svc.call('POST', '/v1/runs', readFileSync(join(DIR, file), 'utf8'), { 'content-type': 'application/json' });
  expect(r.status, r.text).toBe(202);
  return svc.waitRun(r.body.runId, 90_000);
}

describe('params of a run request keep the digits the JSON body wrote', () => {
  it('an Argo Workflow gets each value as its text: 12345678901234567890, 1.50, an object with 2.50 and 1e2, -0, true', async () => {
    const run = await runJson('argo-params-body.json');
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(run.steps.main.result).toBe('12345678901234567890|1.50|{"a":[1,2.50,1e2]}|12345678901234567890|-0|true|');
  });

  it('a strata Flow keeps a number JSON would change as its text, and other values (an object holding 2.50 too) as JSON', async () => {
    const run = await runJson('native-params-body.json');
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(run.steps.show.result).toBe('12345678901234567890|1.50|{"a":[1,2.5]}|7');
  });
});
