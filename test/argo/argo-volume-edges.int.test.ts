/**
 * A tester's pass over issue 12's emptyDir volumes, from outside: documents an Argo user may
 * write at the edges. Mounts one inside another (/data and /data/cache, in either order) are
 * each a directory the program writes, as in Kubernetes, where the container runtime mounts a
 * parent before its children (containerd pkg/cri/opts/spec_linux.go WithMounts sorts them by
 * their number of path parts); they failed with "Directory nonexistent". A Workflow with
 * hundreds of volumes runs (strata's own record of them was refused past 4,096 characters),
 * and a container mounting more volumes than a task takes is refused naming the template and
 * the limit, not strata's inner fields. Through the real stack: `strata import argo` and
 * `strata runs submit` as processes, POST /v1/runs, the local runtime.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunView } from '../../src/run/run-view.ts';
import { refusedLines } from '../support/argo-refused.ts';
import { argoFixtures, flowDoc, shTask } from '../support/documents.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const env = cliEnv(svc);
const { dir: DIR, read } = argoFixtures('volume-edges');

type Doc = { spec: { volumes: Array<{ name: string; emptyDir: object }>; templates: Array<{ name: string; container?: { volumeMounts: Array<{ name: string; mountPath: string }> }; containerSet?: { containers: Array<{ volumeMounts?: Array<{ name: string; mountPath: string }> }> } }> } };

/** one-container.yaml with `volumes` emptyDir volumes in spec.volumes (`vol-0`, ...), its container mounting the first `mounts` of them (`/data/0`, ...). */
function withVolumes(volumes: number, mounts: number): string {
  const doc = parse(read('one-container.yaml')) as Doc;
  doc.spec.volumes = Array.from({ length: volumes }, (_, i) => ({ name: `scratch-volume-${i}`, emptyDir: {} }));
  doc.spec.templates[0].container!.volumeMounts = Array.from({ length: mounts }, (_, i) => ({ name: `scratch-volume-${i}`, mountPath: `/data/${i}` }));
  return JSON.stringify(doc);
}

const refused = (text: string): Promise<string> => refusedLines(svc, text);

function succeeded(r: RunView): RunView {
  expect(r.status, r.error ?? JSON.stringify(r.steps).slice(0, 3000)).toBe('succeeded');
  return r;
}

describe('emptyDir volumes at the edges (issue 12, a tester\'s pass)', { timeout: 90_000 }, () => {
  it('mounts one inside another are each a directory, in either order, in a container, a script and a containerSet (POST /v1/runs, strata runs submit)', async () => {
    const check = (r: RunView) => {
      succeeded(r);
      expect([r.steps['outer-first'].result, r.steps['inner-first'].result, r.steps['set/main'].result]).toEqual(['a b ', 'c d ', 'e f ']);
    };
    check(await svc.runToEnd(read('nested.yaml')));
    const sub = await runStrata(['runs', 'submit', join(DIR, 'nested.yaml')], env);
    expect(sub.code, sub.stderr).toBe(0);
    check(await svc.waitRun(/run (\S+) submitted/.exec(sub.stdout)![1], 60_000));
  });

  it('a Workflow with 400 emptyDir volumes, one mounted, runs (POST /v1/runs, strata runs submit)', async () => {
    const doc = withVolumes(400, 1);
    expect(succeeded(await svc.runToEnd(doc)).steps.main.result).toBe('mounted 1');
    const dir = await mkdtemp(join(tmpdir(), 'strata-volume-edges-'));
    try {
      await writeFile(join(dir, 'many.json'), doc);
      const sub = await runStrata(['runs', 'submit', join(dir, 'many.json')], env);
      expect(sub.code, sub.stderr).toBe(0);
      expect(succeeded(await svc.waitRun(/run (\S+) submitted/.exec(sub.stdout)![1], 60_000)).steps.main.result).toBe('mounted 1');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a container mounting more volumes than a task takes is refused naming the template and the limit (exit 2, 400), a containerSet\'s container too', async () => {
    const said = await refused(withVolumes(3000, 3000));
    expect(said).toContain('spec.templates[0](main).container.volumeMounts: 3000 mounts, more than the 64 strata gives one container');
    expect(said).not.toMatch(/annotations|spec\.root|Too big/);
    const set = parse(withVolumes(1, 0)) as Doc;
    set.spec.templates[0] = { name: 'main', containerSet: { volumeMounts: Array.from({ length: 70 }, (_, i) => ({ name: 'scratch-volume-0', mountPath: `/w/${i}` })), containers: [{ name: 'main', image: 'alpine', command: ['true'] }] } } as unknown as Doc['spec']['templates'][number];
    const inSet = await refused(JSON.stringify(set));
    expect(inSet).toContain('spec.templates[0](main).containerSet.containers[0](main): 70 mounts, more than the 64 strata gives one container');
    expect(inSet).not.toMatch(/spec\.root|Too big/);
  });

  it('a mount at or under /strata, where strata\'s pods keep their tools, gate and scratch, is refused naming it (exit 2, 400), a native task\'s volume too: in a pod it lost the step its entrypoint', async () => {
    const doc = parse(withVolumes(2, 2)) as Doc;
    doc.spec.templates[0].container!.volumeMounts = [{ name: 'scratch-volume-0', mountPath: '/strata' }];
    doc.spec.templates.push({ name: 'set', containerSet: { volumeMounts: [{ name: 'scratch-volume-1', mountPath: '/strata/tools' }], containers: [{ name: 'main', image: 'alpine', command: ['true'] }] } } as unknown as Doc['spec']['templates'][number]);
    const said = await refused(JSON.stringify(doc));
    expect(said).toContain('spec.templates[0](main).container.volumeMounts[0](scratch-volume-0).mountPath: "/strata" must be outside /strata');
    expect(said).toContain('spec.templates[1](set).containerSet.volumeMounts[0](scratch-volume-1).mountPath: "/strata/tools" must be outside /strata');
    const native = await svc.call('POST', '/v1/runs', { flow: flowDoc({ id: 'a', task: { ...shTask('true'), volumes: ['/strata/tools'] } }) });
    expect(native.status, JSON.stringify(native.body)).toBe(400);
    expect(JSON.stringify(native.body)).toContain('must be outside /strata');
  });
});
