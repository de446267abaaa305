/**
 * Issue 12: a Workflow with `workflowTemplateRef` and an `entrypoint` of its own starts from
 * that template of the WorkflowTemplate (argo-workflows workflow/util/merge.go
 * JoinWorkflowSpec: the Workflow's spec fields win over the WorkflowTemplate's), and `strata
 * runs submit --entrypoint` goes with `--use`/`--from` as `argo submit --from
 * workflowtemplate/NAME --entrypoint T` does (workflow/util/util.go ApplySubmitOpts sets the
 * entrypoint of the Workflow made with a workflowTemplateRef). Through the real stack: the
 * `strata` CLI as processes, POST /v1/runs, the local runtime.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunView } from '../../src/run/run-view.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const { dir: DIR, read } = argoFixtures('wfref-entrypoint');
const env = cliEnv(svc);

/** Each step's result of a run that must have succeeded. */
function results(r: RunView): Record<string, unknown> {
  expect(r.status, r.error ?? JSON.stringify(r.steps)).toBe('succeeded');
  return Object.fromEntries(Object.entries(r.steps).filter(([, s]) => s.result !== undefined).map(([id, s]) => [id, s.result]));
}

/** Submit with the CLI; the run it started, to its end. */
async function submitted(args: string[]): Promise<RunView> {
  const out = await runStrata(['runs', 'submit', ...args], env);
  expect(out.code, out.stdout + out.stderr).toBe(0);
  return svc.waitRun(/run (\S+) submitted/.exec(out.stdout)![1], 60_000);
}

beforeAll(async () => {
  const out = await runStrata(['apply', join(DIR, 'wt.yaml')], env);
  expect(out.code, out.stdout + out.stderr).toBe(0);
});

describe('workflowTemplateRef with an entrypoint of its own', () => {
  it('strata runs submit of the Workflow with its WorkflowTemplate in the same file: it starts from its entrypoint, with its arguments', async () => {
    const both = join(tmpdir(), `strata-wfref-entry-${process.pid}.yaml`);
    writeFileSync(both, `${read('wt.yaml')}\n---\n${read('wf-entry.yaml')}`);
    try {
      expect(results(await submitted([both]))).toEqual({ say: 'second from-workflow' });
      // --entrypoint over the Workflow's own, checked against the WorkflowTemplate in the file.
      const bad = await runStrata(['runs', 'submit', both, '--entrypoint', 'nosuch'], env);
      expect(bad.code, bad.stdout).toBe(2);
      expect(bad.stderr).toContain('--entrypoint nosuch: WorkflowTemplate ep-lib, which Workflow ep-run-');
      expect(bad.stderr).toContain('has no template "nosuch" (it has first, second, echo)');
    } finally {
      rmSync(both, { force: true });
    }
  });

  it('POST /v1/runs of the Workflow (the WorkflowTemplate applied): the same', async () => {
    expect(results(await svc.runToEnd(read('wf-entry.yaml')))).toEqual({ say: 'second from-workflow' });
  });

  it('without one, the WorkflowTemplate\'s entrypoint runs', async () => {
    expect(results(await svc.runToEnd(read('wf-entry.yaml').replace('entrypoint: second', '')))).toEqual({ main: 'first from-workflow' });
  });

  it('an entrypoint naming no template of the WorkflowTemplate is refused naming it (CLI exit 2, HTTP 400), nothing started', async () => {
    const out = await runStrata(['runs', 'submit', join(DIR, 'wf-entry-bad.yaml')], env);
    expect(out.code, out.stdout).toBe(2);
    expect(out.stderr).toContain('spec.entrypoint names no template ("nosuch")');
    expect(out.stderr).not.toMatch(/\n\s+at /);
    const r = await svc.call('POST', '/v1/runs', read('wf-entry-bad.yaml'));
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(JSON.stringify(r.body)).toContain('spec.entrypoint names no template (\\"nosuch\\")');
  });
});

describe('strata runs submit --entrypoint with --use / --from (a registered WorkflowTemplate)', () => {
  it('--from workflowtemplate/ep-lib --entrypoint second -p msg=cli', async () => {
    expect(results(await submitted(['--from', 'workflowtemplate/ep-lib', '--entrypoint', 'second', '-p', 'msg=cli']))).toEqual({ say: 'second cli' });
  });

  it('--use ep-lib --entrypoint echo -p m=direct: a template with an input of its own, given by -p', async () => {
    expect(results(await submitted(['--use', 'ep-lib', '--entrypoint', 'echo', '-p', 'm=direct']))).toEqual({ main: 'direct' });
  });

  it('--use ep-lib --entrypoint nosuch is refused naming the template (exit 2)', async () => {
    const out = await runStrata(['runs', 'submit', '--use', 'ep-lib', '--entrypoint', 'nosuch'], env);
    expect(out.code, out.stdout).toBe(2);
    expect(out.stderr).toContain('"nosuch"');
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('--use ep-lib@OLD --entrypoint second is refused naming the version applied last, not run as that version (nothing started)', async () => {
    const before = (await svc.call('GET', '/v1/flows/ep-lib')).body as { versions: Array<{ metadata: { version: string } }>; latest: string };
    const edited = join(tmpdir(), `strata-wfref-entry-v2-${process.pid}.yaml`);
    writeFileSync(edited, read('wt.yaml').replace('value: from-template', 'value: from-template-2'));
    try {
      const applied = await runStrata(['apply', edited], env);
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    } finally {
      rmSync(edited, { force: true });
    }
    const after = (await svc.call('GET', '/v1/flows/ep-lib')).body as { latest: string };
    expect(after.latest).not.toBe(before.latest);
    const runs = (await svc.call('GET', '/v1/runs')).body.runs.length;
    const old = await runStrata(['runs', 'submit', '--use', `ep-lib@${before.latest}`, '--entrypoint', 'second'], env);
    expect(old.code, old.stdout).toBe(2);
    expect(old.stderr).toContain(`--use ep-lib@${before.latest} names a version of WorkflowTemplate ep-lib other than the one applied last (${after.latest})`);
    expect((await svc.call('GET', '/v1/runs')).body.runs.length).toBe(runs);
    // The version applied last, named or not, runs from that entrypoint.
    expect(results(await submitted(['--use', `ep-lib@${after.latest}`, '--entrypoint', 'second']))).toEqual({ say: 'second from-template-2' });
    expect(results(await submitted(['--use', 'ep-lib', '--entrypoint', 'second']))).toEqual({ say: 'second from-template-2' });
  });

  it('--entrypoint with --use of a strata Flow (not a WorkflowTemplate) is refused saying so', async () => {
    const flow = parse(readFileSync(join('test', 'fixtures', 'argo', 'hello.flow.yaml'), 'utf8'));
    const put = await svc.call('POST', '/v1/flows', flow);
    expect(put.status, JSON.stringify(put.body)).toBeLessThan(300);
    const out = await runStrata(['runs', 'submit', '--use', 'hello', '--entrypoint', 'x'], env);
    expect(out.code, out.stdout).toBe(2);
    expect(out.stderr).toContain('--entrypoint x');
    expect(out.stderr).toContain('not made from an Argo WorkflowTemplate');
  });
});
