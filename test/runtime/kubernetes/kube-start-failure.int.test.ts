/**
 * Argo tester 8, S10 on the kubernetes runtime, on a STAND-IN API server
 * (test/support/fake-kube-api: not Kubernetes) whose kubelet reports a container whose
 * command cannot be started as containerd does (terminated, reason StartError, exit code
 * 128, the runtime's words): the task's program that cannot start is the step's failure,
 * not an error, so `depends: A.Failed` fires and `A.Errored` does not, as in Argo (the
 * emissary exits 64). A task whose standard output is its result (every Argo container)
 * runs under strata's stdout wrapper, which says so in the local runtime's words with a
 * shell's 127/126; inside a pod the quarterback starts the containers and gives 126/127 as
 * on the local runtime.
 */
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { argoFixtures } from '../../support/documents.ts';
import { useKubeRunService } from './support/kube-run-service.ts';

const { read } = argoFixtures('start-failure');
const k = useKubeRunService();

describe('a program that cannot be started failed, on the kubernetes runtime (S10)', () => {
  it('Argo DAG (the stdout wrapper): A failed with 127 in the local runtime\'s words; A.Failed runs C, A.Errored skips B', async () => {
    const r = await k().svc.call('POST', '/v1/runs', read('dag-depends.yaml'));
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const run = await k().svc.waitRun(r.body.runId, 120_000);
    expect(run.steps.A, JSON.stringify(run.steps).slice(0, 2000)).toMatchObject({ status: 'failed', exitCode: 127, error: 'exited with code 127: could not start "no-such-command-s10": command not found' });
    expect(run.steps.C).toMatchObject({ status: 'succeeded', result: 'A failed' });
    expect(run.steps.B?.status).toBe('skipped');
  }, 150_000);

  it('a task run as the container\'s command (StartError): failed with the cluster\'s 128 and words, the next step runs after it', async () => {
    const flow = {
      apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'kube-start-error', version: '1' },
      spec: { root: { sequence: [
        { id: 'missing', task: { image: 'alpine', command: ['no-such-command-s10'] }, continueOn: { failed: true } },
        { id: 'after', task: { image: 'alpine', command: ['true'] } },
      ] } },
    };
    const r = await k().svc.call('POST', '/v1/runs', { flow });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const run = await k().svc.waitRun(r.body.runId, 120_000);
    expect(run.steps.missing, JSON.stringify(run.steps).slice(0, 2000)).toMatchObject({ status: 'failed', exitCode: 128 });
    expect(run.steps.missing.error).toContain('could not start its command (StartError)');
    expect(run.steps.missing.error).toContain('exec: "no-such-command-s10": executable file not found in $PATH');
    expect(run.steps.after.status).toBe('succeeded');
  }, 150_000);

  it('inside a pod (the quarterback): not executable 126, not found 127, both failures the next container goes on after', async () => {
    const r = await k().svc.call('POST', '/v1/runs', { flow: parse(read('pod-not-executable.flow.yaml')) });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const run = await k().svc.waitRun(r.body.runId, 120_000);
    const steps = Object.entries(run.steps);
    expect(steps.find(([id]) => id.endsWith('noexec'))?.[1], JSON.stringify(run.steps).slice(0, 2000)).toMatchObject({ status: 'failed', exitCode: 126 });
    expect(steps.find(([id]) => id.endsWith('missing'))?.[1]).toMatchObject({ status: 'failed', exitCode: 127 });
  }, 150_000);
});
