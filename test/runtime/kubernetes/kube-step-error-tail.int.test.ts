/**
 * Tester 19 on the kubernetes runtime, on the STAND-IN API server (test/support/fake-kube-api):
 * a failed task pod's error is read from its termination message (the log's last lines) and
 * names the line with the error, not only `Node.js v20...`. The local runtime's twin (both
 * levels): test/runtime/process/step-error-tail.int. Inside a pod on kubernetes a container's
 * output goes to its own log, not through the quarterback's gate (sidecar/entrypoint), so its
 * error says how it ended only (`exited with code 1`): not covered here, a known gap.
 */
import { describe, expect, it } from 'vitest';
import { runAtLevel } from '../../support/level-runs.ts';
import { CRASH_ERROR, crashRoot } from '../../support/crash-flow.ts';
import { useKubeRunService } from './support/kube-run-service.ts';

const k = useKubeRunService();

describe('a crashed step\'s error on the kubernetes runtime', () => {
  it('a task pod: names the error line, not only the last line', async () => {
    const { run, steps } = await runAtLevel(k().svc, { name: 'macro', prefix: '', wrap: (r) => r }, crashRoot, { timeoutMs: 90_000 });
    expect(run.status).toBe('failed');
    expect(steps.crash.error).toMatch(CRASH_ERROR);
  }, 120_000);
});
