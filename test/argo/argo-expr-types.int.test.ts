/**
 * Argo `{{= }}` expressions follow expr-lang's type rules (Argo tester 3, N11), through the
 * real stack: documents sent as they are to `POST /v1/runs` and run on the local runtime
 * (real HTTP, Redis, BullMQ, processes), and `strata import argo` as a real process. What
 * expr refuses (`"5" + 1`, `!` on a text, `in` on a text, `"5" < 10`) fails the step, or is
 * refused at import when it reads nothing of the run, named; what expr evaluates keeps its value.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunView } from '../../src/run/run-view.ts';
import { runStrata } from '../support/processes.ts';
import { useRunService } from '../support/use-run-service.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-argo-');

const svc = useRunService();
const fixture = (dir: string, name: string): string => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'argo', dir, name), 'utf8');
/** faults-4/expr-error.yaml: step show echoes "got {{=EXPRESSION}}"; parameters x = "12", zero = "0". */
const withExpression = (expr: string): string => fixture('faults-4', 'expr-error.yaml').replace('{{=EXPRESSION}}', `{{=${expr}}}`);
const run = (doc: string, params: Record<string, unknown> = {}): Promise<RunView> => svc.runToEnd({ flow: parse(doc), params });

describe('what Argo\'s expr refuses fails the step, named (N11)', () => {
  it.each([
    ['a text parameter + a number', 'workflow.parameters.x + 1', 'invalid operation: "12" + 1 (mismatched types string and int)'],
    ['! on a text parameter', '!workflow.parameters.x', 'invalid operation: ! needs a bool, and "12" is string'],
    ['in on a text parameter', "'2' in workflow.parameters.x", 'operator "in" not defined on string ("12")'],
    ['a text parameter < a number', 'workflow.parameters.x < 20', 'invalid operation: "12" < 20 (mismatched types string and int)'],
    ['&& on a text parameter', 'workflow.parameters.x && true', '&& needs a bool, and "12" is string'],
  ])('%s: the step fails naming the template, the field and the expression', async (_d, expr, why) => {
    const r = await run(withExpression(expr));
    expect(r.status, JSON.stringify(r.steps)).toBe('failed');
    expect(r.steps.show.status).toBe('failed');
    expect(r.steps.show.result ?? null).toBeNull();
    expect(r.steps.show.error).toContain(`template main, step show, arguments.parameters(m): expression "${expr}": `);
    expect(r.steps.show.error).toContain(why);
  });

  it.each([
    ["'5' + 1", 'invalid operation: "5" + 1 (mismatched types string and int)'],
    ["!'x'", '! needs a bool, and "x" is string'],
    ["'World' in 'Hello World'", 'for a substring write "Hello World" contains "World"'],
    ["'5' < 10", 'invalid operation: "5" < 10'],
  ])('a constant %s is refused at import: strata import argo exit 2, POST /v1/runs 400, named', async (expr, why) => {
    const doc = withExpression(expr);
    const file = join(newTempDir(), 'wf.yaml');
    writeFileSync(file, doc);
    const out = await runStrata(['import', 'argo', file]);
    expect(out.code, out.stdout).toBe(2);
    expect(out.stderr).toContain(`template main, step show, arguments.parameters(m): expression "${expr}": `);
    expect(out.stderr).toContain(why);
    expect(out.stderr).not.toMatch(/\n\s+at /);
    const posted = await svc.call('POST', '/v1/runs', doc, { 'content-type': 'application/yaml' });
    expect(posted.status, posted.text).toBe(400);
    expect(posted.text).toContain('template main, step show, arguments.parameters(m)');
  });

  it('what expr evaluates keeps its value: texts joined and compared, in a list, contains, nil, ternary, || giving its second value', async () => {
    const r = await run(fixture('tester-3', 'expr-types-kept.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    const results = Object.fromEntries(['join', 'int-plus', 'text-gt', 'in-list', 'contains', 'nil', 'empty', 'not-cmp', 'or-value', 'gate'].map((k) => [k, r.steps[k]?.result]));
    expect(results).toEqual({
      join: 'Hello World!',
      'int-plus': 6,
      'text-gt': true, // "5" > "10" as texts
      'in-list': true,
      contains: true,
      nil: false, // a parameter is never nil
      empty: 'empty',
      'not-cmp': false,
      'or-value': 'Hello World',
      gate: 'gate-ran',
    });
  });
});
