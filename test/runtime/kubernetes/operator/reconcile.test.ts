/** The operator's decisions, without an API server: a resource and strata's port in, the actions out. */
import { describe, expect, it } from 'vitest';
import { FINALIZER, type StrataResource } from '../../../../runtime/kubernetes/operator/crd-names.ts';
import { flowDocument } from '../../../../runtime/kubernetes/operator/documents.ts';
import { reconcileDataset } from '../../../../runtime/kubernetes/operator/reconcile-dataset.ts';
import { reconcileFlow } from '../../../../runtime/kubernetes/operator/reconcile-flow.ts';
import { reconcileRule } from '../../../../runtime/kubernetes/operator/reconcile-rule.ts';
import { countSteps } from '../../../../runtime/kubernetes/operator/run-status.ts';
import { MemoryStrataPort } from './memory-port.ts';

const res = (spec: Record<string, unknown>, meta: Partial<StrataResource['metadata']> = {}, status?: Record<string, unknown>): StrataResource => ({
  metadata: { name: 'x', uid: 'u1', generation: 1, finalizers: [FINALIZER], ...meta }, spec, ...(status ? { status } : {}),
});
const RULE = { priority: 1, when: true, emit: { generator: 'hierarchy' } };

describe('reconcile', () => {
  it('adds its finalizer before anything else', async () => {
    const port = new MemoryStrataPort();
    expect(await reconcileRule(res(RULE, { finalizers: ['other'] }), port)).toEqual({ finalizers: ['other', FINALIZER] });
    expect(await reconcileDataset(res({}, { finalizers: [] }), port)).toEqual({ finalizers: [FINALIZER] });
    expect(port.rules.size + port.submissions.length).toBe(0);
  });

  it('does nothing for a generation it has seen', async () => {
    const port = new MemoryStrataPort();
    expect(await reconcileRule(res(RULE, {}, { observedGeneration: 1, phase: 'Registered' }), port)).toEqual({});
    expect(await reconcileFlow(res({ version: '1', root: {} }, {}, { observedGeneration: 1 }), port)).toEqual({});
    expect(port.rules.size + port.flows.size).toBe(0);
  });

  it('submits a dataset once per generation, keyed by uid and generation', async () => {
    const port = new MemoryStrataPort();
    await port.registerRule({ apiVersion: 'strata/v1', kind: 'Rule', metadata: { name: 'r' }, spec: RULE });
    const a = await reconcileDataset(res({ shape: 'tree' }, { generation: 4 }), port);
    expect(a).toEqual({ status: { phase: 'Pending', runId: 'run-1', observedGeneration: 4, steps: null, message: '' }, poll: true });
    expect(port.submissions[0].key).toBe('u1/4');
  });

  it('follows an active run, and stops looking once it ended', async () => {
    const port = new MemoryStrataPort();
    port.setRun('run-7', { status: 'running', steps: { a: { status: 'running' } } });
    const status = { phase: 'Pending', runId: 'run-7', observedGeneration: 1 };
    expect(await reconcileDataset(res({}, {}, status), port)).toMatchObject({ status: { phase: 'Running', steps: { total: 1, running: 1 } }, poll: true });
    port.setRun('run-7', { status: 'succeeded', steps: { a: { status: 'succeeded' } } });
    expect(await reconcileDataset(res({}, {}, status), port)).toMatchObject({ status: { phase: 'Succeeded' }, poll: false });
    expect(await reconcileDataset(res({}, {}, { ...status, phase: 'Succeeded' }), port)).toEqual({});
  });

  it('cancels the run of a dataset being deleted, then lets it go', async () => {
    const port = new MemoryStrataPort();
    port.setRun('run-1', { status: 'running', steps: {} });
    const a = await reconcileDataset(res({}, { deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: [FINALIZER, 'other'] }, { phase: 'Running', runId: 'run-1', observedGeneration: 1 }), port);
    expect(a).toEqual({ finalizers: ['other'] });
    expect(port.cancelled).toEqual(['run-1']);
  });

  it('takes a Flow\'s version from its spec', () => {
    expect(flowDocument(res({ version: 2, params: { a: 1 }, root: { task: { image: 'x' } } }))).toEqual({
      apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'x', version: '2' }, spec: { params: { a: 1 }, root: { task: { image: 'x' } } },
    });
  });

  it('counts steps by state', () => {
    expect(countSteps({ a: { status: 'succeeded' }, b: { status: 'failed' }, c: { status: 'skipped' } })).toEqual({ total: 3, pending: 0, running: 0, succeeded: 1, failed: 1, skipped: 1, cancelled: 0, superseded: 0 });
  });
});
