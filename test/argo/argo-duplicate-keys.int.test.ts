/**
 * A key given twice in one mapping of an Argo document. strata refuses it in every other
 * document (tester 17, test/api/duplicate-keys.int.test.ts), and so do `argo submit` (its
 * `--strict`, on by default, reads with sigs.k8s.io/yaml's YAMLToJSONStrict: `key "command"
 * already set in map`) and `kubectl apply` (`--validate=strict`); but an Argo file the CLI
 * read, and an Argo body of POST /v1/runs, kept the last value without a word (the command
 * that ran was the second one written). Now both routes refuse it, naming the file (or
 * body), the key's path and its lines: exit 2 or 400, nothing registered, no run started.
 * Through the real stack: `strata` processes against a real service, real HTTP.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { argoFixtures } from '../support/documents.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';

const { dir, read } = argoFixtures('duplicate-keys');
const file = (name: string) => `${dir}/${name}`;
const svc = useRunService();
const TWICE = 'is given twice';

const runCount = async () => (await svc.call('GET', '/v1/runs?limit=1000')).body.runs.length as number;
const stored = async (name: string) => (await svc.call('GET', `/v1/flows/${name}`)).status;

describe('an Argo document with a key given twice', { timeout: 120_000 }, () => {
  const cases: Array<[string, string, string]> = [
    ['workflow.yaml', 'workflow.yaml.spec.templates[0].container.command', 'workflow.yaml.spec.templates[0].container (lines 13 and 14'],
    ['templates.yaml', 'templates.yaml[1].metadata.labels.team', 'templates.yaml[1].metadata.labels (line 16'],
    ['workflow.json', 'workflow.json.spec.templates[0].container.command', 'workflow.json.spec.templates[0].container'],
    ['lenient.yaml', 'lenient.yaml.spec.templates[0].container.image', 'lenient.yaml.spec.templates[0].container (lines 12 and 13'],
  ];

  it.each([[['import', 'argo']], [['apply']], [['runs', 'submit']], [['plan']]])('is refused by strata %j: exit 2 naming the file, the key and its lines, nothing stored', async (command) => {
    const before = await runCount();
    for (const [name, path, where] of cases) {
      const r = await runStrata([...command, file(name)], cliEnv(svc));
      expect(r.code, `${name}: ${r.stdout}${r.stderr}`).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`${dir}/${path}: the key "${path.split('.').pop()}" ${TWICE} in ${dir}/${where}`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    for (const name of ['twice', 'twice-lib', 'twice-uses', 'twice-json', 'twice-lenient']) expect(await stored(name), name).toBe(404);
    expect(await runCount()).toBe(before);
  });

  it('is refused by POST /v1/runs, YAML or JSON, as it is or as a run request: 400 naming the body\'s key, nothing started', async () => {
    const before = await runCount();
    const yaml = 'application/yaml';
    const json = 'application/json';
    const wrapped = `{"flow": ${read('workflow.json')}, "params": {}}`;
    const rows: Array<[string, string, string]> = [
      [read('workflow.yaml'), yaml, 'body.spec.templates[0].container.command'],
      [read('lenient.yaml'), yaml, 'body.spec.templates[0].container.image'],
      [read('workflow.json'), json, 'body.spec.templates[0].container.command'],
      [wrapped, json, 'body.flow.spec.templates[0].container.command'],
      [read('templates.yaml').split('---\n')[1].replace('{name: twice-lib, template: say}', '{name: nowhere, template: say}'), yaml, 'body.metadata.labels.team'],
    ];
    for (const [body, type, path] of rows) {
      const r = await svc.call('POST', '/v1/runs', body, { 'content-type': type });
      expect(r.status, `${path}: ${r.text}`).toBe(400);
      expect(r.body.error.code).toBe('invalid_request');
      expect(r.body.error.message).toContain(`${path}: the key "${path.split('.').pop()}" ${TWICE}`);
    }
    expect(await runCount()).toBe(before);
    expect(await stored('twice')).toBe(404);
  });

  it('takes a key a merge key brings in and the mapping gives again as an override, as YAML\'s merge type says', async () => {
    const r = await runStrata(['import', 'argo', file('merge.yaml'), '-o', 'json'], cliEnv(svc));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.stringify(JSON.parse(r.stdout))).toContain('"command":["echo","main"]');
    const run = await svc.runToEnd(readFileSync(file('merge.yaml'), 'utf8'));
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(run.steps.main.result).toBe('main');
  });
});
