/**
 * Messages about Argo documents in Argo's terms (Argo tester 3, N12), through the real
 * stack: `strata import argo` as a real process and `POST /v1/runs` over real HTTP, and a
 * real run on the local runtime for govaluate's IN.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const DIR = argoFixtures('tester-3').dir;
const file = (name: string): string => join(DIR, name);

/** Refused on both routes: `strata import argo` (exit 2, no stack trace) and `POST /v1/runs` (400); the lines the CLI said, and the answer. */
async function refused(name: string): Promise<{ lines: string[]; answer: string }> {
  const out = await runStrata(['import', 'argo', file(name)]);
  expect(out.code, out.stdout).toBe(2);
  expect(out.stderr).not.toMatch(/\n\s+at /);
  const posted = await svc.call('POST', '/v1/runs', readFileSync(file(name), 'utf8'), { 'content-type': 'application/yaml' });
  expect(posted.status, posted.text).toBe(400);
  return { lines: out.stderr.replace(/^strata: /, '').trim().split('\n'), answer: posted.text };
}

describe('Argo messages in Argo terms (N12)', () => {
  it('a depends past its limits is named by template, task and depends, one problem a line', async () => {
    const { lines, answer } = await refused('depends-limits.yaml');
    expect(lines).toEqual([
      'template main, task long, depends: is longer than 4096 characters',
      'template main, task deep, depends: nested more than 64 deep at character 66 ("(")',
      'template main, task nots, depends: nested more than 64 deep at character 66 ("!")',
      'template main, task outcome, depends: "Finished" is not an outcome (Succeeded, Failed, Errored, Skipped, Omitted, Completed, Any, AnySucceeded, AllFailed) at character 1 ("t0.Finished")',
    ]);
    expect(answer).toContain('template main, task deep, depends');
    expect(answer).not.toContain('spec.root');
  });

  it('every refused reference of a step is said at once: its arguments and its govaluate when', async () => {
    const { lines } = await refused('exit-code-refs.yaml');
    expect(lines.map((l) => l.slice(0, l.indexOf(': {{')))).toEqual([
      'template main, step on-3, arguments.parameters(m)',
      'template main, step on-3, when',
      'template main, step expr-exit, when',
    ]);
    for (const l of lines) expect(l).toContain('{{steps.flaky.hostNodeName}}: is not a variable strata maps');
  });

  it('a YAML merge-key chain of 39 aliases is read; 101 aliases are refused naming the line, column and limit', async () => {
    const chain = await runStrata(['import', 'argo', file('merge-chain.yaml'), '-o', 'json']);
    expect(chain.code, chain.stderr).toBe(0);
    expect(JSON.parse(chain.stdout).spec.root.task.command).toEqual(['echo', 'from-t0']);
    const { lines, answer } = await refused('aliases-101.yaml');
    expect(lines).toEqual([`${file('aliases-101.yaml')}: more than 100 YAML aliases in one document (*c at line 114, column 11 is the 101st); the limit is 100`]);
    expect(answer).toContain('more than 100 YAML aliases in one document (*c at line 114, column 11 is the 101st)');
  });

  it("govaluate's IN over a list in parentheses runs as in Argo: words and numbers", async () => {
    const r = await svc.runToEnd(readFileSync(file('when-messages.yaml'), 'utf8'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect({ 'in-words': r.steps['in-words'].status, 'not-in': r.steps['not-in'].status, 'in-numbers': r.steps['in-numbers'].status }).toEqual({ 'in-words': 'succeeded', 'not-in': 'skipped', 'in-numbers': 'succeeded' });
  });
});
