/**
 * Issue 12 on the kubernetes runtime, on a STAND-IN API server (test/support/fake-kube-api:
 * not Kubernetes), which refuses a pod whose annotations exceed 256 KiB as the API server
 * does: a pod's output parameters, its containers' and its own (outputs.parameters), travel
 * from its quarterback in the pod's report annotation. Parameters too large for it arrive
 * whole all the same, through the pod's outputs on the shared claim: the pod's own, and a
 * container's in its micro step's record, as on the local runtime; one larger than an
 * output parameter may be fails its step, named.
 * The plan and slot layout travel in a ConfigMap (they were annotations, which crowded the
 * report until a final report could not fit and failed its pod): a large plan leaves the
 * report its whole room. A report refused all the same (another writer crowding the pod's
 * annotations) is made smaller, and a final one that cannot fit fails the pod saying why.
 * Through the real stack: POST /v1/runs, a worker on the kubernetes runtime, the quarterback.
 */
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ANNOTATIONS } from '../../../runtime/kubernetes/pod-layout.ts';
import type { Change } from '../../support/fake-kube-api/store.ts';
import { useKubeRunService } from './support/kube-run-service.ts';

const k = useKubeRunService();

describe('a pod\'s output parameters larger than its report annotation (kubernetes runtime)', () => {
  it('two of 100 KiB, given by a container and by the pod: in both steps\' records and read whole by the next step; 300 KiB fails its step naming the parameter and the limit', async () => {
    const flow = parse(readFileSync('test/fixtures/kubernetes/big-pod-parameters.flow.yaml', 'utf8'));
    const r = await k().svc.call('POST', '/v1/runs', { flow });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const run = await k().svc.waitRun(r.body.runId, 90_000);
    const steps = run.steps as Record<string, { status: string; result?: unknown; error?: string; parameters?: Record<string, string> }>;
    expect(steps.big?.status, JSON.stringify(run).slice(0, 3000)).toBe('succeeded');
    expect(steps.big.parameters).toEqual({ a: 'a'.repeat(102400), b: 'b'.repeat(102400) });
    expect(steps.read.result).toBe('102400 102400 0');
    // The container's own parameters did not fit its report: its micro step's record has them whole all the same.
    expect(steps['big/gen'].parameters).toEqual({ a: 'a'.repeat(102400), b: 'b'.repeat(102400) });
    expect(steps['huge/gen']).toMatchObject({ status: 'failed' });
    expect(steps['huge/gen'].error).toContain('output parameter "h" is 307200 bytes, more than the limit of 262144');
    expect(steps.huge.status).toBe('failed');
    expect(run.status).toBe('succeeded');
  }, 120_000);

  it('a pod whose plan and slot layout pass the room its report has among its annotations: each step\'s and the pod\'s 30 KiB result arrive', async () => {
    // The plan and the slot layout (its ConfigMap) hold a step that never runs with 2 x 42 KiB of arguments.
    const result = (n: number) => ({ id: `s${n}`, task: { image: 'alpine', command: ['sh', '-c', `printf '"%s"' "$(head -c 30000 /dev/zero | tr '\\0' ${n})" > "$STRATA_OUTPUTS/result.json"`] } });
    const never = { id: 'never', when: { '==': [1, 2] }, task: { image: 'alpine', command: ['echo', 'y'.repeat(43000), 'z'.repeat(43000)] } };
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'big-plan', version: '1' }, spec: { root: { id: 'p', pod: { flow: { sequence: [never, result(1), result(2), result(3)] } } } } };
    const r = await k().svc.call('POST', '/v1/runs', { flow });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const run = await k().svc.waitRun(r.body.runId, 90_000);
    const steps = run.steps as Record<string, { status: string; result?: unknown }>;
    expect(run.status, JSON.stringify(run).slice(0, 2000)).toBe('succeeded');
    expect(steps['p/never'].status).toBe('skipped');
    for (const n of [1, 2, 3]) expect(steps[`p/s${n}`]).toMatchObject({ status: 'succeeded', result: String(n).repeat(30000) });
    expect(steps.p.result).toBe('3'.repeat(30000));
  }, 120_000);

  it('a pod whose plan would have left its final report no room as annotations (a 30 KiB result and 30 KiB of its own parameters): both arrive', async () => {
    // The plan and the slot layout hold a step that never runs with 2 x 55 KB of arguments (each about 110 KB; as annotations the report had no room left).
    const never = { id: 'never', when: { '==': [1, 2] }, task: { image: 'alpine', command: ['echo', 'y'.repeat(55000), 'z'.repeat(55000)] } };
    const gen = {
      id: 'gen',
      task: {
        image: 'alpine',
        command: ['sh', '-c', `head -c 30000 /dev/zero | tr '\\0' a > /tmp/a; printf '"%s"' "$(cat /tmp/a)" > "$STRATA_OUTPUTS/result.json"`],
        outputs: { parameters: { a: { path: '/tmp/a' } } },
      },
    };
    const pod = { outputs: { parameters: { a: '{{ steps.p/gen.outputs.parameters.a }}' } }, flow: { sequence: [never, gen] } };
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'report-cannot-fit', version: '1' }, spec: { root: { id: 'p', pod } } };
    const r = await k().svc.call('POST', '/v1/runs', { flow });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const run = await k().svc.waitRun(r.body.runId, 90_000);
    const steps = run.steps as Record<string, { status: string; result?: unknown; error?: string; parameters?: Record<string, string> }>;
    expect(steps.p?.status, JSON.stringify(run).slice(0, 2000)).toBe('succeeded');
    expect(steps.p.result).toBe('a'.repeat(30000));
    expect(steps.p.parameters).toEqual({ a: 'a'.repeat(30000) });
    expect(run.status).toBe('succeeded');
  }, 120_000);

  it('a pod whose annotations another writer crowds (250,000 bytes of its own) has no room for its final report with a 30 KiB result: the pod fails saying why, its end not lost', async () => {
    // As a controller or webhook may annotate a pod: written the moment the pod is made, before its quarterback reports.
    const store = k().cluster.api.store;
    const crowd = (c: Change) => {
      if (c.type !== 'ADDED' || c.res.plural !== 'pods' || c.obj.metadata.annotations?.[ANNOTATIONS.stepId] !== 'crowded') return;
      store.update(c.res, c.obj.metadata.namespace, c.obj.metadata.name, (o) => ({ ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, 'example.com/crowd': 'x'.repeat(250_000) } } }), 'main');
    };
    store.on('change', crowd);
    try {
      const gen = { id: 'gen', task: { image: 'alpine', command: ['sh', '-c', `printf '"%s"' "$(head -c 30000 /dev/zero | tr '\\0' a)" > "$STRATA_OUTPUTS/result.json"`] } };
      const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'report-crowded', version: '1' }, spec: { root: { id: 'crowded', pod: { flow: { sequence: [gen] } } } } };
      const r = await k().svc.call('POST', '/v1/runs', { flow });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      const run = await k().svc.waitRun(r.body.runId, 90_000);
      const steps = run.steps as Record<string, { status: string; error?: string }>;
      expect(steps.crowded?.status, JSON.stringify(run).slice(0, 2000)).toBe('failed');
      expect(steps.crowded.error).toContain('the pod\'s report was refused by the API server');
      expect(steps.crowded.error).toContain('metadata.annotations: Too long: must have at most 262144 bytes');
      expect(run.status).toBe('failed');
    } finally {
      store.off('change', crowd);
    }
  }, 120_000);
});
