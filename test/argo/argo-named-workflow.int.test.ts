/**
 * A Workflow with a fixed `metadata.name` is one run, as a named object is one in Argo
 * (Argo tester 7, R6): `strata apply` of the same document again starts no second run and
 * says so; another document of that name is refused while the run exists, naming the name
 * and the ways to run it (delete the run, generateName, runs submit). A run started over
 * HTTP carries the name as the label `workflows.argoproj.io/workflow`, which apply finds.
 * Through the strata CLI as processes and real HTTP on a real strata.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const DIR = argoFixtures('named').dir;
const file = (n: string) => join(DIR, n);
const LABEL = 'workflows.argoproj.io/workflow';

const svc = useRunService();
const env = cliEnv(svc);

/** The runs labelled as Argo Workflow `name`'s, by the label selector over HTTP. */
const runsOf = async (name: string): Promise<Array<{ id: string; flow: string; labels: Record<string, string> }>> => (await svc.call('GET', `/v1/runs?selector=${encodeURIComponent(`${LABEL}=${name}`)}`)).body.runs;
const allRuns = async (): Promise<number> => (await svc.call('GET', '/v1/runs')).body.runs.length;

describe('a Workflow with a fixed name applied again (R6)', () => {
  it('unchanged: no second run, said; edited: refused naming the name and how to run it, nothing stored; after the run is deleted it applies', async () => {
    const first = await runStrata(['apply', file('named.yaml')], env);
    expect(first.code, first.stderr).toBe(0);
    const id = /run (\S+) started for Argo Workflow wn-named/.exec(first.stdout)![1];
    expect((await runsOf('wn-named')).map((r) => r.id)).toEqual([id]);

    const again = await runStrata(['apply', file('named.yaml')], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`run ${id} of Argo Workflow wn-named unchanged`);
    expect(again.stdout).not.toContain('started');
    expect((await runsOf('wn-named')).map((r) => r.id)).toEqual([id]);

    const before = await allRuns();
    const edited = await runStrata(['apply', file('named-edited.yaml')], env);
    expect(edited.code).toBe(5); // a conflict, as Argo's AlreadyExists (409)
    expect(edited.stderr).toContain('Workflow wn-named');
    expect(edited.stderr).toContain('already exists');
    expect(edited.stderr).toContain(`strata runs delete ${id}`);
    expect(edited.stderr).toContain('generateName');
    expect(edited.stderr).not.toMatch(/\n\s+at /);
    expect(await allRuns()).toBe(before);

    const deleted = await runStrata(['runs', 'delete', id], env);
    expect(deleted.code, deleted.stderr).toBe(0);
    const now = await runStrata(['apply', file('named-edited.yaml')], env);
    expect(now.code, now.stderr).toBe(0);
    const second = /run (\S+) started for Argo Workflow wn-named/.exec(now.stdout)![1];
    expect((await runsOf('wn-named')).map((r) => r.id)).toEqual([second]);
    expect((await svc.waitRun(second, 60_000)).steps.main.result).toBe('second version');
  }, 180_000);

  it('a run started by POST /v1/runs is labelled with the name, and apply of the same document after it starts none', async () => {
    const r = await svc.call('POST', '/v1/runs', readFileSync(file('named-http.yaml'), 'utf8'));
    expect(r.status).toBe(202);
    const runs = await runsOf('wn-http');
    expect(runs.map((x) => x.id)).toEqual([r.body.runId]);
    expect(runs[0].labels[LABEL]).toBe('wn-http');
    const applied = await runStrata(['apply', file('named-http.yaml')], env);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain(`run ${r.body.runId} of Argo Workflow wn-http unchanged`);
    expect((await runsOf('wn-http')).map((x) => x.id)).toEqual([r.body.runId]);
    // strata runs submit starts another run each time (how to run it again), labelled the same.
    const submitted = await runStrata(['runs', 'submit', file('named-http.yaml')], env);
    expect(submitted.code, submitted.stderr).toBe(0);
    const other = /run (\S+) submitted/.exec(submitted.stdout)![1];
    expect((await runsOf('wn-http')).map((x) => x.id).sort()).toEqual([r.body.runId, other].sort());
  }, 120_000);

  it('generateName: every apply starts a run', async () => {
    const before = await allRuns();
    for (let i = 0; i < 2; i++) {
      const p = await runStrata(['apply', file('generated.yaml')], env);
      expect(p.code, p.stderr).toBe(0);
      expect(p.stdout).toMatch(/run \S+ started for Argo Workflow wn-generated/);
    }
    expect(await allRuns()).toBe(before + 2);
  }, 120_000);
});
