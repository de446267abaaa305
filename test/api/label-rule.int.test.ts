/**
 * One label rule, Kubernetes' own, wherever strata takes labels (src/flow/labels.ts): a run's
 * labels, a Flow's, a Dataset's, a Rule's, a Schedule's and a Hook's (metadata and spec), an
 * Argo Workflow's, and the keys of a label selector. A label that breaks it is refused before
 * anything is stored, naming its place (`metadata.labels["A B"]`): a flow labelled `A B` had
 * been stored, and its runs carried a label no selector could select. Over HTTP (400, nothing
 * stored) and from the CLI (exit 2).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { flowDoc } from '../support/documents.ts';
import { runStrata } from '../support/processes.ts';
import { snapshot } from '../support/redis-snapshot.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const tempDir = useTempDirs('strata-labels-');

const KEY = 'must be a label key: a name of at most 63 letters, digits, "-", "_" and ".", beginning and ending with a letter or digit, after an optional prefix and "/" (a DNS subdomain of at most 253 lower-case letters, digits, "-" and "."), as Kubernetes takes it';
const VALUE = 'must be a label value: empty, or at most 63 letters, digits, "-", "_" and ".", beginning and ending with a letter or digit, as Kubernetes takes it';

const flow = (name: string, labels: unknown) => ({ ...flowDoc({ task: { image: 'x' } }, name), metadata: { name, version: '1', labels } });
const dataset = (name: string, labels: unknown) => ({ apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name, labels }, spec: { shape: 'table', partitions: [1] } });
const rule = (name: string, labels: unknown) => ({ apiVersion: 'strata/v1', kind: 'Rule', metadata: { name, labels }, spec: { priority: 1, when: false, emit: { use: 'lr-lib@1' } } });
const schedule = (name: string, metadata: unknown, spec: unknown) => ({ apiVersion: 'strata/v1', kind: 'Schedule', metadata: { name, ...(metadata as object) }, spec: { schedule: '0 2 * * *', use: 'lr-lib@1', ...(spec as object) } });
const hook = (name: string, metadata: unknown, spec: unknown) => ({ apiVersion: 'strata/v1', kind: 'Hook', metadata: { name, ...(metadata as object) }, spec: { use: 'lr-lib@1', ...(spec as object) } });
const workflow = (labels: unknown) => ({
  apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: 'lr-argo-', labels },
  spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine', command: ['true'] } }] },
});

/** What the service holds, but for the queues' own bookkeeping, which moves by itself. */
const stored = () => snapshot(svc.redis.connect(), svc.prefix, /:bull:/);

const problemsOf = (body: { error?: { details?: { problems?: Array<{ path: string; message: string }> } } }) => (body.error?.details?.problems ?? []).map((p) => `${p.path}: ${p.message}`);

describe('one label rule over HTTP', () => {
  // A document inside a run request is named by its own paths, as every problem of it is (an Argo one's under "body").
  const cases: Array<{ name: string; path: string; body: unknown; problem: string }> = [
    { name: 'a Flow\'s key', path: '/v1/flows', body: flow('lr-flow', { 'A B': 'x' }), problem: `metadata.labels["A B"]: ${KEY}` },
    { name: 'a Flow\'s value over 63 characters', path: '/v1/flows', body: flow('lr-flow', { team: 'a'.repeat(64) }), problem: `metadata.labels["team"]: ${VALUE}` },
    { name: 'a Flow\'s key with a prefix in capitals', path: '/v1/flows', body: flow('lr-flow', { 'Example.com/team': 'x' }), problem: `metadata.labels["Example.com/team"]: ${KEY}` },
    { name: 'a Flow\'s key whose name ends in "-"', path: '/v1/flows', body: flow('lr-flow', { 'team-': 'x' }), problem: `metadata.labels["team-"]: ${KEY}` },
    { name: 'a Dataset\'s key', path: '/v1/datasets', body: dataset('lr-ds', { 'A B': 'x' }), problem: `metadata.labels["A B"]: ${KEY}` },
    { name: 'a Dataset\'s value with a space', path: '/v1/datasets', body: dataset('lr-ds', { team: 'a b' }), problem: `metadata.labels["team"]: ${VALUE}` },
    { name: 'a Rule\'s key', path: '/v1/rules', body: rule('lr-rule', { 'A B': 'x' }), problem: `metadata.labels["A B"]: ${KEY}` },
    { name: 'a Schedule\'s metadata key', path: '/v1/schedules', body: schedule('lr-schedule', { labels: { 'A B': 'x' } }, {}), problem: `metadata.labels["A B"]: ${KEY}` },
    { name: 'a Schedule\'s run label key', path: '/v1/schedules', body: schedule('lr-schedule', {}, { labels: { 'team,x': 'a' } }), problem: `spec.labels["team,x"]: ${KEY}` },
    { name: 'a Hook\'s run label value', path: '/v1/hooks', body: hook('lr-hook', {}, { labels: { team: '<b>' } }), problem: `spec.labels["team"]: ${VALUE}` },
    { name: 'a run\'s key', path: '/v1/runs', body: { flow: flow('lr-run', { team: 'x' }), labels: { 'A B': 'c' } }, problem: `labels["A B"]: ${KEY}` },
    { name: 'a run\'s value', path: '/v1/runs', body: { flow: flow('lr-run', { team: 'x' }), labels: { team: 'a,b' } }, problem: `labels["team"]: ${VALUE}` },
    { name: 'the key of the Flow a run is asked for with', path: '/v1/runs', body: { flow: flow('lr-run', { 'A B': 'x' }) }, problem: `metadata.labels["A B"]: ${KEY}` },
    { name: 'an Argo Workflow\'s key', path: '/v1/runs', body: { flow: workflow({ 'A B': 'x' }) }, problem: `body: metadata.labels["A B"]: ${KEY}` },
  ];

  it.each(cases)('$name: 400 naming the place, nothing stored', async ({ path, body, problem }) => {
    expect((await svc.call('POST', '/v1/flows', flowDoc({ task: { image: 'x' } }, 'lr-lib'))).status).toBeLessThan(300);
    const before = await stored();
    const r = await svc.call('POST', path, body);
    expect(r.status, r.text).toBe(400);
    expect(problemsOf(r.body)).toContain(problem);
    expect(await stored()).toEqual(before);
  });

  it('takes labels Kubernetes takes (a prefix, an empty value, 63 characters) on a flow, its Dataset and its run, and selects the run by each', async () => {
    const long = `a${'-'.repeat(61)}z`;
    const labels = { 'example.com/team': 'analytics', 'app.kubernetes.io/part-of': '', [`n${'_'.repeat(61)}9`]: long };
    expect((await svc.call('POST', '/v1/flows', flow('lr-good', labels))).status).toBe(201);
    const run = await svc.runToEnd({ use: 'lr-good@1', labels: { 'x.y/who': 'me.too_1' } });
    expect(run.labels).toEqual({ ...labels, 'x.y/who': 'me.too_1' });
    for (const [k, v] of Object.entries(run.labels)) {
      const found = (await svc.call('GET', `/v1/runs?selector=${encodeURIComponent(`${k}=${v}`)}`)).body.runs.map((x: { id: string }) => x.id);
      expect(found, `${k}=${v}`).toContain(run.id);
    }
    const ds = await svc.call('POST', '/v1/datasets', dataset('lr-good-ds', { 'example.com/team': 'analytics', empty: '' }));
    expect(ds.status, ds.text).toBeLessThan(300);
  });

  it('refuses a selector whose key no label can have, naming the part', async () => {
    const r = await svc.call('GET', `/v1/runs?selector=${encodeURIComponent('team=x,A B')}`);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('label selector part "A B"');
  });
});

describe('labels strata writes from a name keep the rule too', () => {
  const isValue = (v: string) => v === '' || /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(v);

  it('a Dataset named with 64 characters (a name may be, a label value not) runs, its run labelled with the name folded to fit and found by it', async () => {
    const name = `ds${'x'.repeat(61)}9`;
    expect(name.length).toBe(64);
    const r = await svc.call('POST', '/v1/datasets?run=true', dataset(name, { team: 'a' }));
    expect(r.status, r.text).toBeLessThan(300);
    const run = await svc.waitRun(r.body.runId);
    const folded = run.labels['strata.dev/dataset'];
    expect(isValue(folded), folded).toBe(true);
    expect(folded.startsWith(name.slice(0, 40))).toBe(true);
    const found = (await svc.call('GET', `/v1/runs?selector=${encodeURIComponent(`strata.dev/dataset=${folded}`)}`)).body.runs.map((x: { id: string }) => x.id);
    expect(found).toEqual([run.id]);
  });

  it('an Argo Workflow whose fixed name is no label value (64 characters) is one run: strata apply again finds it by its folded label', async () => {
    const name = `wf${'y'.repeat(61)}9`;
    const file = join(tempDir(), 'named.yaml');
    writeFileSync(file, stringify({ ...workflow(undefined), metadata: { name } }));
    const first = await runStrata(['apply', file], cliEnv(svc));
    expect(first.code, first.stderr).toBe(0);
    const id = new RegExp(`run (\\S+) started for Argo Workflow ${name}`).exec(first.stdout)![1];
    const run = await svc.waitRun(id);
    expect(isValue(run.labels['workflows.argoproj.io/workflow'])).toBe(true);
    const again = await runStrata(['apply', file], cliEnv(svc));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`run ${id} of Argo Workflow ${name} unchanged`);
  });
});

describe('one label rule from the CLI', () => {
  it.each([
    { name: 'a Flow', doc: flow('lr-cli-flow', { 'A B': 'x' }), list: '/v1/flows', problem: `metadata.labels["A B"]: ${KEY}` },
    { name: 'a Dataset', doc: dataset('lr-cli-ds', { team: 'a b' }), list: '/v1/datasets', problem: `metadata.labels["team"]: ${VALUE}` },
    { name: 'an Argo Workflow', doc: workflow({ 'A B': 'x' }), list: '/v1/flows', problem: `metadata.labels["A B"]: ${KEY}` },
  ])('strata apply of $name with a bad label: exit 2 naming the file and the place, nothing stored', async ({ doc, list, problem }) => {
    const file = join(tempDir(), 'bad.yaml');
    writeFileSync(file, stringify(doc));
    const before = (await svc.call('GET', list)).body;
    const r = await runStrata(['apply', file], cliEnv(svc));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(problem);
    expect((await svc.call('GET', list)).body).toEqual(before);
  });

  it('strata runs submit -l with a bad key or value: exit 2 naming the label, no run', async () => {
    await svc.call('POST', '/v1/flows', flowDoc({ task: { image: 'x' } }, 'lr-lib'));
    const before = (await svc.call('GET', '/v1/runs?limit=1000')).body;
    const key = await runStrata(['runs', 'submit', '--use', 'lr-lib@1', '-l', 'A B=c'], cliEnv(svc));
    expect([key.code, key.stderr]).toEqual([2, `strata: labels["A B"]: ${KEY}\n`]);
    const value = await runStrata(['runs', 'submit', '--use', 'lr-lib@1', '-l', 'team=a b'], cliEnv(svc));
    expect([value.code, value.stderr]).toEqual([2, `strata: labels["team"]: ${VALUE}\n`]);
    expect((await svc.call('GET', '/v1/runs?limit=1000')).body).toEqual(before);
  });
});
