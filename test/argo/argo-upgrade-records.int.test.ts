/**
 * Flows an older strata registered from Argo documents, run by this one (a tester's pass over
 * issue 12). The records are what those stratas made (test/fixtures/argo/upgrade/*.json,
 * `strata import argo` of the YAML beside them, built at the commit before the change):
 * before 5d7d37f a Workflow's or WorkflowTemplate's flow recorded no volumes, and a run of
 * one whose templateRef'd template (applied now) mounts a volume its document has was refused
 * saying the Workflow "has none"; before cbfcdc8 the steps and dag templates nested in a
 * WorkflowTemplate's unit did not take the calling Workflow's retryStrategy. Each runs now (a
 * working run, as it ran then), never a wrong refusal or a stack trace. Through the real
 * stack: POST /v1/flows of the records, `strata apply` and `strata runs submit` as processes,
 * POST /v1/runs.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunView } from '../../src/run/run-view.ts';
import { argoFixtures } from '../support/documents.ts';
import { runStrata } from '../support/processes.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const env = cliEnv(svc);
const { dir: DIR, read } = argoFixtures('upgrade');
const tempDir = useTempDirs('strata-upgrade-');

/** Registers the flows of record file `name` as the older strata stored them (POST /v1/flows); their refs. */
async function registerOld(name: string): Promise<string[]> {
  const refs: string[] = [];
  for (const f of JSON.parse(read(name)) as Array<{ metadata: { name: string; version: string } }>) {
    const r = await svc.call('POST', '/v1/flows', f);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    refs.push(`${f.metadata.name}@${f.metadata.version}`);
  }
  return refs;
}

function results(r: RunView): string[] {
  expect(r.status, r.error ?? JSON.stringify(r.steps).slice(0, 3000)).toBe('succeeded');
  return [...new Set(Object.values(r.steps).map((s) => s.result).filter((x): x is string => typeof x === 'string' && x !== ''))];
}

describe('flows registered by an older strata run now (issue 12, a tester\'s pass)', { timeout: 90_000 }, () => {
  it('a Workflow flow from before volumes were recorded (5d7d37f) runs its templateRef\'d template mounting a volume it has (POST /v1/runs use, strata runs submit --use)', async () => {
    const applied = await runStrata(['apply', join(DIR, 'vol-lib.yaml')], env);
    expect(applied.code, applied.stderr).toBe(0);
    const [ref] = await registerOld('vol-caller.before-5d7d37f.json');
    const r = await svc.call('POST', '/v1/runs', { use: ref });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect(results(await svc.waitRun(r.body.runId, 60_000))).toEqual(['kept']);
    const sub = await runStrata(['runs', 'submit', '--use', ref], env);
    expect(sub.code, sub.stderr).toBe(0);
    expect(results(await svc.waitRun(/run (\S+) submitted/.exec(sub.stdout)![1], 60_000))).toEqual(['kept']);
    // This strata's flow of the Workflow records its volumes: without `work` it is refused, naming the mount.
    const without = await svc.call('POST', '/v1/runs', read('vol-caller.yaml').replace('  volumes:\n    - name: work\n      emptyDir: {}\n', ''));
    expect(without.status, JSON.stringify(without.body)).toBe(400);
    expect(JSON.stringify(without.body)).toContain('volume \\"work\\" is not in the running Workflow\'s spec.volumes (it has none)');
  });

  it('a WorkflowTemplate\'s entry flow from before 5d7d37f runs from its entrypoint (strata runs submit --from, POST /v1/runs use)', async () => {
    const entry = (await registerOld('vol-entry.before-5d7d37f.json')).find((ref) => ref.startsWith('upgrade-vol-entry@'))!;
    const sub = await runStrata(['runs', 'submit', '--from', 'workflowtemplate/upgrade-vol-entry'], env);
    expect(sub.code, sub.stderr).toBe(0);
    expect(results(await svc.waitRun(/run (\S+) submitted/.exec(sub.stdout)![1], 60_000))).toEqual(['kept']);
    const r = await svc.call('POST', '/v1/runs', { use: entry });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect(results(await svc.waitRun(r.body.runId, 60_000))).toEqual(['kept']);
  });

  it('the same WorkflowTemplate applied again over an older strata\'s flows of it is refused saying why and what to do (exit 5, 409); deleted, it applies', async () => {
    // Its version is the digest of the document, the same as the older strata's, whose flows differ (versions are immutable).
    const again = await runStrata(['apply', join(DIR, 'vol-entry.yaml')], env);
    expect(again.code, again.stdout + again.stderr).toBe(5);
    expect(again.stderr).not.toMatch(/\n\s+at /);
    const said = 'is registered already from the same Argo document (its version is the document\'s digest) by a strata that made it otherwise, an older one: versions are immutable, so delete it (strata flows delete upgrade-vol-entry) and apply the document again';
    expect(again.stderr).toContain(said);
    const r = await svc.call('POST', '/v1/runs', read('vol-entry.yaml'));
    expect(r.status, JSON.stringify(r.body)).toBe(409);
    expect(r.body.error.message).toContain(said);
    expect((await runStrata(['flows', 'delete', 'upgrade-vol-entry'], env)).code).toBe(0);
    const applied = await runStrata(['apply', join(DIR, 'vol-entry.yaml')], env);
    expect(applied.code, applied.stderr).toBe(0);
    const sub = await runStrata(['runs', 'submit', '--from', 'workflowtemplate/upgrade-vol-entry'], env);
    expect(sub.code, sub.stderr).toBe(0);
    expect(results(await svc.waitRun(/run (\S+) submitted/.exec(sub.stdout)![1], 60_000))).toEqual(['kept']);
  });

  it('a WorkflowTemplate\'s units from before cbfcdc8 (steps over dag over a script) run under a calling Workflow\'s retryStrategy: the failed script is retried', async () => {
    await registerOld('nest-lib.before-cbfcdc8.json');
    const marks = await tempDir();
    const r = await svc.call('POST', '/v1/runs', { flow: parse(read('nest-call.yaml')), params: { marks } });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect(results(await svc.waitRun(r.body.runId, 60_000))).toEqual(['run 1']);
    expect(readdirSync(marks).sort()).toEqual(['run-0', 'run-1']);
  });
});
