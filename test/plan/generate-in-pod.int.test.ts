/**
 * A generate step cannot run inside a pod (its flow is generated and run at the macro
 * level): a flow that puts one there, itself or through a `use` unit, is refused when it
 * is planned, registered or started, naming the place, and nothing is stored or run
 * (tester 15: it was taken, 202, and its run failed when the pod's quarterback met the step).
 * HTTP and `strata plan` as a real process.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flowDoc } from '../support/documents.ts';
import { runStrata } from '../support/processes.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const tempDir = useTempDirs('strata-generate-in-pod-');

const gen = { id: 'g', generate: { image: 'strata/echo' } };
const inPod = (flow: unknown) => ({ sequence: [{ id: 'p', pod: { name: 'p', flow } }] });

describe('a generate step inside a pod', () => {
  it('is refused by POST /v1/runs, /v1/plans and /v1/flows, naming its path, nothing stored or run', async () => {
    const doc = flowDoc(inPod({ sequence: [gen] }), 'gen-in-pod');
    const where = { path: 'spec.root.sequence[0].pod.flow.sequence[0].generate', message: expect.stringMatching(/a generate step cannot run inside a pod/) };
    const runs = await svc.call('GET', '/v1/runs');
    for (const [route, body] of [['/v1/runs', { flow: doc }], ['/v1/plans', doc], ['/v1/flows', doc]] as const) {
      const r = await svc.call('POST', route, body);
      expect(r.status, route).toBe(400);
      expect(r.body.error.details.problems, route).toEqual([where]);
    }
    expect((await svc.call('GET', '/v1/flows/gen-in-pod')).status).toBe(404);
    expect((await svc.call('GET', '/v1/runs')).body.runs.length).toBe(runs.body.runs.length);
  });

  it('is refused through a use unit the pod holds, naming the unit', async () => {
    expect((await svc.call('POST', '/v1/flows', flowDoc({ sequence: [gen] }, 'makes-a-unit'))).status).toBe(201);
    const r = await svc.call('POST', '/v1/runs', { flow: flowDoc(inPod({ sequence: [{ id: 'u', use: 'makes-a-unit@1' }] }), 'unit-in-pod') });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/^spec\.root\.sequence\[0\]\.pod\.flow\.sequence\[0\]\.use\(makes-a-unit@1\)\.spec\.root\.sequence\[0\]\.generate: a generate step cannot run inside a pod \(inside spec\.root\.sequence\[0\]\)/);
  });

  it('is refused by strata plan, exit 2, naming the path', async () => {
    const file = join(tempDir(), 'flow.json');
    writeFileSync(file, JSON.stringify(flowDoc(inPod({ sequence: [gen] }), 'gen-in-pod-cli')));
    const planned = await runStrata(['plan', file]);
    expect(planned.code).toBe(2);
    expect(planned.stderr).toMatch(/spec\.root\.sequence\[0\]\.pod\.flow\.sequence\[0\]\.generate: a generate step cannot run inside a pod/);
  });
});
