/**
 * Tester 16: a pod whose quarterback died without a word (SIGKILL: the OOM killer, a kill by
 * hand) failed, and so did its run, but the micro steps it had reported running stayed
 * `running` in the run's record for ever: `strata runs get` showed them running with a growing
 * duration under a failed run, `GET /v1/runs/:id/steps?status=running` listed them, and the
 * progress never reached its total. Now the steps a pod reported and never ended end with it,
 * failed, saying the pod ended before they did (src/worker/run-step.ts, both runtimes). Real
 * HTTP, Redis, a worker on the local runtime, the quarterback SIGKILLed for real.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flowDoc, shTask } from '../support/documents.ts';
import { until } from '../support/processes.ts';
import { useRunService } from '../support/use-run-service.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { hang } from '../sidecar/harness.ts';

const svc = useRunService();
const tempDir = useTempDirs('pod-ended-');

describe('the micro steps of a pod whose quarterback died', () => {
  it('end with the pod: failed, naming why, none left running under the failed run', async () => {
    const pidFile = join(tempDir(), 'pid.json');
    // b (a fan-out) and b/0 (its container) are running when the quarterback dies; a ended before.
    const root = { id: 'p', pod: { flow: { sequence: [{ id: 'a', task: shTask('true') }, { id: 'b', fanOut: { over: [1], do: { id: 'h', task: hang(pidFile) } } }] } } };
    const r = await svc.call('POST', '/v1/runs', { flow: flowDoc(root, 'pod-ended') });
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
});
