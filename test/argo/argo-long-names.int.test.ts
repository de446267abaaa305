/**
 * Argo tester 8, S18: a WorkflowTemplate name and a template name over 64 characters
 * together, or a recursive Workflow's generateName and its template, were refused (twice)
 * because strata joined them into one flow name. Argo checks each name alone (a
 * WorkflowTemplate's is an object name, a template's a name), so such pairs are ordinary;
 * strata now shortens the joined name to a readable prefix and a digest of the whole.
 * Through the real stack: `strata apply`, `strata runs submit`, `strata flows delete` as
 * processes against a served strata, run on the local runtime.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const DIR = argoFixtures('long-names').dir;
const WFT = 'data-platform-nightly-ingestion-pipeline-templates';

/** The id of the run `strata runs submit`/`apply` printed. */
const runId = (stdout: string): string => /run (\S+) (submitted|started)/.exec(stdout)![1];
const env = cliEnv(svc);

describe('S18: joined names over 64 characters', () => {
  it('strata apply of the WorkflowTemplate registers each template under a distinct name of at most 64', async () => {
    const out = await runStrata(['apply', join(DIR, 'wft.yaml')], env);
    expect(out.code, out.stdout + out.stderr).toBe(0);
    const flows = (await svc.call('GET', '/v1/flows')).body.flows as Array<{ name: string; annotations?: Record<string, string> }>;
    const names = JSON.stringify(flows);
    expect(names).toContain(WFT);
    const units = flows.map((f) => (typeof f === 'string' ? f : f.name)).filter((n) => n.startsWith(`${WFT}.`));
    expect(units.length).toBe(2);
    expect(new Set(units).size).toBe(2);
    for (const n of units) expect(n.length).toBeLessThanOrEqual(64);
  });

  it('a Workflow calling them by templateRef runs (strata apply, then strata runs submit), the problem never said', async () => {
    for (const args of [['apply', join(DIR, 'wf.yaml')], ['runs', 'submit', join(DIR, 'wf.yaml')], ['apply', join(DIR, 'wft-and-wf.yaml')]]) {
      const out = await runStrata(args, env);
      expect(out.code, out.stdout + out.stderr).toBe(0);
      const r = await svc.waitRun(runId(out.stdout), 90_000);
      expect(r.status, r.error ?? JSON.stringify(r.steps)).toBe('succeeded');
      const results = Object.values(r.steps).map((s) => s.result);
      expect(results).toContain('normalized accounts');
      expect(results).toContain('v3');
    }
  });

  it('the recursive Workflow runs (strata runs submit): 2, 1, 0', async () => {
    const out = await runStrata(['runs', 'submit', join(DIR, 'recursive.yaml')], env);
    expect(out.code, out.stdout + out.stderr).toBe(0);
    const r = await svc.waitRun(runId(out.stdout), 90_000);
    expect(r.status, r.error ?? JSON.stringify(r.steps)).toBe('succeeded');
    const said = Object.values(r.steps).map((s) => String(s.result)).filter((x) => /^[0-9]$/.test(x)).sort();
    expect(said).toEqual(['0', '1', '2']);
  });

  it('strata flows delete of the WorkflowTemplate deletes its shortened units too', async () => {
    const out = await runStrata(['flows', 'delete', WFT], env);
    expect(out.code, out.stdout + out.stderr).toBe(0);
    const left = JSON.stringify((await svc.call('GET', '/v1/flows')).body);
    expect(left).not.toContain(`${WFT}.`);
    const again = await runStrata(['runs', 'submit', join(DIR, 'wf.yaml')], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`no WorkflowTemplate ${WFT} with template normalize-customer-records-v2`);
  });
});
