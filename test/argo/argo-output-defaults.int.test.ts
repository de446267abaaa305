/**
 * What an Argo output or argument says it may go without (issue 12, Argo tester 3): the
 * `valueFrom.default` of a steps or dag template's output parameter (N17), inlined and
 * through a templateRef unit, and `optional: true` on an argument artifact (N5); fields that
 * mean nothing where they are written, refused rather than dropped. Through the real stack: WorkflowTemplates applied with
 * `strata apply`, Workflows sent as they are to `POST /v1/runs` on the local runtime, and
 * `strata import argo` for what the import makes of them.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const env = cliEnv(svc);
const { dir: DIR, read } = argoFixtures('tester-3');

beforeAll(async () => {
  const out = await runStrata(['apply', join(DIR, 'outparam-default-lib.yaml')], env);
  expect(out.code, out.stdout + out.stderr).toBe(0);
});

describe('valueFrom.default of a steps or dag template\'s output parameter (N17)', () => {
  it('inlined: the default when the step it reads was skipped, the step\'s value when it ran', async () => {
    const r = await svc.runToEnd(read('outparam-default.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps.show.result).toBe('skipped=[fallback] ran=[gen]');
  });

  it('through a templateRef unit (a dag template): the same', async () => {
    const r = await svc.runToEnd(read('outparam-default-uses.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps.show.result).toBe('skipped=[fallback] ran=[gen]');
  });

  it('without a default, reading it fails the reader, said in the document\'s terms (the template, the output, its text)', async () => {
    const r = await svc.runToEnd(read('outparam-no-default.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('failed');
    expect(r.steps.show.status).toBe('failed');
    expect(r.steps.show.error).toMatch(/^template sub, outputs\.parameters\(v\) "\{\{steps\.maybe\.outputs\.parameters\.p\}\}": .*skipped.* output parameter "p"$/);
  });

  it('strata import argo keeps the default', async () => {
    const out = await runStrata(['import', 'argo', join(DIR, 'outparam-default.yaml'), '-o', 'json']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('"fallback"');
    const lib = await runStrata(['import', 'argo', join(DIR, 'outparam-default-lib.yaml'), '-o', 'json']);
    expect(lib.code, lib.stderr).toBe(0);
    const sub = (JSON.parse(lib.stdout) as Array<{ metadata: { name: string }; spec: { outputs?: { parameters?: Record<string, unknown> } } }>).find((f) => f.metadata.name === 't3-outdefault.sub')!;
    expect(JSON.stringify(sub.spec.outputs?.parameters?.v)).toContain('"fallback"');
  });
});

describe('optional: true on an argument artifact (N5)', () => {
  it('the consumer runs without the file its producer did not write, as in Argo', async () => {
    const r = await svc.runToEnd(read('optional-arg.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    const said = String(r.steps.use.result);
    expect(said).toContain('./d/sub/deeper/empty');
    expect(said).not.toContain('maybe.txt\n');
    expect(said).toMatch(/No such file|can't open/);
    expect(said.endsWith('end')).toBe(true);
  });

  it('through a templateRef unit whose input is optional: the same', async () => {
    const applied = await runStrata(['apply', join(DIR, 'optional-arg-lib.yaml')], env);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const r = await svc.runToEnd(read('optional-arg-uses.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps.use.result).toBe('no-maybe');
  });

  it('without optional on the argument the consumer fails, as in Argo', async () => {
    const r = await svc.runToEnd(read('optional-arg-required.yaml'));
    expect(r.status).toBe('failed');
    expect(r.steps.use.error).toContain('input "maybe"');
  });

  it('strata import argo keeps it: the task input is optional', async () => {
    const out = await runStrata(['import', 'argo', join(DIR, 'optional-arg.yaml'), '-o', 'json']);
    expect(out.code, out.stderr).toBe(0);
    const nodes = (JSON.parse(out.stdout) as { spec: { root: { graph: { nodes: Record<string, { task: { inputs: unknown } }> } } } }).spec.root.graph.nodes;
    expect(nodes.use.task.inputs).toEqual({ dir: { from: 'gen:dir', path: '/in/d' }, maybe: { from: 'gen:maybe', path: '/in/maybe.txt', optional: true } });
  });
});

describe('parameter and artifact fields that mean nothing where they are written are refused, never dropped', () => {
  const places = [
    'spec.templates[0](main).inputs.artifacts[0](a).path',
    'spec.templates[0](main).outputs.parameters[0](p).value',
    'spec.templates[0](main).outputs.parameters[0](p).valueFrom.path',
    'spec.templates[0](main).outputs.artifacts[0](f).path',
    'spec.templates[0](main).steps[0][0](gen).arguments.parameters[0](x).valueFrom',
    'spec.templates[0](main).steps[1][0](use).arguments.artifacts[0](f).path',
    'spec.templates[1](gen).inputs.parameters[0](x).valueFrom',
    'spec.templates[1](gen).outputs.parameters[0](p).default',
    'spec.templates[1](gen).outputs.parameters[0](p).valueFrom.parameter',
    'spec.templates[1](gen).outputs.artifacts[0](f).from',
    'spec.templates[2](use).inputs.artifacts[0](f).from',
  ];

  it('strata import argo: exit 2, each named with its template', async () => {
    const out = await runStrata(['import', 'argo', join(DIR, 'unused-fields.yaml')]);
    expect(out.code, out.stdout).toBe(2);
    for (const p of places) expect(out.stderr).toContain(`unused-fields.yaml: ${p}: `);
  });

  it('POST /v1/runs: 400 with every one of them, and no run', async () => {
    const r = await svc.call('POST', '/v1/runs', read('unused-fields.yaml'));
    expect(r.status).toBe(400);
    const said = (r.body.error.details.problems as Array<{ path: string }>).map((p) => p.path.replace(/^.*?spec\./, 'spec.'));
    expect(said.sort()).toEqual([...places].sort());
  });
});
