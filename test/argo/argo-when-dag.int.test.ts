/**
 * Argo tester 3, N1 on DAG tasks (a mend of the review: only steps were run before): a
 * govaluate `when` reads a tag's substituted text as govaluate does, through a real run
 * (`POST /v1/runs` with the Argo document as it is, the local runtime, real Redis and
 * processes), checked by which tasks ran.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();

describe('a govaluate when on DAG tasks (N1)', () => {
  it('workflow parameters, inputs, output parameters and results read as govaluate reads them; a when giving no boolean fails its task', async () => {
    const r = await svc.runToEnd(readFileSync(argoFixtures('tester-3/when-govaluate-dag.yaml').dir, 'utf8'));
    const status = (id: string) => r.steps[id]?.status ?? 'absent';
    expect(Object.fromEntries(['p-gt-q', 'flag', 'not-flag', 'out-true', 'out-false', 'out-ge', 'result-false', 'inner/when-input', 'inner/when-not-input', 'not-bool'].map((k) => [k, status(k)]))).toEqual({
      'p-gt-q': 'succeeded', // 10 > 9 as numbers
      flag: 'skipped', // "false" is false
      'not-flag': 'succeeded',
      'out-true': 'succeeded', // an output parameter "true" == true
      'out-false': 'skipped',
      'out-ge': 'succeeded', // "10" >= "9" as numbers
      'result-false': 'skipped', // a result printing false
      'inner/when-input': 'skipped', // an input given "false"
      'inner/when-not-input': 'succeeded',
      'not-bool': 'failed', // "False" is no boolean: Argo fails the node
    });
    expect(r.steps['not-bool'].error).toContain('gives "False", not a boolean');
    expect(r.status).toBe('failed');
  });
});
