/**
 * Argo tester 8, S10: a program that cannot be started (not found, not executable) is the
 * step's failure with a shell's exit code (127, 126) and its message kept, as Argo's node is
 * Failed (the emissary exits 64), not an error: `depends: A.Failed` fires, the default
 * retryPolicy OnFailure retries it, `continueOn.error` and OnError do not cover it. Argo
 * documents and a strata pod through `POST /v1/runs` and the CLI, on the local runtime with
 * real HTTP, Redis, BullMQ and processes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunView } from '../../src/run/run-view.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const env = cliEnv(svc);
const DIR = argoFixtures('start-failure').dir;
const post = (name: string): Promise<RunView> => svc.runToEnd(readFileSync(join(DIR, name), 'utf8'));

describe('a program that cannot be started failed (S10)', { timeout: 120_000 }, () => {
  it('DAG: A.Failed runs C, A.Errored skips B; A failed with 127 and says why', async () => {
    const r = await post('dag-depends.yaml');
    expect(r.steps.A, JSON.stringify(r.steps)).toMatchObject({ status: 'failed', exitCode: 127, error: 'could not start "no-such-command-s10": command not found' });
    expect(r.steps.C).toMatchObject({ status: 'succeeded', result: 'A failed' });
    expect(r.steps.B?.status).toBe('skipped');
  });

  it('the default retryPolicy (OnFailure) retries it: three attempts', async () => {
    const r = await post('retry-onfailure.yaml');
    expect(r.status).toBe('failed');
    expect(r.steps.main, JSON.stringify(r.steps)).toMatchObject({ status: 'failed', attempts: 3, exitCode: 127 });
  });

  it('continueOn.error and retryPolicy OnError do not cover it (strata runs submit): one attempt, the run fails', async () => {
    const sub = await runStrata(['runs', 'submit', join(DIR, 'continue-on-error.yaml'), '--watch'], env);
    expect(sub.code, sub.stdout + sub.stderr).not.toBe(0);
    const runId = /run (\S+) (started|submitted)/.exec(sub.stdout + sub.stderr)?.[1] ?? /(run-[0-9a-z-]+|[0-9a-f-]{36})/.exec(sub.stdout)?.[1];
    const r = await svc.waitRun(runId!);
    expect(r.status).toBe('failed');
    expect(r.steps.a, JSON.stringify(r.steps)).toMatchObject({ status: 'failed', attempts: 1, exitCode: 127, error: 'could not start "/no/such/program-s10": command not found' });
    expect(r.steps.b?.status).toBe('skipped');
  });

  it('inside a pod (the quarterback): not executable 126, not found 127, both failures the next container goes on after', async () => {
    const r = await svc.runToEnd({ flow: parse(readFileSync(join(DIR, 'pod-not-executable.flow.yaml'), 'utf8')) });
    const steps = Object.entries(r.steps);
    const noexec = steps.find(([id]) => id.endsWith('noexec'))?.[1];
    const missing = steps.find(([id]) => id.endsWith('missing'))?.[1];
    expect(noexec, JSON.stringify(r.steps)).toMatchObject({ status: 'failed', exitCode: 126, error: 'could not start "/etc/passwd": permission denied (not executable?)' });
    expect(missing).toMatchObject({ status: 'failed', exitCode: 127, error: 'could not start "no-such-command-s10": command not found' });
  });
});
