/**
 * A step run again by a retry of the run shows no error while it runs: its record's `error`
 * (the MESSAGE of `strata runs get`, the web page's step details) had kept the earlier run's
 * (`cancelled by request`, `exited with code 3`) while the new attempt ran (tester 17). A
 * step's own retries show the attempt before's error with the next attempt, as the engine
 * says it (engine-core.ts `again`/`launch`), and that stays so. Real service, real processes.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { until } from '../support/processes.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const newTempDir = useTempDirs('strata-running-error-');

type Step = { status: string; attempt?: number; error: string | null };
const stepOf = async (runId: string, id: string): Promise<Step> => (await svc.call('GET', `/v1/runs/${runId}`)).body.steps[id];

/** A step that fails (exit 3) until `dir/ok` exists, then holds on until `dir/go` exists and succeeds. */
const failsUntilOk = (dir: string) => shTask(`if [ -f ${dir}/ok ]; then while [ ! -f ${dir}/go ]; do sleep 0.1; done; exit 0; else echo boom >&2; exit 3; fi`);

describe('a step running again', () => {
  it('in a retry of the run: no error while it runs, none once it succeeds', async () => {
    const dir = newTempDir();
    const started = await svc.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: 's', task: failsUntilOk(dir) }] }, 'running-error-retry') });
    expect(started.status).toBe(202);
    const runId = started.body.runId as string;
    const failed = await svc.waitRun(runId);
    expect(failed.status).toBe('failed');
    expect((await stepOf(runId, 's')).error).toBeTruthy();
    writeFileSync(join(dir, 'ok'), '');
    expect((await svc.call('POST', `/v1/runs/${runId}/retry`)).status).toBe(200);
    const running = await until('the step to run again', async () => {
      const s = await stepOf(runId, 's');
      return s.status === 'running' && s;
    });
    expect(running.error).toBeNull();
    writeFileSync(join(dir, 'go'), '');
    expect((await svc.waitRun(runId)).status).toBe('succeeded');
    expect((await stepOf(runId, 's')).error).toBeNull();
  });

  it('in its own retries: the next attempt runs with the attempt before\'s error shown, as the engine says it', async () => {
    const dir = newTempDir();
    // The first attempt fails and leaves `ok`: the second holds on until `go`.
    const task = shTask(`if [ -f ${dir}/ok ]; then while [ ! -f ${dir}/go ]; do sleep 0.1; done; exit 0; else touch ${dir}/ok; echo boom >&2; exit 3; fi`);
    const started = await svc.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: 's', retries: 1, task }] }, 'running-error-retries') });
    const runId = started.body.runId as string;
    const second = await until('the second attempt to run', async () => {
      const s = await stepOf(runId, 's');
      return s?.status === 'running' && s.attempt === 2 && existsSync(join(dir, 'ok')) && s;
    });
    expect(second.error).toBe('exited with code 3: boom');
    writeFileSync(join(dir, 'go'), '');
    expect((await svc.waitRun(runId)).status).toBe('succeeded');
    expect((await stepOf(runId, 's')).error).toBeNull();
  });
});
