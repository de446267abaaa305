/**
 * The operator through the real @kubernetes/client-node HTTP client, against a STAND-IN
 * API server started by the test (test/support/fake-kube-api: not Kubernetes; it does not
 * validate custom resources against their CRDs), with the operator's Role from deploy/
 * enforced. strata's side of the port is in memory (memory-port.ts). Resources are
 * applied, changed and deleted the way kubectl would, as the `admin` user.
 */
import { CustomObjectsApi } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOperator, type Operator } from '../../../../runtime/kubernetes/operator/controller.ts';
import { startOperatorFromEnv } from '../../../../runtime/kubernetes/from-env.ts';
import { loadConfig } from '../../../../src/app/config.ts';
import { useTempDirs } from '../../../support/temp-dirs.ts';
import { mergePatch } from '../../../../runtime/kubernetes/kube-config.ts';
import { resourceType } from '../../../support/fake-kube-api/store.ts';
import { fakeCluster, NS, type FakeCluster } from '../support/fake-cluster.ts';
import { waitFor } from '../support/wait.ts';
import { MemoryStrataPort } from './memory-port.ts';
import { StrataError } from '../../../../src/errors/strata-error.ts';
import { crProblems } from '../../../deploy/support/cr-schema.ts';
import { DEPLOY, yamlDocs } from '../../../deploy/support/deploy-files.ts';

const newTempDir = useTempDirs('operator-');
let c: FakeCluster;
let port: MemoryStrataPort;
let operator: Operator;
let kubectl: CustomObjectsApi;
beforeEach(async () => {
  c = await fakeCluster();
  port = new MemoryStrataPort();
  operator = startOperator({ kubeConfig: c.api.kubeConfig('operator', NS), namespace: NS, port, pollMs: 20, retryMs: 20 });
  await operator.ready;
  kubectl = c.api.kubeConfig('admin', NS).makeApiClient(CustomObjectsApi);
});
afterEach(async () => {
  operator.stop();
  await c.close();
});

const base = { group: 'strata.dev', version: 'v1', namespace: NS };
const apply = (plural: string, name: string, spec: unknown, labels?: Record<string, string>) =>
  kubectl.createNamespacedCustomObject({ ...base, plural, body: { apiVersion: 'strata.dev/v1', kind: plural === 'datasets' ? 'Dataset' : plural === 'rules' ? 'Rule' : 'Flow', metadata: { name, ...(labels ? { labels } : {}) }, spec } });
const edit = (plural: string, name: string, spec: unknown) => kubectl.patchNamespacedCustomObject({ ...base, plural, name, body: { spec } }, mergePatch());
const remove = (plural: string, name: string) => kubectl.deleteNamespacedCustomObject({ ...base, plural, name });
const get = (plural: string, name: string) => c.api.store.find(resourceType('strata.dev', plural)!, NS, name);

/** The conditions of resource `name` as each status change wrote them. */
const watchConditions = (name: string): unknown[] => {
  const seen: unknown[] = [];
  c.api.store.on('change', (ch: { obj: { metadata: { name: string }; status?: { conditions?: unknown[] } } }) => {
    if (ch.obj.metadata.name === name) seen.push(...(ch.obj.status?.conditions ?? []));
  });
  return seen;
};
/** The schema of a kind's status in its CRD (deploy/base/crds/), to hold what the operator writes against it. */
const statusSchema = (plural: string) => yamlDocs(`${DEPLOY}/base/crds/${plural}.yaml`)[0].spec.versions[0].schema.openAPIV3Schema.properties.status;
/** How many times a reconcile failing with an error that is no fault that may pass is tried (the operator's default). */
const ERROR_TRIES = 5;

const RULE = { priority: 100, when: { '==': [{ var: 'spec.shape' }, 'tree'] }, emit: { generator: 'hierarchy', with: { traversal: 'bfs' } } };
const DATASET = { shape: 'tree', location: 'file://examples/retail/data', format: 'json' };

describe('operator: Rules', () => {
  it('registers an applied Rule as if POSTed, again when it changes, and removes it when deleted', async () => {
    await apply('rules', 'big-trees', RULE, { team: 'analytics' });
    await waitFor('the rule to be registered', () => get('rules', 'big-trees')?.status?.phase === 'Registered');
    expect(port.rules.get('big-trees')).toEqual({ apiVersion: 'strata/v1', kind: 'Rule', metadata: { name: 'big-trees', labels: { team: 'analytics' } }, spec: RULE });
    expect(get('rules', 'big-trees').metadata.finalizers).toEqual(['strata.dev/operator']);

    await edit('rules', 'big-trees', { priority: 50 });
    await waitFor('the change to be registered', () => get('rules', 'big-trees')?.status?.observedGeneration === 2);
    expect(port.rules.get('big-trees')?.spec.priority).toBe(50);

    await remove('rules', 'big-trees');
    await waitFor('the rule to be gone', () => !get('rules', 'big-trees'));
    expect(port.rules.has('big-trees')).toBe(false);
  });

  it('reports a Rule strata refuses as Invalid, with strata\'s reason', async () => {
    await apply('rules', 'bad', { ...RULE, emit: { generator: 'magic' } });
    const status = await waitFor('the status', () => get('rules', 'bad')?.status);
    expect(status).toEqual({ phase: 'Invalid', observedGeneration: 1, message: 'spec.emit.generator: no generator named "magic"' });
  });
});

describe('operator: a fault of strata\'s that passes', () => {
  it('tries a Rule, a Flow and a Dataset again when strata could not take them (its store unreachable), never calling them Invalid or Failed', async () => {
    const phases: string[] = [];
    c.api.store.on('change', (ch: { obj: { kind?: string; metadata: { name: string }; status?: { phase?: string } } }) => {
      if (ch.obj.status?.phase) phases.push(`${ch.obj.kind} ${ch.obj.metadata.name}: ${ch.obj.status.phase}`);
    });
    // What strata's store throws while Redis is out of reach (ioredis), and strata's own word for it.
    port.failNext('registerRule', new Error('Connection is closed.'));
    port.failNext('registerFlow', new StrataError('unavailable', 'the store is not reachable'));
    port.failNext('submitDataset', new Error('Reached the max retries per request limit (which is 20). Refer to "maxRetriesPerRequest" option for details.'));
    await apply('rules', 'big-trees', RULE);
    await apply('flows', 'etl', { version: '1', root: { task: { image: 'busybox' } } });
    await waitFor('the rule and the flow to be registered', () => get('rules', 'big-trees')?.status?.phase === 'Registered' && get('flows', 'etl')?.status?.phase === 'Registered');
    await apply('datasets', 'retail', DATASET);
    await waitFor('the dataset\'s run', () => get('datasets', 'retail')?.status?.runId);
    expect(port.submissions.map((s) => s.runId)).toEqual(['run-1']);
    expect(phases.filter((p) => /Invalid|Failed|Error/.test(p))).toEqual([]);
  });

  it('shows a fault that may pass in the condition Reconciled (False, Retrying, its last error) while it tries again, and True once it goes through', async () => {
    const conditions = watchConditions('big-trees');
    port.failNext('registerRule', new Error('Connection is closed.'), 3);
    await apply('rules', 'big-trees', RULE);
    await waitFor('the rule to be registered', () => get('rules', 'big-trees')?.status?.phase === 'Registered');
    expect(conditions).toContainEqual({ type: 'Reconciled', status: 'False', reason: 'Retrying', message: 'Connection is closed. (a fault that may pass: tried again until it goes through)', observedGeneration: 1, lastTransitionTime: expect.any(String) });
    expect(get('rules', 'big-trees').status.conditions).toEqual([{ type: 'Reconciled', status: 'True', reason: 'Reconciled', message: '', observedGeneration: 1, lastTransitionTime: expect.any(String) }]);
    expect(port.calls.get('registerRule')).toBe(4);
  });
});

describe('operator: a bug of strata\'s (an error that is no fault that may pass)', () => {
  const BUG = new TypeError("Cannot read properties of undefined (reading 'spec')");
  const cases = [
    { plural: 'rules', method: 'registerRule', spec: RULE, edit: { priority: 50 }, through: (s: any) => s.phase === 'Registered' },
    { plural: 'flows', method: 'registerFlow', spec: { version: '1', root: { task: { image: 'busybox' } } }, edit: { version: '2' }, through: (s: any) => s.phase === 'Registered' },
    { plural: 'datasets', method: 'submitDataset', spec: DATASET, edit: { format: 'csv' }, through: (s: any) => s.phase === 'Pending' && s.runId === 'run-1' },
  ] as const;
  for (const k of cases) {
    it(`${k.plural}: tried ${ERROR_TRIES} times, then Error with the error in its message and its condition, and not tried again until its spec changes`, async () => {
      if (k.plural === 'datasets') {
        await apply('rules', 'big-trees', RULE);
        await waitFor('the rule', () => port.rules.size === 1);
      }
      const conditions = watchConditions('x');
      port.failNext(k.method, BUG, Infinity);
      await apply(k.plural, 'x', k.spec);
      const status = await waitFor('the Error', () => get(k.plural, 'x')?.status?.phase === 'Error' && get(k.plural, 'x').status);
      expect(port.calls.get(k.method)).toBe(ERROR_TRIES);
      const message = `strata operator: ${BUG.message} (tried ${ERROR_TRIES} times; tried again when the spec changes)`;
      expect(status).toMatchObject({ phase: 'Error', observedGeneration: 1, message });
      expect(status.conditions).toEqual([{ type: 'Reconciled', status: 'False', reason: 'Error', message, observedGeneration: 1, lastTransitionTime: expect.any(String) }]);
      expect(crProblems(status, statusSchema(k.plural))).toEqual([]);
      expect(conditions).toContainEqual(expect.objectContaining({ status: 'False', reason: 'Retrying', message: `${BUG.message} (try 1 of ${ERROR_TRIES})` }));
      // The bug fixed, a new spec goes through (and only then is it tried again).
      port.clearFaults();
      await edit(k.plural, 'x', k.edit);
      const after = await waitFor('the new spec to go through', () => get(k.plural, 'x')?.status?.observedGeneration === 2 && k.through(get(k.plural, 'x').status) && get(k.plural, 'x').status);
      expect(after.conditions).toEqual([{ type: 'Reconciled', status: 'True', reason: 'Reconciled', message: '', observedGeneration: 2, lastTransitionTime: expect.any(String) }]);
      expect(crProblems(after, statusSchema(k.plural))).toEqual([]);
      expect(port.calls.get(k.method)).toBe(ERROR_TRIES + 1);
    });
  }

  it('STRATA_OPERATOR_ERROR_TRIES sets the tries: 2, read by strata\'s configuration and handed to the operator from the environment, ends in Error after the second', async () => {
    const file = join(newTempDir(), 'kubeconfig');
    writeFileSync(file, c.api.kubeconfigYaml('operator', NS));
    operator.stop();
    operator = startOperatorFromEnv(port, loadConfig({ STRATA_OPERATOR_ERROR_TRIES: '2' }), { KUBECONFIG: file });
    await operator.ready;
    const conditions = watchConditions('x');
    port.failNext('registerRule', BUG, Infinity);
    await apply('rules', 'x', RULE);
    const status = await waitFor('the Error', () => get('rules', 'x')?.status?.phase === 'Error' && get('rules', 'x').status);
    expect(port.calls.get('registerRule')).toBe(2);
    expect(status.message).toBe(`strata operator: ${BUG.message} (tried 2 times; tried again when the spec changes)`);
    expect(conditions).toContainEqual(expect.objectContaining({ status: 'False', reason: 'Retrying', message: `${BUG.message} (try 1 of 2)` }));
  });

  it('datasets: one whose run it cannot follow ends in Error, its run named and kept; edited, that run is cancelled and a new one started', async () => {
    await apply('rules', 'big-trees', RULE);
    await waitFor('the rule', () => port.rules.size === 1);
    await apply('datasets', 'retail', DATASET);
    await waitFor('run-1', () => get('datasets', 'retail')?.status?.runId === 'run-1');
    port.failNext('getRun', BUG, Infinity);
    const status = await waitFor('the Error', () => get('datasets', 'retail')?.status?.phase === 'Error' && get('datasets', 'retail').status);
    expect(status).toMatchObject({ phase: 'Error', runId: 'run-1', observedGeneration: 1, message: `strata operator: ${BUG.message} (tried ${ERROR_TRIES} times; tried again when the spec changes)` });
    port.clearFaults();
    await edit('datasets', 'retail', { format: 'csv' });
    await waitFor('run-2', () => get('datasets', 'retail')?.status?.runId === 'run-2');
    expect(port.cancelled).toEqual(['run-1']);
  });
});

describe('operator: Flows', () => {
  it('registers a Flow at its version, and refuses new content under the same version', async () => {
    const spec = { version: '1', root: { task: { image: 'busybox' } } };
    await apply('flows', 'etl', spec);
    await waitFor('the flow to be registered', () => get('flows', 'etl')?.status?.phase === 'Registered');
    expect(get('flows', 'etl').status.ref).toBe('etl@1');
    expect(port.flows.has('etl@1')).toBe(true);

    await edit('flows', 'etl', { root: { task: { image: 'alpine' } } });
    await waitFor('the change to be refused', () => get('flows', 'etl')?.status?.phase === 'Invalid');
    expect(get('flows', 'etl').status.message).toBe('flow etl@1 is registered already with other content: give it a new version');

    await edit('flows', 'etl', { version: '2' });
    await waitFor('version 2', () => get('flows', 'etl')?.status?.ref === 'etl@2');
    expect([...port.flows.keys()]).toEqual(['etl@1', 'etl@2']);
  });
});

describe('operator: Datasets', () => {
  it('runs an applied Dataset through the rules and follows its run in the status', async () => {
    await apply('rules', 'big-trees', RULE);
    await waitFor('the rule', () => port.rules.size === 1);
    await apply('datasets', 'retail-2026', DATASET, { team: 'analytics' });
    const pending = await waitFor('the run to start', () => get('datasets', 'retail-2026')?.status?.runId && get('datasets', 'retail-2026').status);
    expect(pending).toMatchObject({ phase: 'Pending', runId: 'run-1', observedGeneration: 1 });
    expect(port.submissions.map((s) => s.doc)).toEqual([{ apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'retail-2026', labels: { team: 'analytics' } }, spec: DATASET }]);

    port.setRun('run-1', { status: 'running', steps: { a: { status: 'succeeded' }, b: { status: 'running' }, c: { status: 'pending' } } });
    await waitFor('the status to follow', () => get('datasets', 'retail-2026')?.status?.phase === 'Running');
    expect(get('datasets', 'retail-2026').status.steps).toEqual({ total: 3, pending: 1, running: 1, succeeded: 1, failed: 0, skipped: 0, cancelled: 0, superseded: 0 });

    port.setRun('run-1', { status: 'succeeded', steps: { a: { status: 'succeeded' }, b: { status: 'succeeded' }, c: { status: 'skipped' } } });
    await waitFor('the run to end', () => get('datasets', 'retail-2026')?.status?.phase === 'Succeeded');
    expect(get('datasets', 'retail-2026').status).toEqual({
      phase: 'Succeeded', runId: 'run-1', observedGeneration: 1, message: '',
      steps: { total: 3, pending: 0, running: 0, succeeded: 2, failed: 0, skipped: 1, cancelled: 0, superseded: 0 },
    });
  });

  it('reports a Dataset no rule matches as Failed, with strata\'s reason', async () => {
    await apply('datasets', 'orphan', DATASET);
    const status = await waitFor('the status', () => get('datasets', 'orphan')?.status?.phase && get('datasets', 'orphan').status);
    expect(status).toEqual({ phase: 'Failed', observedGeneration: 1, message: 'no rule matched dataset orphan' });
  });

  it('runs an edited Dataset again, cancelling the run still going', async () => {
    await apply('rules', 'big-trees', RULE);
    await waitFor('the rule', () => port.rules.size === 1);
    await apply('datasets', 'retail', DATASET);
    await waitFor('run-1', () => get('datasets', 'retail')?.status?.runId === 'run-1');
    await edit('datasets', 'retail', { format: 'csv' });
    await waitFor('run-2', () => get('datasets', 'retail')?.status?.runId === 'run-2');
    expect(port.cancelled).toEqual(['run-1']);
    expect(port.submissions.map((s) => s.doc.spec.format)).toEqual(['json', 'csv']);
  });

  it('cancels the run of a deleted Dataset before letting it go', async () => {
    await apply('rules', 'big-trees', RULE);
    await waitFor('the rule', () => port.rules.size === 1);
    await apply('datasets', 'retail', DATASET);
    await waitFor('the run', () => get('datasets', 'retail')?.status?.runId === 'run-1');
    await remove('datasets', 'retail');
    await waitFor('the dataset to be gone', () => !get('datasets', 'retail'));
    expect(port.cancelled).toEqual(['run-1']);
  });

  it('starts no second run when restarted, and keeps reconciling after its watches are dropped', async () => {
    await apply('rules', 'big-trees', RULE);
    await waitFor('the rule', () => port.rules.size === 1);
    await apply('datasets', 'retail', DATASET);
    await waitFor('the run', () => get('datasets', 'retail')?.status?.runId === 'run-1');
    operator.stop();
    operator = startOperator({ kubeConfig: c.api.kubeConfig('operator', NS), namespace: NS, port, pollMs: 20, retryMs: 20 });
    await operator.ready;
    c.api.dropWatches({ compact: true });
    port.setRun('run-1', { status: 'failed', steps: { a: { status: 'failed' } }, error: 'step a failed: exited with code 1' });
    await waitFor('the failure', () => get('datasets', 'retail')?.status?.phase === 'Failed');
    expect(get('datasets', 'retail').status.message).toBe('step a failed: exited with code 1');
    expect(port.submissions).toHaveLength(1);
    await apply('datasets', 'later', DATASET);
    await waitFor('a dataset applied after the drop', () => get('datasets', 'later')?.status?.runId === 'run-2');
  });
});
