/**
 * `strata runs retry` of a run that failed inside a pod (review mend of Argo tester 3, N20):
 * the pod resumes under the quarterback, its inner steps that succeeded kept (their results,
 * output parameters and files, as a retry keeps a run's succeeded steps), and only the failed
 * inner step and what follows run again; the retried inner step reads the result, output
 * parameter, file and status of the kept step before it. A real run (POST /v1/runs, the
 * local runtime, real Redis and processes) and the real `strata runs retry` command.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flowDoc } from '../support/documents.ts';
import { runStrata } from '../support/processes.ts';
import { useRunService } from '../support/use-run-service.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('retry-pod-');

const svc = useRunService();

describe('strata runs retry inside a pod', () => {
  it('keeps the pod\'s inner steps that succeeded and gives the retried step their result, output parameter, file and status', async () => {
    const dir = newTempDir();
    const a = { id: 'a', task: { image: 'alpine', command: ['sh', '-c', `echo run >> ${dir}/a.count; echo a-out; printf P > /tmp/p; echo a-file > "$STRATA_OUTPUTS/o.txt"`], result: 'text', outputs: { artifacts: ['o.txt'], parameters: { p: { path: '/tmp/p' } } } } };
    const b = { id: 'b', task: { image: 'alpine', command: ['sh', '-c', `echo run >> ${dir}/b.count; test -f ${dir}/fixed || exit 1; echo "$0 $1 $2 $(cat "$STRATA_INPUTS/o")"`, '{{ steps["./a"].result }}', '{{ steps["./a"].outputs.parameters.p }}', '{{ steps["./a"].status }}'], inputs: { o: './a:o.txt' }, result: 'text' } };
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
    expect(done.steps['p/b']).toMatchObject({ status: 'succeeded', result: 'a-out P succeeded a-file' });
    // Only the failed step ran again: a ran once, b twice.
    expect(readFileSync(join(dir, 'a.count'), 'utf8')).toBe('run\n');
    expect(readFileSync(join(dir, 'b.count'), 'utf8')).toBe('run\nrun\n');
    // The kept step's file is the pod's output still, after the pod's second attempt kept its own.
    expect(readFileSync(join(svc.home, 'artifacts', id, 'p', 'a', 'o.txt'), 'utf8')).toBe('a-file\n');
  });
});
