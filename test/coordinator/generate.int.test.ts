/**
 * Self-bootstrap at run time: a generate step outputs a Dataset, the rules turn it into a
 * flow, and that flow runs nested beneath the step in the same run; a generator that
 * keeps generating is stopped at the depth limit with a clear error.
 */
import { describe, expect, it } from 'vitest';
import { cliEnv, stepStatuses, useRunService } from '../support/use-run-service.ts';
import { flowDoc } from '../support/documents.ts';
import { runStrata } from '../support/processes.ts';

const flow = (root: unknown) => flowDoc(root, 'gen');
const emitDataset = (ds: unknown) => ({ image: 'alpine', command: ['sh', '-c', `cat > $STRATA_OUTPUTS/result.json <<'EOF'\n${JSON.stringify(ds)}\nEOF`] });

const svc = useRunService();

/**
 * A generate step whose Dataset says which attempt made it (STRATA_ATTEMPT), and two rules
 * over it: the first attempt's unit fails (`v1`), a later attempt's succeeds (`v2`).
 */
const attemptDataset = { image: 'alpine', command: ['sh', '-c', `printf '{"apiVersion":"strata/v1","kind":"Dataset","metadata":{"name":"att"},"spec":{"shape":"by-attempt","attributes":{"attempt":%s}}}' "$STRATA_ATTEMPT" > $STRATA_OUTPUTS/result.json`] };
const byAttempt = (name: string, first: boolean, unit: unknown) => ({
  apiVersion: 'strata/v1', kind: 'Rule', metadata: { name },
  spec: { priority: 400, when: { and: [{ '==': [{ var: 'spec.shape' }, 'by-attempt'] }, { [first ? '==' : '>']: [{ var: 'spec.attributes.attempt' }, 1] }] }, emit: unit },
});
const attemptRules = [
  byAttempt('first-attempt-fails', true, { id: 'v1', task: { image: 'alpine', command: ['false'] } }),
  byAttempt('later-attempt-passes', false, { id: 'v2', task: { image: 'alpine', command: ['true'] } }),
];
/** The step ids of the unit `step` expanded into, as GET /v1/runs/:id/plan shows them. */
const expandedIds = async (runId: string, step: string): Promise<string[]> =>
  ((await svc.call('GET', `/v1/runs/${runId}/plan`)).body.expansions[step]?.nodes ?? []).map((n: { key: string }) => n.key);

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

  it('fails the step saying it gave no Dataset when it wrote no result.json', async () => {
    const run = await svc.runToEnd({ flow: flow({ sequence: [{ id: 'quiet', generate: { image: 'alpine', command: ['true'] } }] }) });
    expect(run.status).toBe('failed');
    expect(run.steps.quiet.error).toBe('step quiet gave no Dataset (its result.json is missing or null): a generate step\'s result.json must be a Dataset (apiVersion strata/v1, kind Dataset, metadata, spec)');
  });

  // Tester 15: a generate step run again in the same run (a retry of the run, a retryWhole
  // around it) produced its Dataset, but its unit was never made: the answer's dedupe key was
  // the step's alone, already spent by its first attempt, so the run stayed `running` for ever.
  it('a retried run generates the unit again from the step\'s new Dataset, and the run view shows that unit (HTTP and CLI retry)', async () => {
    for (const r of attemptRules) expect((await svc.call('POST', '/v1/rules', r)).status).toBe(201);
    for (const route of ['http', 'cli']) {
      const started = await svc.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: 'g', generate: attemptDataset }, { id: 'after', task: { image: 'alpine', command: ['true'] } }] }, `gen-retry-${route}`) });
      const first = await svc.waitRun(started.body.runId);
      expect(stepStatuses(first, ['g', 'g/v1', 'after'])).toEqual({ g: 'failed', 'g/v1': 'failed', after: 'skipped' });
      expect(await expandedIds(first.id, 'g')).toEqual(['g/v1']);
      if (route === 'http') expect((await svc.call('POST', `/v1/runs/${first.id}/retry`)).status).toBe(200);
      else expect((await runStrata(['runs', 'retry', first.id], cliEnv(svc))).code).toBe(0);
      const again = await svc.waitRun(first.id);
      expect(again.status).toBe('succeeded');
      expect(stepStatuses(again, ['g', 'g/v2', 'after'])).toEqual({ g: 'succeeded', 'g/v2': 'succeeded', after: 'succeeded' });
      expect(again.steps.g.attempts).toBe(2);
      // The first attempt's unit is not the run's any more: superseded, never failed in a run that succeeded.
      expect({ status: again.steps['g/v1'].status, was: again.steps['g/v1'].was }).toEqual({ status: 'superseded', was: 'failed' });
      // What the run shows it built is the unit that ran last, not the first attempt's.
      expect(await expandedIds(first.id, 'g')).toEqual(['g/v2']);
    }
  });

  it('a composite run again whole (retryWhole) generates the unit of its generate step again', async () => {
    for (const r of attemptRules) expect((await svc.call('POST', '/v1/rules', r)).status).toBeLessThan(300);
    const run = await svc.runToEnd({ flow: flowDoc({ sequence: [{ id: 'grp', retryWhole: { limit: 1 }, sequence: [{ id: 'g', generate: attemptDataset }] }] }, 'gen-retry-whole') }, { timeoutMs: 20_000 });
    expect(run.status).toBe('succeeded');
    expect(stepStatuses(run, ['grp', 'grp/g', 'grp/g/v1', 'grp/g/v2'])).toEqual({ grp: 'succeeded', 'grp/g': 'succeeded', 'grp/g/v1': 'superseded', 'grp/g/v2': 'succeeded' });
    expect(await expandedIds(run.id, 'grp/g')).toEqual(['grp/g/v2']);
  });
});
