/**
 * A micro plan of about 150 KiB on the kubernetes runtime, on a STAND-IN API server
 * (test/support/fake-kube-api: not Kubernetes; no cluster exists where strata is built),
 * which refuses an object whose annotations exceed 256 KiB and a ConfigMap whose data
 * exceeds 1 MiB, as Kubernetes does. The plan and its slot layout (which repeats the plan's
 * tasks) went in two pod annotations, about 300 KiB together: the pod could not be made.
 * They travel in a ConfigMap owned by the pod now, so the plan runs, and a plan too large
 * even for that fails its step naming the limit. Through the real stack: POST /v1/runs, a
 * worker on the kubernetes runtime, the quarterback reading its plan from the ConfigMap.
 */
import { describe, expect, it } from 'vitest';
import { useKubeRunService } from './support/kube-run-service.ts';

const k = useKubeRunService();

/** A pod whose plan holds a step that never runs with `bytes` of arguments, then one that gives a result. */
function bigPlanFlow(name: string, bytes: number) {
  // Arguments of 50 KiB each (a flow's string holds at most 64 Ki characters).
  const args = Array.from({ length: Math.ceil(bytes / 51200) }, (_, i) => String.fromCharCode(97 + (i % 26)).repeat(51200));
  const never = { id: 'never', when: { '==': [1, 2] }, task: { image: 'alpine', command: ['echo', ...args] } };
  const last = { id: 'last', task: { image: 'alpine', command: ['sh', '-c', 'printf \'"done"\' > "$STRATA_OUTPUTS/result.json"'] } };
  return { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name, version: '1' }, spec: { root: { id: 'p', pod: { flow: { sequence: [never, last] } } } } };
}

describe('a large micro plan (kubernetes runtime)', () => {
  it('a plan of about 150 KiB makes its pod and runs', async () => {
    const r = await k().svc.call('POST', '/v1/runs', { flow: bigPlanFlow('plan-150k', 150 * 1024) });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const run = await k().svc.waitRun(r.body.runId, 90_000);
    const steps = run.steps as Record<string, { status: string; result?: unknown; error?: string }>;
    expect(run.status, JSON.stringify(run.steps).slice(0, 2000)).toBe('succeeded');
    expect(steps['p/never'].status).toBe('skipped');
    expect(steps['p/last']).toMatchObject({ status: 'succeeded', result: 'done' });
    expect(steps.p.result).toBe('done');
  }, 120_000);

  it('a plan too large for its ConfigMap (over 1 MiB with its slot layout) fails its step naming the limit', async () => {
    const r = await k().svc.call('POST', '/v1/runs', { flow: bigPlanFlow('plan-600k', 600 * 1024) });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const run = await k().svc.waitRun(r.body.runId, 90_000);
    const steps = run.steps as Record<string, { status: string; error?: string }>;
    expect(steps.p?.status, JSON.stringify(run.steps).slice(0, 2000)).toBe('failed');
    expect(steps.p.error).toMatch(/pod p: its micro plan and slot layout are \d+ bytes together, more than the 1048576 bytes \(1 MiB\) a ConfigMap holds/);
    expect(run.status).toBe('failed');
  }, 120_000);
});
