/**
 * Argo tester 8, S6: refusals that say the place (document, template, field) and the rule
 * broken, never a library's words: -p names, long names, an input default reading another
 * input, YAML without a place, empty documents. Through the
 * real stack: `strata import argo`, `apply`, `plan`, `runs submit` as processes and POST
 * /v1/runs on a real strata: 400 with nothing stored, exit 2.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';
import { argoRefused, said } from '../support/argo-refused.ts';

const svc = useRunService();
const env = cliEnv(svc);
const { dir, read } = argoFixtures('refusals');
const file = (n: string) => join(dir, n);
const refused = (name: string) => argoRefused(svc, file(name), read(name));

describe('S6: refusals that say the place and the rule', () => {
  it('a step and template name longer than 128 characters says its length and the limit', async () => {
    const { problems } = await refused('long-name.yaml');
    expect(problems.map((p) => p.path.replace(/^.*?spec\./, 'spec.').replace(/\(t{20,}.*\)\)/, '(ttt…)'))).toEqual([
      'spec.templates[0](main).steps[0][0].name',
      'spec.templates[0](main).steps[0][0].template',
      'spec.templates[1](ttt…).name',
    ]);
    for (const p of problems) expect(p.message).toBe('has 200 characters, more than the 128 a name may have');
  });

  it('an input default reading another input of its template says why, not that the input is missing', async () => {
    const { problems } = await refused('input-reads-input.yaml');
    expect(said(problems)).toEqual([
      'template main, step s, template say, inputs.parameters(b): {{inputs.parameters.a}}: an input\'s value or default is substituted with the workflow\'s parameters only (Argo leaves another input\'s tag in it as text); give b as an argument, or read {{inputs.parameters.a}} where b is used',
    ]);
  });

  it('YAML errors without a place get their line and column: an alias to another document\'s anchor, a merge key of a scalar', async () => {
    const alias = await refused('cross-doc-alias.yaml');
    expect(alias.stderr).toContain('cross-doc-alias.yaml[1]: alias *c at line 18, column 16 names no anchor set before it in its document (an anchor holds only in the document it is set in; documents are separated by ---)');
    expect(said(alias.problems)).toEqual(['body[1]: alias *c at line 18, column 16 names no anchor set before it in its document (an anchor holds only in the document it is set in; documents are separated by ---)']);
    const merge = await refused('merge-scalar.yaml');
    expect(merge.stderr).toContain('merge-scalar.yaml: the merge key << at line 11, column 7 is given a scalar (*s, "hello"); it merges a map or a list of maps');
    expect(said(merge.problems)).toEqual(['body: the merge key << at line 11, column 7 is given a scalar (*s, "hello"); it merges a map or a list of maps']);
  });

  it('a body or file of empty documents (---, ---) is said to hold no document, not the YAML library\'s advice (HTTP, CLI apply and import argo)', async () => {
    const before = (await svc.call('GET', '/v1/runs')).body.runs.length;
    const r = await svc.call('POST', '/v1/runs', read('empty-documents.yaml'));
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.error.message).toBe('body is not valid YAML: body: holds no document: 2 YAML documents, each empty');
    expect(r.body.error.message).not.toContain('parseAllDocuments');
    expect((await svc.call('GET', '/v1/runs')).body.runs.length).toBe(before);
    const two = await svc.call('POST', '/v1/runs', 'a: 1\n---\nb: 2\n');
    expect(two.status).toBe(400);
    expect(two.body.error.message).toBe('body is not valid YAML: body: holds 2 YAML documents; a request body holds one');
    for (const cmd of [['apply'], ['import', 'argo']]) {
      const p = await runStrata([...cmd, file('empty-documents.yaml')], env);
      expect(p.code, cmd.join(' ')).toBe(2);
      expect(p.stderr).toBe(`strata: ${file('empty-documents.yaml')}: holds no document: 2 YAML documents, each empty\n`);
    }
  });

  it('-p with a bad name says the name and the rule (plan, apply, runs submit)', async () => {
    const long = 'n'.repeat(200);
    for (const cmd of [['plan', '--dry-run'], ['apply'], ['runs', 'submit']]) {
      const spaced = await runStrata([...cmd, file('params.yaml'), '-p', 'a b=c'], env);
      expect(spaced.code, cmd.join(' ')).toBe(2);
      expect(spaced.stderr).toBe('strata: -p a b=c: "a b" is not a parameter name: letters, digits, "_", "." and "-", starting with a letter or "_" (a space is not allowed)\n');
      const tooLong = await runStrata([...cmd, file('params.yaml'), '-p', `${long}=1`], env);
      expect(tooLong.code).toBe(2);
      expect(tooLong.stderr).toBe(`strata: -p ${long}=1: the parameter name has 200 characters, more than the 128 a name may have\n`);
    }
    // Without "=" it is no key=value at all (one command: the collector is the same for each).
    const noValue = await runStrata(['plan', '--dry-run', file('params.yaml'), '-p', 'a'], env);
    expect(noValue.code).toBe(2);
    expect(noValue.stderr).toBe('strata: -p a: give a parameter as key=value\n');
  });
});
