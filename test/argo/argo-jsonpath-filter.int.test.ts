/**
 * jsonpath filters and scripts (`[?(...)]`, `[(...)]`) in a `{{= }}` expression (Argo tester
 * 6, Q12): strata's jsonpath does not evaluate them (no document makes strata evaluate
 * code), so a path written in the document is refused when it is read, naming the
 * template, the field and the path, on both routes, before anything runs: it failed only at
 * run time, after the steps before it had run. Through the real stack: `strata import
 * argo` and `POST /v1/runs`.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const { dir: DIR, read } = argoFixtures('tester-6');
const PLACE = 'template main, step p3, arguments.parameters(m)';
const WHY = 'jsonpath "$.items[?(@.ok == true)].name": filter and script expressions ([?(...)], [(...)]) are not supported';

describe('a jsonpath filter written in the document (Q12)', () => {
  it('strata import argo refuses it (exit 2) naming the template, the field and the path', async () => {
    const out = await runStrata(['import', 'argo', join(DIR, 'jsonpath-filter.yaml')]);
    expect(out.code, out.stdout).toBe(2);
    expect(out.stderr).toContain(PLACE);
    expect(out.stderr).toContain(WHY);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('POST /v1/runs refuses it (400) and starts no run', async () => {
    const before = await svc.call('GET', '/v1/runs');
    const r = await svc.call('POST', '/v1/runs', read('jsonpath-filter.yaml'), { 'content-type': 'application/yaml' });
    expect(r.status, r.text).toBe(400);
    const message = (r.body as { error: { message: string } }).error.message;
    expect(message).toContain(PLACE);
    expect(message).toContain(WHY);
    const after = await svc.call('GET', '/v1/runs');
    expect(after.text).toBe(before.text);
  });
});
