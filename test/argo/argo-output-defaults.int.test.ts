/**
 * What an Argo output or argument says it may go without (issue 12, Argo tester 3): the
 * `valueFrom.default` of a steps or dag template's output parameter (N17), inlined and
 * through a templateRef unit, and `optional: true` on an argument artifact (N5). Through the real stack: WorkflowTemplates applied with
 * `strata apply`, Workflows sent as they are to `POST /v1/runs` on the local runtime, and
 * `strata import argo` for what the import makes of them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const DIR = join(import.meta.dirname, '..', 'fixtures', 'argo', 'tester-3');
const read = (name: string): string => readFileSync(join(DIR, name), 'utf8');

beforeAll(async () => {
  const out = await runStrata(['apply', join(DIR, 'outparam-default-lib.yaml')], { STRATA_URL: svc.url });
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

  it('without a default, reading it fails the reader, as before', async () => {
    const r = await svc.runToEnd(read('outparam-no-default.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('failed');
    expect(r.steps.show.status).toBe('failed');
    expect(r.steps.show.error).toContain('has not succeeded (it is skipped)');
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
