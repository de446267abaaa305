/**
 * An optional input (`inputs: { name: { from, path, optional: true } }`) of an output its
 * step did not write: the step runs without the file, at both levels, a macro step and a
 * container inside a pod (docs/flow-language.md, Inputs at a path; Argo tester 3, N5). A
 * required one still fails the step. Through POST /v1/runs, real Redis and processes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const flow = parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'flows', 'run', 'optional-input.yaml'), 'utf8')) as { spec: { root: unknown } };

describe('an optional input of an output not written', () => {
  it('the step runs without it, macro and inside a pod', async () => {
    const r = await svc.runToEnd({ flow });
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps['macro/use'].result).toBe('here\nno-maybe\ngiven');
    expect(r.steps['micro/use'].result).toBe('here\nno-maybe\ngiven');
  });

  it('without optional the step fails, naming the input', async () => {
    const strict = JSON.parse(JSON.stringify(flow).replaceAll(', "optional": true', '').replaceAll('"path":"/in/maybe.txt","optional":true', '"path":"/in/maybe.txt"')) as typeof flow;
    const r = await svc.runToEnd({ flow: { ...strict, metadata: { name: 'optional-input-strict', version: '1' } } });
    expect(r.status).toBe('failed');
    expect(r.steps['macro/use'].error).toContain('input "maybe"');
  });
});
