/**
 * Issue 12: a `container` or `script` template's `volumeMounts` of an `emptyDir` volume
 * (`spec.volumes` or the template's own `volumes`). Argo gives each pod the volume empty at
 * its mount path; strata gives the container a directory of its own there (its private view,
 * per execution: each loop item and retry starts with it empty), one volume at two paths
 * being one directory (the task's scratch). Through the real stack: `strata import argo` and
 * `strata runs submit` as processes, POST /v1/runs, the local runtime; the refusals (another
 * volume kind, subPath, readOnly, a volume no list has) with exit 2 and HTTP 400 naming the place.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunView } from '../../src/run/run-view.ts';
import { refusedLines } from '../support/argo-refused.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const env = cliEnv(svc);
const { dir: DIR, read } = argoFixtures('container-volumes');

/** The run of workspace.yaml: each loop pod found /workspace empty; the script's pod too, and its own volume held its note where it started. */
function checkWorkspace(r: RunView): void {
  expect(r.status, r.error ?? JSON.stringify(r.steps).slice(0, 3000)).toBe('succeeded');
  expect([r.steps['fill/0'].result, r.steps['fill/1'].result]).toEqual(['a', 'b']);
  expect([r.steps['fill/0'].parameters, r.steps['fill/1'].parameters]).toEqual([{ count: '0' }, { count: '0' }]);
  expect(r.steps.tally.result).toBe('workspace=0 pwd=/var/cache/strata-argo-app note=kept');
}

const refused = (text: string): Promise<string> => refusedLines(svc, text);

describe('a container or script template\'s emptyDir volumeMounts are a directory of its own (issue 12)', { timeout: 60_000 }, () => {
  it('strata import argo: each mount a path of the task\'s own volumes', async () => {
    const imp = await runStrata(['import', 'argo', join(DIR, 'workspace.yaml')], env);
    expect(imp.code, imp.stderr).toBe(0);
    const nodes = (parse(imp.stdout) as { spec: { root: { graph: { nodes: Record<string, { forEach?: { node: { task: { volumes?: unknown } } }; task?: { volumes?: unknown } }> } } } }).spec.root.graph.nodes;
    expect(JSON.stringify(nodes.fill)).toContain('"volumes":["/workspace"]');
    expect(nodes.tally.task?.volumes).toEqual(['/var/cache/strata-argo-app', '/workspace']);
  });

  it('strata runs submit (a process): each pod finds its volumes empty; nothing is made on the host', async () => {
    const sub = await runStrata(['runs', 'submit', join(DIR, 'workspace.yaml')], env);
    expect(sub.code, sub.stderr).toBe(0);
    checkWorkspace(await svc.waitRun(/run (\S+) submitted/.exec(sub.stdout)![1], 30_000));
    expect(existsSync('/workspace')).toBe(false);
    expect(existsSync('/var/cache/strata-argo-app')).toBe(false);
  });

  it('POST /v1/runs: the same; one volume mounted at two paths is one directory', async () => {
    checkWorkspace(await svc.runToEnd(read('workspace.yaml')));
    const r = await svc.runToEnd(read('two-paths.yaml'));
    expect(r.status, r.error ?? JSON.stringify(r.steps).slice(0, 3000)).toBe('succeeded');
    expect(Object.values(r.steps).map((s) => s.result)).toEqual(['handed-over']);
  });

  it('a volume other than emptyDir is refused naming it (HTTP 400, strata import argo exit 2)', async () => {
    const doc = read('workspace.yaml').replace('    - name: work\n      emptyDir: {}', '    - name: work\n      hostPath: { path: /srv }');
    expect(await refused(doc)).toContain('spec.volumes[0](work): a hostPath volume is not supported');
  });

  it('subPath, readOnly and a mount of a volume no list has are refused naming the place, all at once', async () => {
    const doc = read('workspace.yaml')
      .replace('          - name: work\n            mountPath: /workspace\n      outputs', '          - name: work\n            mountPath: /workspace\n            subPath: part\n      outputs')
      .replace('          - name: cache\n            mountPath: /var/cache/strata-argo-app', '          - name: cache\n            mountPath: /var/cache/strata-argo-app\n            readOnly: true')
      .replace(/          - name: work\n            mountPath: \/workspace\n$/, '          - name: nowhere\n            mountPath: /workspace\n');
    const said = await refused(doc);
    expect(said).toContain('spec.templates[1](fill).container.volumeMounts[0].subPath: Argo field "subPath" is not supported');
    expect(said).toContain('spec.templates[2](tally).script.volumeMounts[0].readOnly: Argo field "readOnly" is not supported');
    expect(said).toContain('spec.templates[2](tally).script.volumeMounts[1](nowhere): volume "nowhere" is not in the template\'s volumes nor the workflow\'s spec.volumes');
    const inside = await refused(read('two-paths.yaml').replace('      container:\n', '      outputs:\n        parameters:\n          - name: box\n            valueFrom: { path: /in/box }\n      container:\n'));
    expect(inside).toContain('spec.templates[0](pass).outputs.parameters(box).valueFrom.path: "/in/box" is inside volume "drop"');
    const second = await refused(read('two-paths.yaml').replace('        - name: drop\n          emptyDir: {}\n', '        - name: drop\n          emptyDir: {}\n        - name: more\n          emptyDir: {}\n') + '          - name: more\n            mountPath: /a\n          - name: more\n            mountPath: /b\n');
    expect(second).toContain('spec.templates[0](pass).container.volumeMounts[2](more): a second volume mounted at several paths ("more", after "drop")');
  });
});
