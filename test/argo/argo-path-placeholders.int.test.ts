/**
 * Argo tester 7, R11: Argo's path placeholders (`{{inputs.artifacts.NAME.path}}`,
 * `{{outputs.artifacts.NAME.path}}`, `{{outputs.parameters.NAME.path}}`, the set Argo's
 * substituteParams gives a template, workflow/common/util.go) were refused by the importer.
 * They are the declared path of that artifact or parameter: a run on the local runtime
 * writes and reads through them, over HTTP and through the CLI; one without a declared path
 * is refused naming the template and the tag.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const env = cliEnv(svc);
const FIXTURES = argoFixtures('path-placeholders').dir;
const PATHS = join(FIXTURES, 'paths.yaml');

describe('Argo path placeholders (R11)', () => {
  it('a run over HTTP: the container writes its outputs through them, the next reads its input through one', async () => {
    const r = await svc.runToEnd({ flow: parse(readFileSync(PATHS, 'utf8')) });
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps.make.result).toBe('/tmp/out/note.txt /tmp/out/p.txt');
    expect(r.steps.show.result).toBe('/tmp/in/message: hello-art');
  }, 90_000);

  it('strata runs submit --watch runs it the same way (exit 0)', async () => {
    const p = await runStrata(['runs', 'submit', PATHS, '--watch'], env);
    expect(p.code, p.stderr).toBe(0);
  }, 90_000);

  it('strata import argo writes the declared paths in the task', async () => {
    const p = await runStrata(['import', 'argo', PATHS]);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toContain('echo hello-art > /tmp/out/note.txt && printf p-value > /tmp/out/p.txt');
    expect(p.stdout).toContain('echo "/tmp/in/message: $(cat /tmp/in/message)"');
  });

  it.each([
    ['an input artifact without a path', 'inputs.artifacts.message.path', { inputs: { artifacts: [{ name: 'message', optional: true }] } }],
    ['an output parameter without valueFrom.path', 'outputs.parameters.nope.path', {}],
    ['an output artifact not declared', 'outputs.artifacts.nope.path', {}],
  ])('%s is refused naming the template and the tag (import exit 2, HTTP 400)', async (_d, tag, extra) => {
    const doc = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'path-bad' },
      spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine', command: ['cat', `{{${tag}}}`] }, ...extra }] },
    };
    const r = await svc.call('POST', '/v1/runs', doc);
    expect(r.status, r.text).toBe(400);
    expect(r.body.error.message).toContain(`template main, command[1]: {{${tag}}}: `);
    expect(r.body.error.message).not.toContain('is not a variable strata maps');
  });
});
