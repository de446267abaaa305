/**
 * Faults an Argo user met (issue 12): each Argo-style workflow of test/fixtures/argo/faults
 * sent as it is to `POST /v1/runs` (or through the `strata` CLI), run on the local runtime
 * through real HTTP, Redis, BullMQ and processes, and checked by its outputs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunView } from '../../src/run/run-view.ts';
import { runStrata } from '../support/processes.ts';
import { argoFixtures } from '../support/documents.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';

const FAULTS = argoFixtures('faults').dir;

const svc = useRunService();
const env = cliEnv(svc);

const post = (name: string): Promise<RunView> => svc.runToEnd(readFileSync(join(FAULTS, name), 'utf8'));

describe('Argo documents as an Argo user writes them', () => {
  it('withParam over JSON text: an output parameter, an input parameter and a workflow parameter', async () => {
    const run = await post('withparam-text.yaml');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.steps.byoutput.result).toEqual(['id 1', 'id 2']);
    expect(run.steps.byinput.result).toEqual(['in a', 'in b', 'in c']);
    expect(run.steps.byworkflow.result).toEqual(['wf a', 'wf b', 'wf c']);
  });

  it('results and parameters pass on as the text they were: 1.50, 1e3, 1.0 in an object, 0010, a big integer', async () => {
    const run = await post('text-values.yaml');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.steps.show.result).toBe('v1=[1.50] v2=[1e3] v3=[{"a": 1.0, "b": [1, 2]}] v4=[0010] v5=[12345678901234567890] version=[1.10]');
    expect(run.steps.v1.result).toBe('1.50');
  });

  it('-p keeps the text of a value: version=2.50 stays 2.50', async () => {
    const r = await runStrata(['runs', 'submit', join(FAULTS, 'text-values.yaml'), '-p', 'version=2.50'], env);
    expect(r.code, r.stderr).toBe(0);
    const run = await svc.waitRun(/run (\S+) submitted/.exec(r.stdout)![1], 90_000);
    expect(run.steps.show.result).toMatch(/ version=\[2\.50\]$/);
  });

  it('deep and long step paths: four nested 63-character names and a twelve-level recursion run', async () => {
    const run = await post('long-names.yaml');
    expect(run.status, run.error ?? '').toBe('succeeded');
    const leaf = Object.keys(run.steps).find((s) => s.endsWith('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx4'));
    expect(leaf && run.steps[leaf].result).toBe('deep leaf');
    const pod = Object.keys(run.steps).find((s) => s.endsWith('x5'));
    expect(pod && (run.steps[pod].result as { main: string }).main).toBe('pod done');
    expect(Object.entries(run.steps).filter(([s]) => s.startsWith(`${pod}/`)).map(([, v]) => v.status)).toEqual(['succeeded', 'succeeded']);
    const deepest = Object.keys(run.steps).filter((s) => s.split('/').filter((x) => x === 'call-the-countdown-again').length === 11 && s.endsWith('/dec'));
    expect(deepest.map((s) => run.steps[s].result)).toEqual([0]);
  });

  it('a DAG\'s outcome is its leaves\': an omitted leaf after a failure fails the workflow, a handled failure whose leaves ran does not', async () => {
    const failed = await post('dag-leaf-fail.yaml');
    expect(Object.fromEntries(Object.entries(failed.steps).map(([k, v]) => [k, v.status]))).toEqual({ B: 'failed', onfail: 'succeeded', onok: 'skipped' });
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('onok');
    const handled = await post('dag-handled.yaml');
    expect(handled.steps.B.status).toBe('failed');
    expect(handled.status).toBe('succeeded');
  });

  it('a looped task with a condition: its combined result lists the items that ran, not null for the skipped', async () => {
    const run = await post('item-when.yaml');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.steps['loop/0'].status).toBe('skipped');
    expect(run.steps.loop.result).toEqual(['item 2', 'item 3']);
    expect(run.steps.fanin.result).toBe('fanin ["item 2","item 3"]');
  });
});
