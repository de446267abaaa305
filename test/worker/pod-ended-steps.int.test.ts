/**
 * Tester 16: a pod whose quarterback died without a word (SIGKILL: the OOM killer, a kill by
 * hand) failed, and so did its run, but the micro steps it had reported running stayed
 * `running` in the run's record for ever: `strata runs get` showed them running with a growing
 * duration under a failed run, `GET /v1/runs/:id/steps?status=running` listed them, and the
 * progress never reached its total. Now the steps a pod reported and never ended end with it,
 * failed, saying the pod ended before they did (src/worker/run-step.ts, both runtimes). Real
 * HTTP, Redis, a worker on the local runtime, the quarterback SIGKILLed for real.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flowDoc, shTask } from '../support/documents.ts';
import { spawnStrata, stop, until } from '../support/processes.ts';
import { startRunService } from '../support/run-service.ts';
import { useRunService } from '../support/use-run-service.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { hang } from '../sidecar/harness.ts';

const svc = useRunService();
const tempDir = useTempDirs('pod-ended-');
const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

/** A pod whose fan-out b holds one container that hangs, writing its pids to `pidFile` first (b and b/0 running, a ended). */
const hangingPod = (pidFile: string) => ({ id: 'p', pod: { flow: { sequence: [{ id: 'a', task: shTask('true') }, { id: 'b', fanOut: { over: [1], do: { id: 'h', task: hang(pidFile) } } }] } } });

describe('the micro steps of a pod whose quarterback died', () => {
  it('end with the pod: failed, naming why, none left running under the failed run', async () => {
    const pidFile = join(tempDir(), 'pid.json');
    const r = await svc.call('POST', '/v1/runs', { flow: flowDoc(hangingPod(pidFile), 'pod-ended') });
    expect(r.status, r.text).toBe(202);
    await until('the container to write its pids', () => existsSync(pidFile), 30_000);
    const { parent } = JSON.parse(readFileSync(pidFile, 'utf8')) as { parent: number };
    process.kill(parent, 'SIGKILL');
    const run = await svc.waitRun(r.body.runId, 60_000);
    expect([run.status, run.error]).toEqual(['failed', expect.stringMatching(/the quarterback of pod p was killed by SIGKILL before the pod finished/)]);
    const steps = run.steps as Record<string, { status: string; error: string | null; finishedAt: string | null }>;
    expect(Object.fromEntries(Object.entries(steps).map(([id, s]) => [id, s.status]))).toEqual({ p: 'failed', 'p/a': 'succeeded', 'p/b': 'failed', 'p/b/0': 'failed' });
    for (const id of ['p/b', 'p/b/0']) {
      expect(steps[id].error, id).toMatch(/^its pod ended before it did: the quarterback of pod p was killed by SIGKILL/);
      expect(steps[id].finishedAt, id).not.toBeNull();
    }
    const running = await svc.call('GET', `/v1/runs/${run.id}/steps?status=running`);
    expect([running.status, running.body.counts.running ?? 0]).toEqual([200, 0]);
  }, 90_000);

  // A SIGTERM to the quarterback from outside (a kill by hand, the kubelet stopping a pod someone
  // deleted) made it cancel its pod, and its steps were recorded `cancelled`, as if the run had
  // been cancelled, under a run that failed (the kubernetes twin hit it in CI). The run did not
  // stop them: they end failed with the pod, as after a SIGKILL.
  it('a quarterback stopped by a signal not the run\'s: its steps end failed with the pod, not cancelled', async () => {
    const pidFile = join(tempDir(), 'pid.json');
    const r = await svc.call('POST', '/v1/runs', { flow: flowDoc(hangingPod(pidFile), 'pod-ended-term') });
    expect(r.status, r.text).toBe(202);
    await until('the container to write its pids', () => existsSync(pidFile), 30_000);
    const { parent } = JSON.parse(readFileSync(pidFile, 'utf8')) as { parent: number };
    process.kill(parent, 'SIGTERM');
    const run = await svc.waitRun(r.body.runId, 60_000);
    expect([run.status, run.error]).toEqual(['failed', expect.stringMatching(/the quarterback got SIGTERM/)]);
    const steps = run.steps as Record<string, { status: string; error: string | null; finishedAt: string | null }>;
    expect(Object.fromEntries(Object.entries(steps).map(([id, s]) => [id, s.status]))).toEqual({ p: 'failed', 'p/a': 'succeeded', 'p/b': 'failed', 'p/b/0': 'failed' });
    for (const id of ['p/b', 'p/b/0']) expect(steps[id].error, id).toMatch(/^its pod ended before it did: .*the quarterback got SIGTERM/);
  }, 90_000);

  // The worker running the pod SIGKILLed (its quarterback and container die with it), the run
  // cancelled meanwhile: no worker was there to end the micro steps, and the job taken over
  // later found the run not running and did nothing.
  it('a run cancelled while the worker running its pod was dead: the micro steps end cancelled when the pod\'s job is taken over', async () => {
    const s2 = await startRunService({}, { worker: false, graceMs: 300 });
    cleanup.push(() => s2.close());
    const env = { REDIS_URL: inject('redisUrl'), STRATA_PREFIX: s2.prefix, STRATA_HOME: s2.home, STRATA_LOCK_MS: '1000', STRATA_STALLED_MS: '300' };
    const first = spawnStrata(['worker'], env);
    cleanup.push(() => stop(first));
    const pidFile = join(tempDir(), 'pid.json');
    const r = await s2.call('POST', '/v1/runs', { flow: flowDoc(hangingPod(pidFile), 'pod-ended-cancelled') });
    expect(r.status, r.text).toBe(202);
    const runId = r.body.runId as string;
    await until('the container to write its pids', () => existsSync(pidFile), 30_000);
    first.kill('SIGKILL');
    expect((await s2.call('POST', `/v1/runs/${runId}/cancel`)).status).toBe(200);
    const second = spawnStrata(['worker'], env);
    cleanup.push(() => stop(second));
    const open = async () => {
      const run = (await s2.call('GET', `/v1/runs/${runId}`)).body as { status: string; steps: Record<string, { status: string; error: string | null }> };
      return run.steps['p/b/0'].status !== 'running' && run;
    };
    const run = await until('the micro steps to end', open, 60_000, 200);
    expect(run.status).toBe('cancelled');
    expect(Object.fromEntries(Object.entries(run.steps).map(([id, s]) => [id, s.status]))).toEqual({ p: 'cancelled', 'p/a': 'succeeded', 'p/b': 'cancelled', 'p/b/0': 'cancelled' });
    for (const id of ['p/b', 'p/b/0']) expect(run.steps[id].error, id).toBe('its pod ended before it did: its worker stopped while it ran');
  }, 120_000);
});
