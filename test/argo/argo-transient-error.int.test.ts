/**
 * Issue 12: retryPolicy OnTransientError is the flow language's `retry.on: transient`, which
 * runs a step again only when it ended without an exit code of its own and its error names a
 * fault Argo's IsTransientErr calls transient (argo-workflows util/errors/errors.go; operator.go
 * processNodeRetries tests the node's message). It was OnError: every error ran again. A
 * container that cannot start and a program that exits non-zero run once. Through POST
 * /v1/runs, `strata import argo` and the flow language at both levels on the local runtime;
 * which errors count as transient is test/engine/transient.test.ts.
 */
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { LEVELS } from '../support/levels.ts';
import { runAtLevel } from '../support/level-runs.ts';
import { runStrata } from '../support/processes.ts';
import { argoFixtures } from '../support/documents.ts';
import { linesIn, useTempDirs } from '../support/temp-dirs.ts';
import { cliEnv, stepStatuses, useRunService } from '../support/use-run-service.ts';

const FIX = argoFixtures('transient');
const svc = useRunService();
const tempDir = useTempDirs('transient-');

describe('OnTransientError runs again only a transient error', { timeout: 90_000 }, () => {
  it('strata import argo writes it as on: transient (CLI)', async () => {
    const imp = await runStrata(['import', 'argo', join(FIX.dir, 'on-transient.yaml')], cliEnv(svc));
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toContain('on: transient');
  });

  it('a container that cannot start and a program that exits 3 run once; OnError runs the first three times (HTTP)', async () => {
    const dir = tempDir();
    const r = await svc.runToEnd({ flow: parse(FIX.read('on-transient.yaml')), params: { dir } });
    expect(stepStatuses(r, ['cannot-start', 'exits', 'on-error']), JSON.stringify(r.steps).slice(0, 3000)).toEqual({ 'cannot-start': 'failed', exits: 'failed', 'on-error': 'failed' });
    expect([r.steps['cannot-start'].attempts, r.steps.exits.attempts, r.steps['on-error'].attempts]).toEqual([1, 1, 3]);
    expect(linesIn(dir, 'exits')).toBe(1);
    expect(r.status).toBe('succeeded');
  });
});

describe.each(LEVELS)('the flow language\'s retry on: transient ($name)', (level) => {
  it('an error that is not transient and a non-zero exit are not run again; on: error runs the error again', async () => {
    const bad = { image: 'no-such-local-image', args: ['run'] };
    const root = {
      graph: {
        nodes: {
          err: { task: bad, retry: { limit: 2, on: 'transient' }, continueOn: { failed: true, error: true } },
          exit: { task: { image: 'alpine', command: ['sh', '-c', 'exit 3'] }, retry: { limit: 2, on: 'transient' }, continueOn: { failed: true } },
          again: { task: bad, retry: { limit: 2, on: 'error' }, continueOn: { failed: true, error: true } },
        },
      },
    };
    const { run, steps } = await runAtLevel(svc, level, root, { timeoutMs: 60_000 });
    expect(stepStatuses({ steps }, ['err', 'exit', 'again']), JSON.stringify(steps).slice(0, 3000)).toEqual({ err: 'failed', exit: 'failed', again: 'failed' });
    expect([steps.err.attempts, steps.exit.attempts, steps.again.attempts]).toEqual([1, 1, 3]);
    expect(run.status).toBe('succeeded');
  });
});
