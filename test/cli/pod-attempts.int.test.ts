/**
 * What the run says of a step inside a pod that ran in a later attempt of its pod (a retry of
 * the pod): its own attempt starts at 1 in each run of the pod, so without the pod's it read
 * as a step that ran once. The step's record keeps the pod's attempt (GET /v1/runs/:id), and
 * `strata runs get` (a real process) shows `1 (pod attempt 2)` (src/run/attempt-label.ts; a
 * pod re-run after a takeover, `(pod run 2)`, is driven with a killed worker in
 * test/worker/takeover.int.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const dir = mkdtempSync(join(tmpdir(), 'strata-pod-attempts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a step inside a pod that was retried', () => {
  it('keeps the pod\'s attempt on its record, and runs get says it', async () => {
    // x fails in the pod's first attempt and succeeds in its second; once runs in both, first.
    const x = `if [ -e ${dir}/again ]; then exit 0; fi; touch ${dir}/again; exit 4`;
    const root = { sequence: [{ id: 'p', retry: { limit: 2 }, pod: { flow: { sequence: [{ id: 'once', task: shTask('true') }, { id: 'x', task: shTask(x) }] } } }] };
    const posted = await svc.call('POST', '/v1/runs', { flow: flowDoc(root, 'pod-attempts') });
    expect(posted.status, posted.text).toBe(202);
    const run = await svc.waitRun(posted.body.runId);
    expect(run.status).toBe('succeeded');
    expect(run.steps.p).toMatchObject({ attempt: 2 });
    expect(run.steps['p/x']).toMatchObject({ attempt: 1, attempts: 2, pod: { attempt: 2, execution: 1 } });
    expect(run.steps['p/once']).toMatchObject({ attempt: 1, pod: { attempt: 2, execution: 1 } });
    const get = await runStrata(['runs', 'get', posted.body.runId], cliEnv(svc));
    expect(get.code, get.stderr).toBe(0);
    expect(get.stdout).toMatch(/^  ✓ x\s+succeeded\s+\S+\s+1 \(pod attempt 2\)\s/m);
    expect(get.stdout).toMatch(/^✓ p\s+succeeded\s+\S+\s+2\s/m);
  });
});
