/**
 * A stop message for an earlier attempt on the kubernetes runtime, on a STAND-IN API server
 * (test/support/fake-kube-api: not Kubernetes) whose kubelet runs real processes: as on the
 * local runtime (test/worker/stale-stop.int.test.ts), the cancel's stop for attempt 1 told
 * again after a retry of the run (tester 19) leaves attempt 2's pod alone, for a task and for
 * a pod with a container driven by the Kubernetes quarterback. The stale stop is followed by
 * a stop of another run's step at its own attempt, with no cancel of that run: once that run
 * has ended (its step failed, stopped; nothing left it running) the worker has handled the
 * stale stop too (one channel, handled in order).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { flowDoc } from '../../support/documents.ts';
import { until } from '../../support/processes.ts';
import { useKubeRunService } from './support/kube-run-service.ts';

const k = useKubeRunService();
const pub = new Redis(inject('redisUrl'));
afterAll(() => void pub.disconnect());

/**
 * A program that notes each start, then waits for `go`, both in its run's artifacts on the
 * shared claim (the service's home): the part of it a pod mounts, which the test reads too.
 */
function gated() {
  const d = `${k().svc.home}/artifacts/$STRATA_RUN`;
  return { image: 'alpine', command: ['sh', '-c', `echo x >> ${d}/starts; while [ ! -e ${d}/go ]; do sleep 0.05; done; echo done`] };
}
const dirOf = (runId: string) => join(k().svc.home, 'artifacts', runId);
const starts = (runId: string) => (existsSync(join(dirOf(runId), 'starts')) ? readFileSync(join(dirOf(runId), 'starts'), 'utf8').trim().split('\n').length : 0);

const LEVELS = [
  { level: 'a task', root: (task: unknown) => ({ sequence: [{ id: 's', task }] }), inner: undefined },
  { level: 'a container in a pod', root: (task: unknown) => ({ sequence: [{ id: 's', pod: { flow: { sequence: [{ id: 'c', task }] } } }] }), inner: 's/c' },
];

describe.each(LEVELS)('a stop message for an earlier attempt, $level (kubernetes runtime)', ({ root, inner }) => {
  it('leaves attempt 2 alone; a stop no cancel recorded ends its step in the run\'s log', async () => {
    const { svc } = k();
    const r = await svc.call('POST', '/v1/runs', { flow: flowDoc(root(gated()), 'kube-stale-stop') });
    expect(r.status, r.text).toBe(202);
    const runId = r.body.runId as string;
    await until('attempt 1 to start', () => starts(runId) === 1, 90_000);
    expect((await svc.call('POST', `/v1/runs/${runId}/cancel`)).status).toBe(200);
    expect((await svc.waitRun(runId, 90_000)).status).toBe('cancelled');
    expect((await svc.call('POST', `/v1/runs/${runId}/retry`)).status).toBe(200);
    await until('attempt 2 to start', () => starts(runId) === 2, 90_000);

    // Another run whose step runs, stopped by hand at its attempt after the stale stops.
    const o = await svc.call('POST', '/v1/runs', { flow: flowDoc(root(gated()), 'kube-stray-stop') });
    expect(o.status, o.text).toBe(202);
    const otherId = o.body.runId as string;
    await until('the other run\'s step to start', () => starts(otherId) === 1, 90_000);
    for (const m of [{ runId, steps: ['s'], attempts: [1] }, { runId, step: 's', attempt: 1 }, { runId: otherId, step: 's', attempt: 1 }]) {
      await pub.publish(`${svc.prefix}:cancel`, JSON.stringify(m));
    }
    const stray = await svc.waitRun(otherId, 90_000);
    expect(stray.status).toBe('failed');
    expect(stray.steps.s).toMatchObject({ status: 'failed' });
    expect(stray.steps.s.error).toMatch(/stopped/);

    writeFileSync(join(dirOf(runId), 'go'), '');
    const run = await svc.waitRun(runId, 90_000);
    expect(run.status, JSON.stringify(run.steps).slice(0, 2000)).toBe('succeeded');
    expect(run.steps.s).toMatchObject({ status: 'succeeded', attempts: 2 });
    if (inner) expect(run.steps[inner].status).toBe('succeeded');
  }, 300_000);
});
