/**
 * Problems the compiler finds in an imported flow said in Argo's words (src/argo/argo-places.ts
 * inArgoWords: `Workflow w, step s0/again/again, template (a template calling itself) [strata's
 * place]`) go out as every refusal does (invalid()): one problem a line, at most 50 listed
 * and how many more said. Before, they were joined into one line by `; ` and the count of
 * those left out was dropped from the message. A Workflow of 55 steps, each calling a
 * template that calls itself with no `when` (55 use cycles): `strata plan` as a process and
 * `POST /v1/runs`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const newTempDir = useTempDirs('strata-argo-places-');

const N = 55;
const workflow = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: { name: 'cycles' },
  spec: {
    entrypoint: 'main',
    templates: [
      { name: 'main', steps: Array.from({ length: N }, (_, i) => [{ name: `s${i}`, template: `t${i}` }]) },
      ...Array.from({ length: N }, (_, i) => ({ name: `t${i}`, steps: [[{ name: 'again', template: `t${i}` }]] })),
    ],
  },
};
const cycleLine = /^Workflow cycles, step s\d+\/again\/again, template \(a template calling itself\) \[[^\]]+\]: use cycle /;

describe(`an Argo Workflow whose compiled flow has ${N} problems at its steps`, () => {
  it('strata plan: one problem a line, 50 of them, and how many more', async () => {
    const file = join(newTempDir(), 'cycles.json');
    writeFileSync(file, JSON.stringify(workflow));
    const r = await runStrata(['plan', file]);
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('strata: planning flow'));
    expect(lines).toHaveLength(51);
    expect(lines[0].replace(/^strata: /, '')).toMatch(cycleLine);
    expect(lines.slice(1, 50).every((l) => cycleLine.test(l))).toBe(true);
    expect(lines[50]).toBe(`... and ${N - 50} more problems`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('POST /v1/runs: 422 (a cycle), the same problems, the count in the message and the details', async () => {
    const r = await svc.call('POST', '/v1/runs', workflow);
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('cycle');
    expect(r.body.error.details.problems).toHaveLength(50);
    expect(r.body.error.details.moreProblems).toBe(N - 50);
    expect(r.body.error.message.split('\n')).toHaveLength(51);
    expect(r.body.error.message).toMatch(new RegExp(`\\n\\.\\.\\. and ${N - 50} more problems$`));
    expect((await svc.call('GET', '/v1/runs')).body.runs).toEqual([]);
  });
});
