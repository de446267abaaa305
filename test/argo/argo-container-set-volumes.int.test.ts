/**
 * Issue 12: a containerSet's `volumeMounts` of an `emptyDir` volume (Argo's container-set
 * example: containers append to /workspace/message, main reads it). The containerSet's own
 * mounts are every container's, a container's own only its (Argo's ContainerSetTemplate
 * GetContainers appends the set's to each container's); the volume is the pod's scratch
 * directory at the mount path. Through the real stack: `strata import argo` and
 * `strata runs submit` as processes, POST /v1/runs, the local runtime; and the refusals
 * (a volume other than emptyDir, a second emptyDir in one containerSet, a volume no list
 * has) with exit 2 and HTTP 400 naming the place.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunView } from '../../src/run/run-view.ts';
import { submitRefused } from '../support/argo-refused.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const env = cliEnv(svc);
const { dir: DIR, read } = argoFixtures('container-set-volumes');

type Nodes = Record<string, { task: { volumes?: unknown } }>;

/** The run of workspace.yaml: main printed the two lines a and b appended, in either order. */
function checkWorkspace(r: RunView): void {
  expect(r.status, r.error ?? JSON.stringify(r.steps).slice(0, 3000)).toBe('succeeded');
  expect(String(r.steps['work/main'].result).split('\n').sort()).toEqual(['note from a', 'note from b']);
}

/** The problems of a refused POST /v1/runs, one `path: message` a line. */
async function refused(doc: string): Promise<string> {
  const r = await svc.call('POST', '/v1/runs', doc);
  expect(r.status, JSON.stringify(r.body)).toBe(400);
  const problems = (r.body.error.details?.problems ?? [{ path: '', message: r.body.error.message }]) as Array<{ path: string; message: string }>;
  return problems.map((p) => `${p.path}: ${p.message}`).join('\n');
}

describe('a containerSet\'s emptyDir volumeMounts are the pod\'s scratch (issue 12)', { timeout: 60_000 }, () => {
  it('strata import argo: the containerSet\'s mounts on every container, as { from: scratch, path }', async () => {
    const imp = await runStrata(['import', 'argo', join(DIR, 'workspace.yaml')], env);
    expect(imp.code, imp.stderr).toBe(0);
    const nodes = (parse(imp.stdout) as { spec: { root: { graph: { nodes: Record<string, { pod: { flow: { graph: { nodes: Nodes } } } }> } } } }).spec.root.graph.nodes.work.pod.flow.graph.nodes;
    for (const c of ['a', 'b', 'main']) expect(nodes[c].task.volumes, c).toEqual([{ path: '/workspace', from: 'scratch' }]);
  });

  it('strata runs submit (a process): main reads the two lines a and b wrote', async () => {
    const sub = await runStrata(['runs', 'submit', join(DIR, 'workspace.yaml')], env);
    expect(sub.code, sub.stderr).toBe(0);
    checkWorkspace(await svc.waitRun(/run (\S+) submitted/.exec(sub.stdout)![1], 30_000));
  });

  it('POST /v1/runs: the same; a container\'s own mounts are its own (one volume at two paths; a container without a mount sees nothing)', async () => {
    checkWorkspace(await svc.runToEnd(read('workspace.yaml')));
    const r = await svc.runToEnd(read('per-container.yaml'));
    expect(r.status, r.error ?? JSON.stringify(r.steps).slice(0, 3000)).toBe('succeeded');
    const main = Object.keys(r.steps).find((id) => id.endsWith('/main'))!;
    const outsider = Object.keys(r.steps).find((id) => id.endsWith('/outsider'))!;
    expect([r.steps[outsider].result, r.steps[main].result]).toEqual(['sees-nothing', 'handed-over']);
  });

  it('a volume other than emptyDir is refused naming it (HTTP 400, strata runs submit exit 2)', async () => {
    const doc = read('workspace.yaml').replace('emptyDir: {}', 'configMap: { name: settings }');
    expect(await refused(doc)).toContain('spec.volumes[0](workspace): a configMap volume is not supported');
    expect(await submitRefused(env, doc)).toContain('spec.volumes[0](workspace): a configMap volume is not supported');
  });

  it('a second emptyDir volume in one containerSet, a mount of a volume no list has, and main\'s output inside its mount are refused naming the place and why', async () => {
    const two = read('per-container.yaml')
      .replace('        - name: drop\n          emptyDir: {}', '        - name: drop\n          emptyDir: {}\n        - name: cache\n          emptyDir: {}')
      .replace('              - name: drop\n                mountPath: /in', '              - name: cache\n                mountPath: /in');
    const said = await refused(two);
    expect(said).toContain('spec.templates[0](pass).containerSet.containers[2](main).volumeMounts[0](cache)');
    expect(said).toContain('a second emptyDir volume');
    const missing = await refused(read('workspace.yaml').replace('- name: workspace\n            mountPath', '- name: nowhere\n            mountPath'));
    const inside = await refused(read('workspace.yaml').replace('    - name: notes\n', '    - name: notes\n      outputs:\n        parameters:\n          - name: text\n            valueFrom: { path: /workspace/message }\n'));
    expect(inside).toContain('spec.templates[1](notes).outputs.parameters(text).valueFrom.path: "/workspace/message" is inside volume "workspace", mounted at /workspace in container main');
    expect(missing).toContain('spec.templates[1](notes).containerSet.volumeMounts[0](nowhere): volume "nowhere" is not in the template\'s volumes nor the workflow\'s spec.volumes');
  });
});
