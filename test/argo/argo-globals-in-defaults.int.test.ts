/**
 * Argo tester 7, R1 (the rest): a `{{workflow.parameters.x}}` or `{{workflow.name}}` written
 * in the entrypoint template's own input value or default, in a WorkflowTemplate template's
 * input default (called by templateRef), or in an output parameter's `valueFrom.default`, was
 * passed on as its text, so a step wrote to `s3://{{workflow.parameters.bucket}}/out`. Argo
 * substitutes the globals over the template, its inputs and outputs included
 * (workflow/common/util.go SubstituteParams; the entrypoint at workflow start). Through the
 * real stack: `strata apply` and `strata runs submit` as processes, and POST /v1/runs.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunView } from '../../src/run/run-view.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const env = cliEnv(svc);
const { dir: DIR, read } = argoFixtures('globals-in-defaults');

/** Run a CLI command against the service; it must exit 0. */
async function strata(args: string[]): Promise<string> {
  const out = await runStrata(args, env);
  expect(out.code, out.stdout + out.stderr).toBe(0);
  return out.stdout;
}

/** `strata runs submit ARGS`, the run waited to its end: the results of its steps, by id. */
async function submitted(args: string[]): Promise<Record<string, unknown>> {
  const out = await strata(['runs', 'submit', ...args]);
  return results(await svc.waitRun(/run (\S+) submitted/.exec(out)![1], 90_000));
}

function results(r: RunView): Record<string, unknown> {
  expect(r.status, r.error ?? JSON.stringify(r.steps)).toBe('succeeded');
  return Object.fromEntries(Object.entries(r.steps).map(([k, s]) => [k, s.result]));
}

describe("a workflow parameter in the entrypoint's own input (R1 a)", { timeout: 120_000 }, () => {
  it('a WorkflowTemplate run whole (runs submit --from): its entry input default reads the run\'s bucket, -p bucket and -p target as given', async () => {
    await strata(['apply', join(DIR, 'entry-wt.yaml')]);
    const plain = await submitted(['--from', 'workflowtemplate/g1-entry']);
    expect(plain.main).toMatch(/^uploading to s3:\/\/my-bucket\/out as g1-entry-\S+$/);
    expect((await submitted(['--from', 'workflowtemplate/g1-entry', '-p', 'bucket=other'])).main).toMatch(/^uploading to s3:\/\/other\/out as /);
    expect((await submitted(['--from', 'workflowtemplate/g1-entry', '-p', 'target=s3://given/x'])).main).toMatch(/^uploading to s3:\/\/given\/x as /);
  });

  it('POST /v1/runs: a WorkflowTemplate sent whole, and a Workflow whose entry input value reads the bucket and the workflow\'s name', async () => {
    expect(results(await svc.runToEnd(read('entry-wt.yaml'))).main).toMatch(/^uploading to s3:\/\/my-bucket\/out as /);
    expect(results(await svc.runToEnd(read('entry-wf.yaml'))).main).toBe('uploading to s3://my-bucket/g1-entry-wf');
    expect(results(await svc.runToEnd({ flow: parse(read('entry-wf.yaml')), params: { bucket: 'other' } })).main).toBe('uploading to s3://other/g1-entry-wf');
  });
});

describe("a workflow parameter in a templateRef template's input default (R1 b)", { timeout: 120_000 }, () => {
  it("strata apply of the WorkflowTemplate, runs submit of the caller: the default reads the caller's bucket", async () => {
    await strata(['apply', join(DIR, 'lib-wt.yaml')]);
    expect((await submitted([join(DIR, 'lib-caller.yaml')])).up).toBe('uploading to s3://caller-bucket/out');
    expect(results(await svc.runToEnd({ flow: parse(read('lib-caller.yaml')), params: { bucket: 'posted' } })).up).toBe('uploading to s3://posted/out');
  });
});

describe("a workflow parameter in an output parameter's valueFrom.default (R1 c)", { timeout: 120_000 }, () => {
  it("POST /v1/runs: a container's unwritten file and a steps template's output over a skipped step give the default, read", async () => {
    expect(results(await svc.runToEnd(read('output-default.yaml'))).show).toBe('a=p-from-workflow b=q-from-workflow');
    expect(results(await svc.runToEnd({ flow: parse(read('output-default.yaml')), params: { fallback: 'given' } })).show).toBe('a=p-given b=q-given');
  });
});
