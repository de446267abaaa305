/**
 * The pod builder on its output, Tekton-style: a PodRequest in, the Pod manifest out,
 * checked field by field and validated offline against the Kubernetes schemas.
 */
import { describe, expect, it } from 'vitest';
import { buildPodAccess, podOwner } from '../../../runtime/kubernetes/pod-access.ts';
import { buildPod, buildPodObjects } from '../../../runtime/kubernetes/pod-builder.ts';
import { BUILTIN_IMAGES } from '../../../runtime/image-map.ts';
import { STDOUT_WRAPPER } from '../../../runtime/kubernetes/stdout-wrapper.ts';
import type { PodBuildOptions } from '../../../runtime/kubernetes/pod-options.ts';
import type { MicroPlan } from '../../../runtime/quarterback/micro-plan.ts';
import { schemaProblems } from '../../deploy/support/k8s-schema.ts';
import { podOf, podRequest, sh } from './support/flows.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;
const OPTS: PodBuildOptions = { namespace: 'strata', quarterbackImage: 'strata/quarterback:0.1.0', sharedClaim: 'strata-shared', sharedDir: '/var/lib/strata' };
const dirs = { shared: '/var/lib/strata' };
const micro = (flow: Record<string, unknown>, extra = {}) => buildPod(podRequest(podOf(flow, extra), dirs), OPTS) as Obj;
/** A micro pod's ConfigMap, where its plan and slot layout travel. */
const configMapOf = (flow: Record<string, unknown>, extra = {}) => buildPodObjects(podRequest(podOf(flow, extra), dirs), OPTS).configMap as Obj;
const container = (pod: Obj, name: string) => [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((c: Obj) => c.name === name);

describe('pod builder: task pods', () => {
  const req = podRequest(undefined, dirs, {
    kind: 'task', step: 'fan/3/load', attempt: 2, timeoutMs: 90_500,
    task: { image: 'python:3.12', command: ['python', 'load.py'], args: ['--fast'], workingDir: '/work', resources: { cpu: '500m', memory: '256Mi', limits: { memory: '1Gi' } } },
    env: { STRATA_RUN: 'r1', STRATA_STEP: 'fan/3/load', STRATA_ITEM: '"eu"', MODE: 'full' },
  });
  const pod = buildPod(req, { ...OPTS, owner: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'strata-worker', uid: 'u-1' } }) as Obj;

  it('is valid by the Kubernetes schemas', () => {
    expect(schemaProblems(pod)).toEqual([]);
  });

  it('runs the task\'s own command in one container with its resources, env and dirs', () => {
    expect(pod.spec.initContainers).toBeUndefined();
    expect(pod.spec.containers).toHaveLength(1);
    const main = pod.spec.containers[0];
    expect(main).toMatchObject({ name: 'main', image: 'python:3.12', command: ['python', 'load.py'], args: ['--fast'], workingDir: '/work', resources: { requests: { cpu: '500m', memory: '256Mi' }, limits: { memory: '1Gi' } } });
    const env = Object.fromEntries(main.env.map((e: Obj) => [e.name, e.value]));
    expect(env).toEqual({ STRATA_RUN: 'r1', STRATA_STEP: 'fan/3/load', STRATA_ITEM: '"eu"', MODE: 'full', STRATA_INPUTS: req.inputsDir, STRATA_OUTPUTS: req.outputsDir });
    expect(pod.spec.volumes).toEqual([{ name: 'strata-shared', persistentVolumeClaim: { claimName: 'strata-shared' } }]);
  });

  it('mounts only its own run\'s part of the shared volume: its step\'s dirs and its run\'s artifacts (issue 13)', () => {
    const work = 'work/r1/fan~3~load.2';
    expect(pod.spec.containers[0].volumeMounts).toEqual([
      { name: 'strata-shared', mountPath: `/var/lib/strata/${work}/inputs`, subPath: `${work}/inputs` },
      { name: 'strata-shared', mountPath: `/var/lib/strata/${work}/outputs`, subPath: `${work}/outputs` },
      { name: 'strata-shared', mountPath: '/var/lib/strata/artifacts/r1', subPath: 'artifacts/r1' },
    ]);
    for (const c of [...(micro({ task: sh('x') }).spec.initContainers ?? []), ...micro({ task: sh('x') }).spec.containers]) {
      for (const m of (c.volumeMounts ?? []).filter((v: Obj) => v.name === 'strata-shared')) {
        expect(m.subPath, `${c.name}: ${m.mountPath}`).toMatch(/^(work|artifacts)\/r1(\/|$)/);
      }
    }
  });

  it('labels the pod with run, step and attempt, keeps the exact ids in annotations, and names its owner', () => {
    expect(pod.metadata.labels).toMatchObject({ 'strata.dev/run': 'r1', 'strata.dev/attempt': '2', 'strata.dev/kind': 'task', 'app.kubernetes.io/managed-by': 'strata' });
    // `/` is not allowed in a label value: folded, and made unique again by a hash.
    expect(pod.metadata.labels['strata.dev/step']).toMatch(/^fan-3-load-[0-9a-f]{8}$/);
    expect(pod.metadata.annotations).toEqual({ 'strata.dev/run-id': 'r1', 'strata.dev/step-id': 'fan/3/load' });
    expect(pod.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'strata-worker', uid: 'u-1' }]);
    expect(pod.metadata.name).toMatch(/^strata-r1-fan-3-load-[0-9a-f]{8}-2$/);
  });

  it('gives the pod no API credentials, no retries of its own, and the step timeout as its deadline', () => {
    expect(pod.spec).toMatchObject({ restartPolicy: 'Never', automountServiceAccountToken: false, activeDeadlineSeconds: 91, enableServiceLinks: false });
  });

  it('is the same for the same request', () => {
    expect(buildPod(req, OPTS)).toEqual(buildPod(req, OPTS));
  });
});

describe('pod builder: task pods with standard output and paths of their own (issue 12)', () => {
  const base = { kind: 'task' as const, step: 'a', env: { STRATA_RUN: 'r1', STRATA_STEP: 'a' } };
  const withTask = (task: Record<string, unknown>, extra = {}) => buildPod(podRequest(undefined, dirs, { ...base, task: { image: 'busybox', ...task } as never, ...extra }), OPTS) as Obj;
  const work = '/var/lib/strata/work/r1/a.1';

  it('runs the program under the stdout wrapper for result: stdout, its argv as positional parameters, and is valid', () => {
    const pod = withTask({ command: ['sh', '-c'], args: ['echo "$1"', 'x', 'a b'], result: 'stdout' });
    expect(schemaProblems(pod)).toEqual([]);
    const main = pod.spec.containers[0];
    expect(main.command).toEqual(['/bin/sh', '-c', STDOUT_WRAPPER, 'strata-stdout', `${work}/outputs/.strata-stdout`, 'sh', '-c', 'echo "$1"', 'x', 'a b']);
    expect(main.args).toBeUndefined();
    // The image map gives the program of a task that names none; without either it is refused, naming the field.
    expect(buildPod(podRequest(undefined, dirs, { ...base, task: { image: 'tool:1', result: 'stdout' } }), { ...OPTS, imageMap: { 'tool:1': ['/bin/tool'] } }).spec!.containers[0].command!.slice(5)).toEqual(['/bin/tool']);
    expect(() => withTask({ result: 'stdout' })).toThrow(/result: stdout on the Kubernetes runtime needs the task's command/);
  });

  it('under the stdout wrapper, args without a command replace the CMD of a mapped image, as the image itself would run them (argo-tester-3 N16)', () => {
    const program = (task: Record<string, unknown>) => (buildPod(podRequest(undefined, dirs, { ...base, task: { result: 'stdout', ...task } as never }), { ...OPTS, imageMap: { ...BUILTIN_IMAGES, 'acme/tool': { entrypoint: ['tool'], cmd: ['--default'] } } }).spec!.containers[0].command!).slice(5);
    expect(program({ image: 'alpine:3.20', args: ['echo', 'hi'] })).toEqual(['echo', 'hi']);
    expect(program({ image: 'alpine:3.20' })).toEqual(['sh']);
    expect(program({ image: 'python:3.12', args: ['-c', 'print(1)'] })).toEqual(['-c', 'print(1)']);
    expect(program({ image: 'acme/tool', args: ['--x'] })).toEqual(['tool', '--x']);
    expect(program({ image: 'acme/tool' })).toEqual(['tool', '--default']);
  });

  it('mounts directories holding declared files from the execution\'s own directory by subPath, the others as emptyDirs', () => {
    const pod = withTask({
      command: ['run'],
      volumes: [{ path: '/tmp' }, { path: '/cache' }, { path: '/mnt/shared', from: 'scratch' }],
      artifactPaths: [{ name: 'out', path: '/tmp/out' }],
      inputPaths: [{ name: 'model', path: '/models/m/weights' }],
      parameters: { n: { path: '/tmp/n' }, rel: { path: 'rel.txt' } },
    }, { privateDir: `${work}/own.1.1` });
    expect(schemaProblems(pod)).toEqual([]);
    const own = pod.spec.containers[0].volumeMounts.slice(3);
    expect(own).toEqual([
      { name: 'strata-shared', mountPath: '/tmp', subPath: 'work/r1/a.1/own.1.1/paths/tmp' },
      { name: 'strata-shared', mountPath: '/models/m', subPath: 'work/r1/a.1/own.1.1/paths/models/m' },
      { name: 'strata-own-0', mountPath: '/cache' },
      { name: 'strata-scratch', mountPath: '/mnt/shared' },
    ]);
    expect(pod.spec.volumes.slice(1)).toEqual([{ name: 'strata-own-0', emptyDir: {} }, { name: 'strata-scratch', emptyDir: {} }]);
  });

  it('without the shared volume, makes those directories emptyDirs too (the runtime refuses such a task before, naming STRATA_SHARED_CLAIM)', () => {
    const req = podRequest(undefined, dirs, { ...base, task: { image: 'busybox', command: ['x'], artifactPaths: [{ name: 'o', path: '/workspace/o' }] }, privateDir: `${work}/own.1.1` });
    const pod = buildPod(req, { ...OPTS, sharedClaim: undefined }) as Obj;
    expect(pod.spec.containers[0].volumeMounts).toContainEqual({ name: 'strata-own-0', mountPath: '/workspace' });
  });
});

describe('pod builder: micro pods', () => {
  const flow = {
    sequence: [
      { id: 'extract', task: { ...sh('extract'), resources: { memory: '128Mi' } } },
      { id: 'fan', fanOut: { over: [1, 2, 3], concurrency: 2, do: { task: sh('load', 'loader:1') } } },
    ],
  };
  const pod = micro(flow, { scratchSize: '2Gi' });

  it('is valid by the Kubernetes schemas', () => {
    expect(schemaProblems(pod)).toEqual([]);
  });

  it('runs the quarterback as a native sidecar after the init container that installs the gate entrypoint', () => {
    expect(pod.spec.initContainers.map((c: Obj) => [c.name, c.restartPolicy])).toEqual([['strata-init', undefined], ['quarterback', 'Always']]);
    expect(container(pod, 'strata-init').command).toEqual(['/bin/sh', '/strata/entrypoint.sh', '--install', 'extract', 'fan-item-0', 'fan-item-1']);
    expect(container(pod, 'quarterback').image).toBe('strata/quarterback:0.1.0');
  });

  it('declares a slot container per slot, each wrapped by the gate entrypoint', () => {
    expect(pod.spec.containers.map((c: Obj) => [c.name, c.image, c.command])).toEqual([
      ['extract', 'busybox', ['/bin/sh', '/strata/tools/entrypoint', 'extract']],
      ['fan-item-0', 'loader:1', ['/bin/sh', '/strata/tools/entrypoint', 'fan-item-0']],
      ['fan-item-1', 'loader:1', ['/bin/sh', '/strata/tools/entrypoint', 'fan-item-1']],
    ]);
    expect(container(pod, 'extract').resources).toEqual({ requests: { memory: '128Mi' } });
  });

  it('puts scratch (and the steps\' work dirs) on one memory-backed emptyDir with a size limit', () => {
    expect(pod.spec.volumes.find((v: Obj) => v.name === 'strata-scratch')).toEqual({ name: 'strata-scratch', emptyDir: { medium: 'Memory', sizeLimit: '2Gi' } });
    expect(micro(flow, { scratch: 'disk' }).spec.volumes.find((v: Obj) => v.name === 'strata-scratch').emptyDir).toEqual({ sizeLimit: '1Gi' });
  });

  it('mounts every shared volume at the same path in every container', () => {
    const paths = new Map<string, Set<string>>();
    for (const c of [...pod.spec.initContainers, ...pod.spec.containers]) {
      for (const m of c.volumeMounts ?? []) {
        const key = `${m.name}:${m.subPath ?? ''}`;
        (paths.get(key) ?? paths.set(key, new Set()).get(key)!).add(m.mountPath);
      }
    }
    for (const [key, set] of paths) expect([...set], key).toHaveLength(1);
  });

  it('mounts the API token in the quarterback only, under its own ServiceAccount', () => {
    expect(pod.spec.serviceAccountName).toBe(pod.metadata.name);
    expect(pod.spec.automountServiceAccountToken).toBe(false);
    const withToken = [...pod.spec.initContainers, ...pod.spec.containers].filter((c: Obj) => (c.volumeMounts ?? []).some((m: Obj) => m.name === 'strata-api-token'));
    expect(withToken.map((c: Obj) => c.name)).toEqual(['quarterback']);
  });

  it('hands the quarterback its micro plan and slot layout through a ConfigMap named as the pod, mounted in the quarterback only', () => {
    const cm = configMapOf(flow, { scratchSize: '2Gi' });
    expect(cm.metadata).toMatchObject({ name: pod.metadata.name, namespace: 'strata' });
    expect(schemaProblems(cm)).toEqual([]);
    expect(pod.spec.volumes.find((v: Obj) => v.name === 'strata-podinfo')).toEqual({ name: 'strata-podinfo', configMap: { name: pod.metadata.name, items: [{ key: 'plan.json', path: 'plan.json' }, { key: 'slots.json', path: 'slots.json' }] } });
    const withPlan = [...pod.spec.initContainers, ...pod.spec.containers].filter((c: Obj) => (c.volumeMounts ?? []).some((m: Obj) => m.name === 'strata-podinfo'));
    expect(withPlan.map((c: Obj) => c.name)).toEqual(['quarterback']);
    // Not in the pod's annotations, which Kubernetes caps at 256 KiB with the quarterback's report.
    expect(Object.keys(pod.metadata.annotations).sort()).toEqual(['strata.dev/run-id', 'strata.dev/step-id']);
    const plan = JSON.parse(cm.data['plan.json']) as MicroPlan;
    expect(plan).toMatchObject({ runId: 'r1', step: 'p', attempt: 1, scratchDir: '/strata/scratch', workDir: '/strata/work', ipcDir: '/strata/ipc', control: 'none' });
    expect(plan.pod.body).toEqual(podOf(flow).body);
    const layout = JSON.parse(cm.data['slots.json']);
    expect(layout.pools.map((p: Obj) => p.templates)).toEqual([['extract'], ['fan/*']]);
    const env = Object.fromEntries(container(pod, 'quarterback').env.map((e: Obj) => [e.name, e.value ?? e.valueFrom.fieldRef.fieldPath]));
    expect(env).toMatchObject({ STRATA_POD_PLAN_FILE: '/strata/podinfo/plan.json', STRATA_POD_SLOTS_FILE: '/strata/podinfo/slots.json', STRATA_POD_NAME: 'metadata.name', STRATA_GATE: '/strata/gate' });
  });

  it('refuses a micro task without a command, naming it (the gate replaces the image\'s entrypoint)', () => {
    expect(() => micro({ sequence: [{ id: 'a', task: { image: 'busybox' } }] })).toThrow(/p\/a: names no command/);
    const mapped = buildPod(podRequest(podOf({ sequence: [{ id: 'a', task: { image: 'busybox' } }] }), dirs), { ...OPTS, imageMap: { busybox: ['sh'] } });
    expect(mapped.spec!.containers).toHaveLength(1);
  });

  it('mounts each slot\'s paths of its own from the scratch volume, folded per pool, and lets the quarterback see them all (issue 12)', () => {
    const ownFlow = {
      sequence: [
        { id: 'a', task: { ...sh('x'), volumes: ['/tmp', { path: '/mnt/shared', from: 'scratch' }], outputs: { artifacts: [{ name: 'o', path: '/tmp/o/x' }] }, result: 'stdout' } },
        { id: 'fan', fanOut: { over: [1, 2], do: { task: { ...sh('y'), inputs: { m: { from: 'p/a:o', path: '/models/m' } } } } } },
      ],
    };
    const own = micro(ownFlow);
    expect(schemaProblems(own)).toEqual([]);
    const mounts = (name: string) => container(own, name).volumeMounts.filter((m: Obj) => m.name === 'strata-scratch' && !['/strata/scratch', '/strata/work'].includes(m.mountPath));
    expect(mounts('a')).toEqual([
      { name: 'strata-scratch', mountPath: '/tmp', subPath: 'own/a/0' },
      { name: 'strata-scratch', mountPath: '/mnt/shared', subPath: 'scratch' },
    ]);
    expect(mounts('fan-item-1')).toEqual([{ name: 'strata-scratch', mountPath: '/models', subPath: 'own/fan-item-1/0' }]);
    expect(mounts('quarterback')).toEqual([{ name: 'strata-scratch', mountPath: '/strata/own', subPath: 'own' }]);
    expect((JSON.parse(configMapOf(ownFlow).data['plan.json']) as MicroPlan).ownDir).toBe('/strata/own');
    // A pod without paths of its own mounts none, and its plan names no ownDir.
    expect(container(pod, 'extract').volumeMounts.filter((m: Obj) => m.subPath?.startsWith('own'))).toEqual([]);
    expect(JSON.parse(configMapOf(flow, { scratchSize: '2Gi' }).data['plan.json']).ownDir).toBeUndefined();
  });

  it('refuses a micro plan too large for its ConfigMap (1 MiB with its slot layout), naming the limit', () => {
    const args = (n: number) => ({ image: 'busybox', command: ['echo', ...Array.from({ length: n }, () => 'x'.repeat(50 * 1024))] });
    // 600 KiB of arguments in the plan and again in the layout: over 1 MiB together, though the plan alone is not.
    expect(() => micro({ sequence: [{ id: 'a', task: args(12) }] })).toThrow(expect.objectContaining({ code: 'too_large', message: expect.stringMatching(/pod p: its micro plan and slot layout are \d+ bytes together, more than the 1048576 bytes \(1 MiB\) a ConfigMap holds/) }));
    expect(buildPodObjects(podRequest(podOf({ sequence: [{ id: 'a', task: args(3) }] }), dirs), OPTS).configMap).toBeDefined();
  });
});

describe('pod access', () => {
  const pod = micro({ sequence: [{ id: 'a', task: sh('true') }] });
  const access = buildPodAccess(pod, podOwner({ ...pod, metadata: { ...pod.metadata, uid: 'pod-uid' } }));

  it('lets the quarterback get and patch its own pod and nothing else', () => {
    expect(access.role.rules).toEqual([{ apiGroups: [''], resources: ['pods'], resourceNames: [pod.metadata.name], verbs: ['get', 'patch'] }]);
    expect(access.roleBinding.subjects).toEqual([{ kind: 'ServiceAccount', name: pod.metadata.name, namespace: 'strata' }]);
    expect(access.roleBinding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: pod.metadata.name });
  });

  it('is owned by the pod, and valid', () => {
    for (const o of [access.serviceAccount, access.role, access.roleBinding]) {
      expect(o.metadata!.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: 'pod-uid', blockOwnerDeletion: false }]);
      expect(schemaProblems(o)).toEqual([]);
    }
  });
});
