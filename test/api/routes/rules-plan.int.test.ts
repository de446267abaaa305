/**
 * A rule whose emitted node can never be planned is refused at registration, as the same
 * node in a flow registered directly is (POST /v1/flows compiles it): 400 naming the place
 * under `spec.emit`, nothing stored, over HTTP and through `strata apply` (exit non-zero).
 * Before, it was stored with 201 and every Dataset it matched was refused at ingest.
 * An emit whose values are json-logic over the Dataset is only known once a Dataset is
 * given: it is checked then, as before (docs/operating.md, Rules).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flowDoc } from '../../support/documents.ts';
import { runStrata } from '../../support/processes.ts';
import { useTempDirs } from '../../support/temp-dirs.ts';
import { cliEnv, useRunService } from '../../support/use-run-service.ts';

const svc = useRunService();
const tempDir = useTempDirs('rules-plan-');

const rule = (name: string, emit: unknown) => ({ apiVersion: 'strata/v1', kind: 'Rule', metadata: { name }, spec: { priority: 1, when: { '==': [{ var: 'spec.shape' }, name] }, emit } });
const task = { image: 'alpine', command: ['true'] };

/** Emitted nodes no Dataset can make plannable, and the place and words the refusal names. */
const NEVER: Array<[string, unknown, string]> = [
  ['fan-over-no-step', { sequence: [{ id: 'a', task }, { id: 'fan', fanOut: { over: { var: 'results.list' }, do: { task } } }] }, 'spec.emit.sequence[1].fanOut.over: results.list: no step "list"'],
  ['template-no-step', { sequence: [{ id: 'a', task: { image: 'alpine', command: ['echo', '{{ steps.nope.result }}'] } }] }, 'spec.emit.sequence[0].task.command[1]'],
];

describe('a rule whose emitted node can never be planned', () => {
  it.each(NEVER)('%s: POST /v1/rules is 400 naming the place, nothing stored', async (name, emit, place) => {
    const r = await svc.call('POST', '/v1/rules', rule(name, emit));
    expect(r.status, r.text.slice(0, 400)).toBe(400);
    expect(r.body.error.message).toContain(place);
    expect((await svc.call('GET', `/v1/rules/${name}`)).status).toBe(404);
    // The same node as a flow of its own is refused for the same reason.
    const f = await svc.call('POST', '/v1/flows', flowDoc(emit, `as-flow-${name}`));
    expect(f.status).toBe(400);
    expect(f.body.error.message).toContain(place.replace('spec.emit', 'spec.root'));
  });

  // A generator's operations written as they are: the generator makes nodes of them at every ingest, and refused each one.
  it.each([
    ['pipeline', { operations: [{ name: 'a', sequence: [] }] }, 'spec.emit.with.operations[0].sequence: must be a non-empty list of nodes'],
    ['pipeline', { operations: [{ name: 'a', command: ['true'] }] }, 'spec.emit.with.operations[0]: needs an image or a pattern key'],
    ['partition', { map: { image: 'alpine', command: 'true' } }, 'spec.emit.with.map.command'],
    ['hierarchy', { operations: { default: { fanOut: { over: [1] } } } }, 'spec.emit.with.operations.default.fanOut.do: is required'],
    ['stream', { stages: [{ name: 's', imag: 'alpine' }] }, 'spec.emit.with.stages[0]: needs an image or a pattern key'],
  ])('a %s generator\'s operation no Dataset can make a node of: 400 naming it, nothing stored', async (generator, params, place) => {
    const name = `bad-op-${generator}`;
    const r = await svc.call('POST', '/v1/rules', rule(name, { generator, with: params }));
    expect(r.status, r.text.slice(0, 400)).toBe(400);
    expect(r.body.error.message).toContain(place);
    expect((await svc.call('GET', `/v1/rules/${name}`)).status).toBe(404);
  });

  it('strata apply of such a rule exits non-zero naming the place; nothing stored', async () => {
    const file = join(tempDir(), 'rule.json');
    writeFileSync(file, JSON.stringify(rule('applied-never', NEVER[0][1])));
    const out = await runStrata(['apply', file], cliEnv(svc));
    expect(out.code, out.stdout + out.stderr).not.toBe(0);
    expect(out.stderr).toContain(NEVER[0][2]);
    expect(out.stderr).not.toMatch(/\n\s+at /);
    expect((await svc.call('GET', '/v1/rules/applied-never')).status).toBe(404);
  });

  it('a plannable emit is stored, and one whose values read the Dataset is checked when a Dataset is given', async () => {
    const ok = rule('plannable', { sequence: [{ id: 'list', task }, { id: 'fan', fanOut: { over: { var: 'results.list' }, do: { task } } }] });
    expect((await svc.call('POST', '/v1/rules', ok)).status).toBe(201);
    // Its image and its fan-out's items come from the Dataset: what they are is not known until one is given.
    const fromDataset = rule('from-dataset', { sequence: [{ id: 'a', task: { image: { var: 'spec.attributes.image' }, command: ['true'] } }, { id: 'fan', fanOut: { over: { var: 'spec.partitions' }, do: { task } } }] });
    const stored = await svc.call('POST', '/v1/rules', fromDataset);
    expect(stored.status, stored.text.slice(0, 400)).toBe(201);
    const ds = (image: unknown) => ({ apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'x' }, spec: { shape: 'from-dataset', partitions: ['p'], attributes: { image } } });
    expect((await svc.call('POST', '/v1/datasets', ds('alpine'))).status).toBe(200);
    const bad = await svc.call('POST', '/v1/datasets', ds(7));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('image');
    // With a problem of its own beside them, it is refused naming that one only.
    const both = rule('from-dataset-and-never', { sequence: [{ id: 'a', task: { image: { var: 'spec.attributes.image' }, command: ['true'] } }, { id: 'fan', fanOut: { over: { var: 'results.list' }, do: { task } } }] });
    const refused = await svc.call('POST', '/v1/rules', both);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe('spec.emit.sequence[1].fanOut.over: results.list: no step "list"');
  });
});
