/**
 * Self-bootstrap at run time: a generate step outputs a Dataset, the rules turn it into a
 * flow, and that flow runs nested beneath the step in the same run; a generator that
 * keeps generating is stopped at the depth limit with a clear error.
 */
import { describe, expect, it } from 'vitest';
import { useRunService } from '../support/use-run-service.ts';
import { flowDoc } from '../support/documents.ts';

const flow = (root: unknown) => flowDoc(root, 'gen');
const emitDataset = (ds: unknown) => ({ image: 'alpine', command: ['sh', '-c', `cat > $STRATA_OUTPUTS/result.json <<'EOF'\n${JSON.stringify(ds)}\nEOF`] });

const svc = useRunService();

describe('generate', () => {
  it('runs the flow generated from a Dataset a step emitted, nested beneath that step', async () => {
    const ds = { apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'found' }, spec: { shape: 'table', partitions: ['x', 'y'] } };
    const r = await svc.call('POST', '/v1/runs', { flow: flow({ sequence: [{ id: 'discover', generate: emitDataset(ds) }, { id: 'after', task: { image: 'alpine', command: ['true'] } }] }) });
    const run = await svc.waitRun(r.body.runId);
    expect(run.status).toBe('succeeded');
    expect(run.steps['discover/map/0'].result).toMatchObject({ item: 'x' });
    expect(run.steps['discover/map/1'].status).toBe('succeeded');
    expect(run.steps['discover/reduce'].status).toBe('succeeded');
    expect(Date.parse(run.steps.after.startedAt!)).toBeGreaterThanOrEqual(Date.parse(run.steps['discover/reduce'].finishedAt!));
  });

  it('reads a tree from its location first when the Dataset has no inline root', async () => {
    const ds = { apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'dir-tree' }, spec: { shape: 'tree', location: 'file://examples/retail/data' } };
    const r = await svc.call('POST', '/v1/datasets?run=true', ds);
    const run = await svc.waitRun(r.body.runId);
    expect(run.status).toBe('succeeded');
    expect(run.steps['read-tree/sf'].status).toBe('succeeded');
    expect(run.steps['read-tree/data'].result).toMatchObject({ inputs: expect.arrayContaining(['child.sf', 'child.nyc']) });
  });

  it('fails clearly when generated flows keep generating past the depth limit', async () => {
    const loop = { apiVersion: 'strata/v1', kind: 'Rule', metadata: { name: 'loop' }, spec: { priority: 500, when: { '==': [{ var: 'spec.shape' }, 'loop'] }, emit: { id: 'again', generate: emitDataset({ apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'l' }, spec: { shape: 'loop' } }) } } };
    expect((await svc.call('POST', '/v1/rules', loop)).status).toBe(201);
    const r = await svc.call('POST', '/v1/runs', { flow: flow({ sequence: [{ id: 'start', generate: emitDataset({ apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'l' }, spec: { shape: 'loop' } }) }] }) });
    const run = await svc.waitRun(r.body.runId, 30_000);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/nested more than 8 units deep/);
  });

  it('fails the step when its output is not a Dataset', async () => {
    const r = await svc.call('POST', '/v1/runs', { flow: flow({ sequence: [{ id: 'bad', generate: emitDataset({ not: 'a dataset' }) }] }) });
    const run = await svc.waitRun(r.body.runId);
    expect(run.status).toBe('failed');
    expect(run.steps.bad.error).toMatch(/valid Dataset/);
  });
});
