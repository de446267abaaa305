/**
 * `strata runs retry` of a run that failed inside a pod (review mend of Argo tester 3, N20):
 * the pod runs again under the quarterback and its retried inner step reads the result,
 * output parameter and status of the inner step before it. A real run (POST /v1/runs, the
 * local runtime, real Redis and processes) and the real `strata runs retry` command. The
 * pod runs again whole, as a failed containerSet pod does under `argo retry`: a pod's outputs
 * are kept only when it succeeds, so its inner steps that succeeded are not kept (pending
 * below, and in the README's Status).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flowDoc } from '../support/documents.ts';
import { runStrata } from '../support/processes.ts';
import { useRunService } from '../support/use-run-service.ts';

const svc = useRunService();

describe('strata runs retry inside a pod', () => {
  it('runs the pod again and gives the retried step the result, output parameter and status of the step before it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'retry-pod-'));
    const a = { id: 'a', task: { image: 'alpine', command: ['sh', '-c', `echo run >> ${dir}/a.count; echo a-out; printf P > /tmp/p`], result: 'text', outputs: { parameters: { p: { path: '/tmp/p' } } } } };
    const b = { id: 'b', task: { image: 'alpine', command: ['sh', '-c', `test -f ${dir}/fixed || exit 1; echo "$0 $1 $2"`, '{{ steps["./a"].result }}', '{{ steps["./a"].outputs.parameters.p }}', '{{ steps["./a"].status }}'], result: 'text' } };
    const r = await svc.call('POST', '/v1/runs', { flow: flowDoc({ id: 'p', pod: { flow: { sequence: [a, b] } } }, 'retry-pod') });
    expect(r.status, r.text).toBe(202);
    const id = r.body.runId as string;
    const failed = await svc.waitRun(id);
    expect(failed.status, JSON.stringify(failed.steps)).toBe('failed');
    expect(failed.steps['p/b'].status).toBe('failed');
    writeFileSync(join(dir, 'fixed'), '');
    const retried = await runStrata(['runs', 'retry', id], { STRATA_URL: svc.url });
    expect(retried.code, retried.stderr).toBe(0);
    const done = await svc.waitRun(id);
    expect(done.status, JSON.stringify(done.steps)).toBe('succeeded');
    expect(done.steps['p/a']).toMatchObject({ status: 'succeeded', result: 'a-out' });
    expect(done.steps['p/b']).toMatchObject({ status: 'succeeded', result: 'a-out P succeeded' });
    // The pod ran again whole: a ran once per attempt of the pod.
    expect(existsSync(join(dir, 'a.count')) && readFileSync(join(dir, 'a.count'), 'utf8')).toBe('run\nrun\n');
  });

  it.todo("keeps a pod's succeeded inner steps on strata runs retry (today the pod runs again whole: a failed pod's inner outputs are not kept, so the quarterback starts afresh)");
});
