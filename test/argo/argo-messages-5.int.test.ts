/**
 * Messages on the paths the fifth Argo tester changed (Argo tester 5, P9; N8's rest): an
 * Argo document's failures are said in Argo's terms (template, step, field, withParam,
 * `{{item.x}}` as written), a strata flow's in the flow's (fanOut.over, when), never with
 * strata's internals (`json-logic failed`, `fanOut.over` for an Argo loop, the importer's
 * `<step>_item` names, the expression parser's raw words). Through the real stack: POST
 * /v1/runs and `strata runs submit` / `strata import argo` as processes, real runs on the
 * local runtime at both levels for strata's own flows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LEVELS } from '../support/levels.ts';
import { runAtLevel } from '../support/level-runs.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const DIR = argoFixtures('tester-5').dir;
const file = (name: string): string => join(DIR, name);
const svc = useRunService();
const env = cliEnv(svc);

const INTERNALS = /json-logic|fanOut|fromJson|_item\b|spec\.root/;

describe('an Argo run\'s failures in Argo\'s terms (P9)', { timeout: 120_000 }, () => {
  it('a value mixing a skipped step\'s result and an expression: the template and field, no json-logic', async () => {
    const run = await svc.runToEnd(readFileSync(file('skipped-in-expr-arg.yaml'), 'utf8'));
    expect(run.status).toBe('failed');
    expect(run.steps.mixed.status).toBe('failed');
    expect(run.steps.mixed.error).toMatch(/^template say, container\.command\[1\]: .*step build was skipped and has no result/);
    expect(run.steps.mixed.error).not.toMatch(INTERNALS);
  });

  it('withParam that is not a JSON list, or not JSON: said of withParam, by POST /v1/runs and strata runs submit -p', async () => {
    const cases: Array<[string, RegExp]> = [
      ['{"a": 1}', /template main, step each, withParam "\{\{workflow\.parameters\.v\}\}": the value \{"a": 1\} is not a JSON list/],
      ['[1,2', /template main, step each, withParam "\{\{workflow\.parameters\.v\}\}": the text "\[1,2" is not JSON/],
    ];
    for (const [v, message] of cases) {
      const run = await svc.runToEnd({ flow: (await import('yaml')).parse(readFileSync(file('withparam-not-list.yaml'), 'utf8')), params: { v } });
      expect(run.status).toBe('failed');
      expect(run.steps.each.error).toMatch(message);
      expect(run.error).not.toMatch(INTERNALS);
      const p = await runStrata(['runs', 'submit', file('withparam-not-list.yaml'), '-p', `v=${v}`, '--watch'], env);
      expect(p.code, p.stderr).not.toBe(0);
      expect(`${p.stdout}${p.stderr}`).toMatch(message);
      expect(`${p.stdout}${p.stderr}`).not.toMatch(INTERNALS);
    }
  });

  it('a loop item without the field an argument reads: {{item.nope}} as written, not the importer\'s name (N8)', async () => {
    const run = await svc.runToEnd(readFileSync(file('item-field-missing.yaml'), 'utf8'));
    expect(run.status).toBe('failed');
    expect(run.steps['objs/0'].error).toMatch(/\{\{ item\.nope \}\} is missing: the loop item \{"id":1\} has no "nope"/);
    expect(run.error).not.toMatch(INTERNALS);
  });

  it('an expr slice, which strata does not translate, is refused naming it, by import and POST /v1/runs', async () => {
    const p = await runStrata(['import', 'argo', file('expr-unsupported.yaml')]);
    expect(p.code).toBe(2);
    expect(p.stderr.trim()).toBe('strata: template main, step x17, arguments.parameters(m): expression "workflow.parameters.s[0:5]": slices (s[a:b]) are not supported');
    const r = await svc.call('POST', '/v1/runs', readFileSync(file('expr-unsupported.yaml'), 'utf8'), { 'content-type': 'application/yaml' });
    expect(r.status).toBe(400);
    expect(r.text).toContain('slices (s[a:b]) are not supported');
    expect(r.text).not.toMatch(/Unclosed/);
  });
});

describe.each(LEVELS)('a strata flow\'s failures in the flow\'s terms ($name)', (level) => {
  it('fanOut.over over text that is not JSON, and over a value that is not a list; a when that fails: the field, no json-logic', { timeout: 60_000 }, async () => {
    const each = level.prefix.replace('/', '\\/') + 'each';
    const cases: Array<[unknown, RegExp]> = [
      [{ id: 'each', fanOut: { over: { fromJson: '[1,2' }, do: { task: { image: 'alpine', command: ['echo', '{{ item }}'] } } } }, new RegExp(`^${each}, fanOut\\.over: the text "\\[1,2" is not JSON$`)],
      [{ id: 'each', fanOut: { over: { fromJson: '{"a": 1}' }, do: { task: { image: 'alpine', command: ['echo', '{{ item }}'] } } } }, /^fanOut\.over gave \{"a":1\}, not a list$/],
      [{ id: 'each', when: { '>': [{ '+': ['x', 1] }, 0] }, task: { image: 'alpine', command: ['echo', 'hi'] } }, new RegExp(`^${each}, when: `)],
    ];
    for (const [root, message] of cases) {
      const { run, steps } = await runAtLevel(svc, level, { sequence: [root, { id: 'after', task: { image: 'alpine', command: ['echo', 'after'] } }] });
      expect(steps.each?.status, JSON.stringify(run)).toBe('failed');
      expect(steps.each.error).toMatch(message);
      expect(steps.each.error).not.toMatch(/json-logic failed/);
      expect(run.status).toBe('failed');
      expect(steps.after?.status).toBe('skipped');
    }
  });
});
