/**
 * S5 on the kubernetes runtime, on a STAND-IN API server (test/support/fake-kube-api: not
 * Kubernetes; its kubelet runs each container as a process): `{{steps.X.exitCode}}` is the
 * exit code of the step's container, here a task pod's (through strata's stdout wrapper, as
 * every Argo container runs) and a container's inside a pod (the quarterback's), read by later
 * steps' arguments and whens. Through the real stack: POST /v1/runs, a worker on the kubernetes
 * runtime. The local runtime's twin: test/argo/argo-globals-exit-code.int.test.ts; a containerSet's
 * (its main container's): test/argo/argo-container-set-exit-code.int.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { argoFixtures } from '../../support/documents.ts';
import { LEVELS } from '../../support/levels.ts';
import { runAtLevel } from '../../support/level-runs.ts';
import { EXIT_CODE_STATUSES, exitCodeRoot } from '../../support/exit-code-flow.ts';
import { stepStatuses } from '../../support/use-run-service.ts';
import { useKubeRunService } from './support/kube-run-service.ts';

type Steps = Record<string, { status: string; result?: unknown; error?: string; exitCode?: number }>;

const k = useKubeRunService();

describe('{{steps.X.exitCode}} on the kubernetes runtime (S5)', () => {
  it('Argo steps: f exits 3 (continueOn failed); later steps read 3 and 0 in arguments, a govaluate and an expression when', async () => {
    const r = await k().svc.call('POST', '/v1/runs', argoFixtures('s5-globals').read('exit-code-steps.yaml'));
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const run = await k().svc.waitRun(r.body.runId, 90_000);
    const steps = run.steps as Steps;
    expect(stepStatuses(run, ['f', 'ok', 'when-3', 'when-expr', 'when-not']), JSON.stringify(steps).slice(0, 3000)).toEqual({ f: 'failed', ok: 'succeeded', 'when-3': 'succeeded', 'when-expr': 'succeeded', 'when-not': 'skipped' });
    expect(steps.f.exitCode).toBe(3);
    expect(steps.show.result).toBe('f=3 ok=0');
    expect(steps['direct/inner-show'].result).toBe('inner=3');
    expect(run.status).toBe('succeeded');
  }, 120_000);

  it('a containerSet\'s is its main container\'s (issue 12): 3 and 0, in args and a when', async () => {
    const r = await k().svc.call('POST', '/v1/runs', argoFixtures('container-set-exit-code').read('exit-code.yaml'));
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const run = await k().svc.waitRun(r.body.runId, 90_000);
    expect(stepStatuses(run, ['fails', 'works', 'read', 'when-three', 'when-zero']), JSON.stringify(run.steps).slice(0, 3000)).toEqual({ fails: 'failed', works: 'succeeded', read: 'succeeded', 'when-three': 'succeeded', 'when-zero': 'skipped' });
    expect(run.steps.read.result).toBe('fails=3 works=0');
  }, 120_000);

  // The macro level is the Argo case's: inside a pod the quarterback gives its containers' exit codes.
  it.each(LEVELS.filter((l) => l.prefix !== ''))('the flow language ($name): {{ steps.X.exitCode }} in args and json-logic exitCode in a when', async (level) => {
    const root = exitCodeRoot(3);
    const { run, steps } = await runAtLevel(k().svc, level, root, { timeoutMs: 90_000 });
    expect(stepStatuses({ steps: steps as Steps }, Object.keys(EXIT_CODE_STATUSES)), JSON.stringify(steps).slice(0, 3000)).toEqual(EXIT_CODE_STATUSES);
    expect(steps.show.result).toBe('f=3 ok=0');
    expect(run.status).toBe('succeeded');
  }, 120_000);
});
