/**
 * `retryWhole` on the kubernetes runtime (Argo tester 7, R5), on a STAND-IN API server
 * (test/support/fake-kube-api: not Kubernetes) whose kubelet runs each container as a real
 * process in a mount namespace of its own: a sequence whose second step fails until the
 * first has run twice runs again whole, at the macro level (a task pod per step) and inside
 * a pod (its containers driven by the quarterback). The first step prints STRATA_ATTEMPT,
 * which counts on across the sequence's attempts, so its result says how often it ran.
 */
import { describe, expect, it } from 'vitest';
import { LEVELS } from '../../support/levels.ts';
import { runAtLevel } from '../../support/level-runs.ts';
import { useKubeRunService } from './support/kube-run-service.ts';

const k = useKubeRunService();


describe.each(LEVELS)('retryWhole on the kubernetes runtime ($name)', (level) => {
  it('a failed sequence runs again whole: its first step runs twice, the run succeeds', async () => {
    const root = {
      sequence: [
        {
          id: 'grp',
          retryWhole: { limit: 2 },
          sequence: [
            { id: 'count', task: { image: 'alpine', command: ['sh', '-c', 'echo "$STRATA_ATTEMPT"'], result: 'stdout' } },
            { id: 'check', task: { image: 'alpine', command: ['sh', '-c', 'test "$1" -ge 2', 'sh', '{{ steps["./count"].result }}'] } },
          ],
        },
      ],
    };
    const { run, steps } = await runAtLevel(k().svc, level, root, { timeoutMs: 180_000 });
    expect(run.status, JSON.stringify(run.steps).slice(0, 3000)).toBe('succeeded');
    expect(steps['grp/count'].result).toBe(2);
    expect(steps['grp/check'].status).toBe('succeeded');
  }, 240_000);

  // Tester 15: the first attempt's fan-out items that the second did not make stayed failed beside a run that succeeded.
  it('what its earlier attempt made and the last did not is superseded, not failed (docs/runs.md, Superseded steps)', async () => {
    const root = {
      sequence: [
        {
          id: 'grp',
          retryWhole: { limit: 1 },
          sequence: [
            { id: 'list', task: { image: 'alpine', command: ['sh', '-c', 'if [ "$STRATA_ATTEMPT" = 1 ]; then echo "[0,1,2]"; else echo "[0]"; fi'], result: 'stdout' } },
            { id: 'fan', fanOut: { over: { result: './list' }, do: { task: { image: 'alpine', command: ['sh', '-c', 'test "$STRATA_ITEM" != 2'] } } } },
          ],
        },
      ],
    };
    const { run, steps } = await runAtLevel(k().svc, level, root, { timeoutMs: 180_000 });
    expect(run.status, JSON.stringify(run.steps).slice(0, 3000)).toBe('succeeded');
    expect(steps['grp/fan/0'].status).toBe('succeeded');
    expect([steps['grp/fan/1'].status, steps['grp/fan/1'].was, steps['grp/fan/2'].status, steps['grp/fan/2'].was]).toEqual(['superseded', 'succeeded', 'superseded', 'failed']);
  }, 240_000);
});
