/**
 * `strata runs retry` of a run that failed inside a pod, on the kubernetes runtime, on a
 * STAND-IN API server (test/support/fake-kube-api: not Kubernetes; no cluster exists where
 * strata is built), whose kubelet runs each container as a real process in a mount namespace
 * of its own. As on the local runtime (test/cli/runs-retry-pod.int.test.ts): the pod resumes
 * under the quarterback, its inner steps that succeeded kept with their result, output
 * parameter and file, and only the failed inner step runs again, reading them. A container
 * sees the host read-only and its own empty /tmp, so the steps count their runs, and find
 * the mark that lets `b` pass, in their run's artifacts on the shared claim (mounted in every
 * container of the pod). Through the real stack: POST /v1/runs, a worker on the kubernetes
 * runtime, the quarterback, and the real `strata runs retry` command.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flowDoc } from '../../support/documents.ts';
import { runStrata } from '../../support/processes.ts';
import { useKubeRunService } from './support/kube-run-service.ts';

const k = useKubeRunService();

describe('strata runs retry inside a pod (kubernetes runtime)', () => {
  it('keeps the pod\'s inner steps that succeeded and gives the retried step their result, output parameter, file and status', async () => {
    const store = `${k().svc.home}/artifacts/$STRATA_RUN`;
    const a = { id: 'a', task: { image: 'alpine', command: ['sh', '-c', `echo run >> ${store}/a.count; echo a-out; printf P > /tmp/p; echo a-file > "$STRATA_OUTPUTS/o.txt"`], result: 'text', outputs: { artifacts: ['o.txt'], parameters: { p: { path: '/tmp/p' } } } } };
    const b = { id: 'b', task: { image: 'alpine', command: ['sh', '-c', `echo run >> ${store}/b.count; test -f ${store}/fixed || exit 1; echo "$0 $1 $2 $(cat "$STRATA_INPUTS/o")"`, '{{ steps["./a"].result }}', '{{ steps["./a"].outputs.parameters.p }}', '{{ steps["./a"].status }}'], inputs: { o: './a:o.txt' }, result: 'text' } };
    const r = await k().svc.call('POST', '/v1/runs', { flow: flowDoc({ id: 'p', pod: { flow: { sequence: [a, b] } } }, 'kube-retry-pod') });
    expect(r.status, r.text).toBe(202);
    const id = r.body.runId as string;
    const failed = await k().svc.waitRun(id, 90_000);
    expect(failed.status, JSON.stringify(failed.steps).slice(0, 3000)).toBe('failed');
    expect(failed.steps['p/b'].status).toBe('failed');
    const runStore = join(k().svc.home, 'artifacts', id);
    mkdirSync(runStore, { recursive: true });
    writeFileSync(join(runStore, 'fixed'), '');
    const retried = await runStrata(['runs', 'retry', id], { STRATA_URL: k().svc.url });
    expect(retried.code, retried.stderr).toBe(0);
    const done = await k().svc.waitRun(id, 90_000);
    expect(done.status, JSON.stringify(done.steps).slice(0, 3000)).toBe('succeeded');
    expect(done.steps['p/a']).toMatchObject({ status: 'succeeded', result: 'a-out' });
    expect(done.steps['p/b']).toMatchObject({ status: 'succeeded', result: 'a-out P succeeded a-file' });
    // Only the failed step ran again: a ran once, b twice.
    expect(readFileSync(join(runStore, 'a.count'), 'utf8')).toBe('run\n');
    expect(readFileSync(join(runStore, 'b.count'), 'utf8')).toBe('run\nrun\n');
    // The kept step's file is the pod's output still, after the pod's second attempt kept its own.
    expect(readFileSync(join(runStore, 'p', 'a', 'o.txt'), 'utf8')).toBe('a-file\n');
  }, 240_000);
});
