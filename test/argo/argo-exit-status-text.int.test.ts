/**
 * `{{workflow.status}}` is Argo's capitalised word (`Succeeded`, `Failed`) in every field,
 * also one that holds `{{workflow.failures}}` as well (Argo tester 6, Q5: there it was strata's
 * lower-case `failed`, so an exit handler testing `= "Failed"` never paged). Through the real
 * stack: POST /v1/runs and `strata runs submit`, run on the local runtime.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const env = cliEnv(svc);
const { dir: DIR, read } = argoFixtures('exit-status');

describe('workflow.status beside workflow.failures in one field (Q5)', () => {
  it('POST /v1/runs: a script source and a container argument holding both say Failed', async () => {
    const r = await svc.runToEnd(read('one-field.yaml'));
    expect(r.status).toBe('failed');
    // The script's own double quotes around the substituted JSON are the shell's, as in Argo.
    expect(r.steps['main/onExit/script'].result).toBe('PAGE ONCALL: [{step:main,error:exited with code 3,exitCode:3}]');
    const arg = String(r.steps['main/onExit/arg'].result);
    expect(arg).toMatch(/^status Failed failures \[/);
    expect(JSON.parse(arg.replace(/^status Failed failures /, ''))).toEqual([{ step: 'main', error: 'exited with code 3', exitCode: 3 }]);
  });

  it('strata runs submit: on success the same field says Succeeded and []', async () => {
    const out = await runStrata(['runs', 'submit', join(DIR, 'one-field-ok.yaml')], env);
    expect(out.code, out.stdout + out.stderr).toBe(0);
    const r = await svc.waitRun(/run (\S+) submitted/.exec(out.stdout)![1], 90_000);
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps['main/onExit'].result).toBe('status Succeeded failures []');
  });
});
