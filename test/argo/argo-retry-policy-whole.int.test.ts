/**
 * R5's other gap (issue 12): whether a steps or dag node runs again whole under its
 * retryPolicy follows the phase Argo gives it (operator.go processNodeRetries reads the
 * node's last attempt's phase): a steps node is Failed whatever failed in it (steps.go
 * executeSteps), a dag node takes its failing task's phase, Error when that task errored
 * (dag.go assessDAGPhase). So OnError (and Always) run a dag whose task errored again whole,
 * OnFailure does not; OnFailure runs such a steps template again, OnError does not. Through
 * POST /v1/runs and `strata runs submit -p` on the local runtime; a marking task counts the
 * attempts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { LEVELS } from '../support/levels.ts';
import { runAtLevel } from '../support/level-runs.ts';
import { argoFixtures } from '../support/documents.ts';
import { linesIn as runs, useTempDirs } from '../support/temp-dirs.ts';
import { cliEnv, stepStatuses, useRunService } from '../support/use-run-service.ts';

const FIXTURE = argoFixtures('wf-retry').read('policy-dag.yaml');
const svc = useRunService();
const tempDir = useTempDirs('wf-policy-');

describe('a retryPolicy on a steps or dag template follows the node\'s phase (R5)', { timeout: 90_000 }, () => {
  it.each([
    ['OnError', 3, 1],
    // OnTransientError: an image that cannot start is no transient error (issue 12, argo-transient-error.int.test.ts).
    ['OnTransientError', 1, 1],
    ['OnFailure', 1, 3],
    ['Always', 3, 3],
  ])('%s: the dag runs %i times, the steps template %i times (POST /v1/runs)', async (policy, graph, steps) => {
    const dir = tempDir();
    const run = await svc.runToEnd({ flow: parse(FIXTURE.replaceAll('POLICY', policy)), params: { dir } });
    expect(run.steps['graph/bad']?.status, JSON.stringify(run.steps).slice(0, 2000)).toBe('failed');
    expect([runs(dir, 'graph'), runs(dir, 'steps')]).toEqual([graph, steps]);
  });

  it('OnError by strata runs submit -p: the same', async () => {
    const dir = tempDir();
    const file = join(dir, 'wf.yaml');
    writeFileSync(file, FIXTURE.replaceAll('POLICY', 'OnError'));
    const sub = await runStrata(['runs', 'submit', file, '-p', `dir=${dir}`], cliEnv(svc));
    expect(sub.code, sub.stderr).toBe(0);
    const run = await svc.waitRun(/run (\S+) submitted/.exec(sub.stdout)![1], 60_000);
    expect(stepStatuses(run, ['graph', 'graph/bad', 'steps']), JSON.stringify(run.steps).slice(0, 2000)).toEqual({ graph: 'failed', 'graph/bad': 'failed', steps: 'failed' });
    expect(run.status).toBe('succeeded');
    expect([runs(dir, 'graph'), runs(dir, 'steps')]).toEqual([3, 1]);
  });

  it.each(LEVELS)('a strata graph of outcome: leaves with retryWhole on: error runs again whole when its leaf errored, a plain graph does not ($name)', async (level) => {
    const dir = tempDir();
    const graph = (id: string, leaves: boolean) => ({
      id, retryWhole: { limit: 2, on: 'error' }, continueOn: { failed: true, error: true },
      graph: {
        ...(leaves ? { outcome: 'leaves' } : {}),
        nodes: {
          mark: { retries: 0, task: { image: 'alpine', command: ['sh', '-c', `echo x >> ${dir}/${id}`] } },
          bad: { dependsOn: ['mark'], retries: 0, task: { image: 'no-such-local-image', args: ['run'] } },
        },
      },
    });
    const { run } = await runAtLevel(svc, level, { sequence: [graph('dag', true), graph('plain', false)] });
    expect(run.steps[`${level.prefix}dag/bad`]?.status, JSON.stringify(run.steps).slice(0, 2000)).toBe('failed');
    expect([runs(dir, 'dag'), runs(dir, 'plain')]).toEqual([3, 1]);
  });
});
