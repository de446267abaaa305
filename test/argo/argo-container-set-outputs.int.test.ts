/**
 * Issue 12: a containerSet's inputs and outputs are its `main` container's, as Argo loads and
 * saves them (docs/container-set-template.md, "Inputs and Outputs"): an output parameter
 * from a file (valueFrom.path, with a default), an output artifact, outputs.result, and an
 * input artifact placed in main, read by the steps after the pod. Through the real stack:
 * `strata import argo` and `strata runs submit` as processes, POST /v1/runs, the local runtime.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunView } from '../../src/run/run-view.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const env = cliEnv(svc);
const { dir: DIR, read } = argoFixtures('container-set-outputs');

/** The run of the fixture, checked by what its steps read of the containerSet. */
function check(r: RunView): void {
  expect(r.status, r.error ?? JSON.stringify(r.steps).slice(0, 3000)).toBe('succeeded');
  expect(r.steps['set/main'].parameters).toEqual({ count: '3', missing: 'fallback' });
  expect(r.steps.set.parameters).toEqual({ count: '3', missing: 'fallback' });
  expect(r.steps.show.result).toBe('count=3 missing=fallback result=main-done seeded report-body ');
}

describe('containerSet outputs are its main container\'s', { timeout: 60_000 }, () => {
  it('POST /v1/runs: the parameter, its default, the artifact and the result reach the next step; the input artifact reaches main', async () => {
    check(await svc.runToEnd(read('outputs.yaml')));
  });

  it('strata import argo prints the mapping; strata runs submit runs it', async () => {
    const imp = await runStrata(['import', 'argo', join(DIR, 'outputs.yaml')], env);
    expect(imp.code, imp.stderr).toBe(0);
    const set = (parse(imp.stdout) as { spec: { root: { graph: { nodes: Record<string, { pod: { flow: { graph: { nodes: Record<string, { task: { outputs?: unknown; inputs?: unknown } }> } } } }> } } } }).spec.root.graph.nodes.set;
    expect(set.pod.flow.graph.nodes.main.task.outputs).toMatchObject({ artifacts: [{ name: 'report', path: '/tmp/report.txt' }], parameters: { count: { path: '/tmp/count' } } });
    expect(set.pod.flow.graph.nodes.prepare.task.outputs).toBeUndefined();
    const sub = await runStrata(['runs', 'submit', join(DIR, 'outputs.yaml')], env);
    expect(sub.code, sub.stderr).toBe(0);
    check(await svc.waitRun(/run (\S+) submitted/.exec(sub.stdout)![1], 30_000));
  });

  it('a containerSet with outputs and no container named main is refused naming the template (CLI exit 2, HTTP 400)', async () => {
    const doc = read('outputs.yaml').replace(/- name: main\n(\s+)image: alpine\n(\s+)dependencies/, '- name: last\n$1image: alpine\n$2dependencies');
    const r = await svc.call('POST', '/v1/runs', doc);
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.error.message).toContain('template set: a containerSet\'s input artifacts and outputs are its container main\'s');
  });

  it('a strata pod\'s own outputs.parameters: resolved over its containers when it ends, read by the next step (POST /v1/runs)', async () => {
    const r = await svc.runToEnd({ flow: parse(read('pod-outputs.flow.yaml')) });
    expect(r.status, r.error ?? JSON.stringify(r.steps).slice(0, 2000)).toBe('succeeded');
    expect(r.steps.pod.parameters).toEqual({ n: '7', both: '7-seven' });
    expect(r.steps.read.result).toBe('n=7 both=7-seven');
  });

  it('a pod output naming no container, or a parameter the pod does not give, is refused when planned (400, named)', async () => {
    const flow = parse(read('pod-outputs.flow.yaml'));
    flow.spec.root.sequence[0].pod.outputs.parameters.n = '{{ steps.pod/nosuch.outputs.parameters.n }}';
    flow.spec.root.sequence[1].task.command[1] = '{{ steps.pod.outputs.parameters.zz }}';
    const r = await svc.call('POST', '/v1/runs', { flow });
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    const problems = (r.body.error.details.problems as Array<{ path: string; message: string }>).map((p) => `${p.path}: ${p.message}`).join('\n');
    expect(problems).toContain('spec.root.sequence[0].pod.outputs.parameters.n');
    expect(problems).toContain('no step "pod/nosuch"');
    expect(problems).toContain('declares no output parameter "zz"');
  });

  it('inside a loop: each item\'s pod gives its own main\'s parameter, aggregated for the next step (POST /v1/runs)', async () => {
    const r = await svc.runToEnd(read('loop.yaml'));
    expect(r.status, r.error ?? JSON.stringify(r.steps).slice(0, 3000)).toBe('succeeded');
    expect([r.steps['set/0'].parameters, r.steps['set/1'].parameters]).toEqual([{ out: 'got-a' }, { out: 'got-b' }]);
    expect(r.steps.show.result).toEqual(['got-a', 'got-b']);
  });
});
