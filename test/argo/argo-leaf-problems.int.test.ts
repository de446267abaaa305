/**
 * A pod template's own problems (its inputs' and outputs' artifacts and parameters: leaf.ts
 * filesOf) are gathered through the project's one path (argo-problems.ts, invalid()), as the
 * importer's others are: each with its place (`template main`) and its words, at most 50
 * listed and how many more said. Before, two or more of them were joined into one error whose
 * problems had no place (the whole sentence as the message). Over HTTP (`POST /v1/runs`) and
 * `strata import argo` as a process; a pod template and a containerSet's main container; and
 * the references of one field (scope.ts readTags), which go the same way.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const newTempDir = useTempDirs('strata-argo-leaf-problems-');

/** A Workflow whose pod template (`container`, or a containerSet's main) has `n` output parameters without valueFrom.path. */
function manyOutputs(n: number, shape: 'container' | 'containerSet'): Record<string, unknown> {
  const parameters = Array.from({ length: n }, (_, i) => ({ name: `p${i}` }));
  const body = shape === 'container' ? { container: { image: 'alpine', command: ['true'] } } : { containerSet: { containers: [{ name: 'main', image: 'alpine', command: ['true'] }] } };
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name: `many-outputs-${shape.toLowerCase()}` }, spec: { entrypoint: 'main', templates: [{ name: 'main', ...body, outputs: { parameters } }] } };
}

const said = (i: number) => ({ path: 'template main', message: `output parameter "p${i}" of a pod template needs valueFrom.path` });

describe.each(['container', 'containerSet'] as const)('a %s template with 60 output parameters lacking valueFrom.path', (shape) => {
  it('is refused listing 50 problems, each at its place, and how many more (HTTP and the CLI)', async () => {
    const r = await svc.call('POST', '/v1/runs', manyOutputs(60, shape));
    expect(r.status).toBe(400);
    expect(r.body.error.details.problems).toEqual(Array.from({ length: 50 }, (_, i) => said(i)));
    expect(r.body.error.details.moreProblems).toBe(10);
    expect(r.body.error.message).toMatch(/\n\.\.\. and 10 more problems$/);

    const file = join(newTempDir(), 'many.json');
    writeFileSync(file, JSON.stringify(manyOutputs(60, shape)));
    const cli = await runStrata(['import', 'argo', file]);
    expect(cli.code).toBe(2);
    const lines = cli.stderr.trim().split('\n');
    expect(lines).toHaveLength(51);
    expect(lines[0]).toBe(`strata: template main: ${said(0).message}`);
    expect(lines[49]).toBe(`template main: ${said(49).message}`);
    expect(lines[50]).toBe('... and 10 more problems');
    expect(cli.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('one field with 60 references that do not resolve (scope.ts readTags, through invalid() too)', () => {
  it('lists 50 of them, each at its place, and how many more', async () => {
    const command = Array.from({ length: 60 }, (_, i) => `{{inputs.parameters.x${i}}}`).join(' ');
    const doc = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name: 'many-tags' }, spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine', command: ['echo', command] } }] } };
    const r = await svc.call('POST', '/v1/runs', doc);
    expect(r.status).toBe(400);
    expect(r.body.error.details.problems).toHaveLength(50);
    expect(r.body.error.details.problems[49]).toEqual({ path: 'template main, command[1]', message: '{{inputs.parameters.x49}}: template main has no input parameter "x49"' });
    expect(r.body.error.details.moreProblems).toBe(10);
  });
});
