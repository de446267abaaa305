/**
 * A micro pod end to end on a STAND-IN API server (test/support/fake-kube-api: not
 * Kubernetes) whose kubelet runs real processes: the worker's KubeRuntime creates the
 * pod through client-node; the real quarterback (sidecar/entrypoint/kube-bin.js) runs in
 * it with its own ServiceAccount, bound by the runtime to get and patch that pod only
 * (RBAC enforced); the real gate entrypoint runs every step; slot images are switched
 * in place; reports travel by the pod annotation. The same pod then runs on the local
 * runtime, and both must end with the same step states.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeRuntime } from '../../../runtime/kubernetes/kube-runtime.ts';
import { STDOUT_RESULT_LIMIT } from '../../../runtime/stdout-result.ts';
import { LocalRuntime } from '../../../runtime/local/local-runtime.ts';
import type { PodReport, StepReport } from '../../../runtime/pod-runtime.ts';
import { resourceType } from '../../support/fake-kube-api/store.ts';
import { NS, runPod, type FakeCluster } from './support/fake-cluster.ts';
import { podOf, podRequest, sh } from './support/flows.ts';
import { processCluster, QUARTERBACK_IMAGE, SHARED_CLAIM } from './support/process-cluster.ts';

let c: FakeCluster;
beforeEach(async () => {
  c = await processCluster();
});
afterEach(async () => {
  await c.close();
});

const FLOW = {
  sequence: [
    { id: 'prep', task: sh('echo "hello from prep"; echo 40 > "$STRATA_SCRATCH/n"', 'alpine:3.20') },
    { id: 'fan', fanOut: { over: [1, 2, 3], concurrency: 2, do: { task: sh('echo $(( $(cat "$STRATA_SCRATCH/n") + $STRATA_ITEM )) > "$STRATA_OUTPUTS/result.json"', 'alpine:3.20') } } },
    {
      id: 'ring',
      cycle: {
        rounds: 2,
        ring: [
          { id: 'a', task: sh('printf \'"%s"\' "$STRATA_STEP" > "$STRATA_OUTPUTS/result.json"', 'img/one') },
          { id: 'b', task: sh('printf \'"%s"\' "$STRATA_STEP" > "$STRATA_OUTPUTS/result.json"', 'img/two') },
        ],
      },
    },
  ],
};

/** The last state each step reported. */
function finalStates(reports: PodReport[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of reports) if (r.type === 'step') out[r.step] = (r as StepReport).status;
  return out;
}

describe('a micro pod on the stand-in cluster, real processes inside', () => {
  it('runs sequence, fan-out and an image-switching cycle, and ends like the local runtime', async () => {
    const req = podRequest(podOf(FLOW), { shared: c.shared });
    const ran = await runPod(c.runtime({ quarterbackImage: QUARTERBACK_IMAGE, sharedClaim: SHARED_CLAIM, retention: 'keep' }), req);
    expect(ran.outcome).toMatchObject({ ok: true, result: 'p/ring/b#1' });
    const states = finalStates(ran.reports);
    for (const step of ['p/prep', 'p/fan/0', 'p/fan/1', 'p/fan/2', 'p/ring/a#0', 'p/ring/b#0', 'p/ring/a#1', 'p/ring/b#1']) expect(states[step]).toBe('succeeded');
    const fan = ran.reports.filter((r): r is StepReport => r.type === 'step' && r.step === 'p/fan' && r.status === 'succeeded');
    expect(fan[0]?.result).toEqual([41, 42, 43]);
    expect(ran.logs['p/prep']).toContain('hello from prep');

    // The ring's one slot went img/one -> img/two -> img/one -> img/two: three in-place updates, made by the quarterback.
    const [pod] = c.api.store.list(resourceType('', 'pods')!, NS, () => true).items;
    const ringSlot = pod.status.containerStatuses.find((s: { name: string }) => s.name === 'ring-ring');
    expect(ringSlot).toMatchObject({ restartCount: 3, image: 'img/two' });
    const patches = c.api.requests.filter((r) => r.user === `system:serviceaccount:${NS}:${pod.metadata.name}` && r.verb === 'patch');
    expect(patches.every((r) => r.status === 200 && r.name === pod.metadata.name)).toBe(true);
    expect(pod.status.phase).toBe('Succeeded');

    const local = new LocalRuntime();
    const localReports: PodReport[] = [];
    const localOutcome = await local.run(podRequest(podOf(FLOW), { shared: c.shared }, { runId: 'r1-local' } as never), (r) => localReports.push(r), new AbortController().signal);
    expect(localOutcome).toMatchObject({ ok: true, result: 'p/ring/b#1' });
    expect(finalStates(ran.reports)).toEqual(finalStates(localReports));
  });

  it('fails the pod when a step fails, leaving what follows unstarted, and the failing container exits with its code', async () => {
    const req = podRequest(podOf({ sequence: [{ id: 'a', task: sh('echo "cannot go on" >&2; exit 4') }, { id: 'b', task: sh('true') }] }), { shared: c.shared });
    const ran = await runPod(c.runtime({ quarterbackImage: QUARTERBACK_IMAGE, sharedClaim: SHARED_CLAIM }), req);
    expect(ran.outcome.ok).toBe(false);
    expect(ran.outcome.error).toContain('step p/a failed: exited with code 4');
    expect(finalStates(ran.reports)).toEqual({ 'p/a': 'failed', 'p/b': 'skipped' });
    expect(ran.logs['p/a']).toContain('cannot go on');
    const [pod] = c.api.store.list(resourceType('', 'pods')!, NS, () => true).items;
    expect(pod.status.phase).toBe('Failed');
    expect(pod.status.containerStatuses.map((s: { name: string; state: { terminated: { exitCode: number } } }) => [s.name, s.state.terminated.exitCode])).toEqual([['a', 4], ['b', 0]]);
  });

  it('a pod failed by a step stopped at its timeout says so by its reason, as on the local runtime; one whose step only prints the words does not', async () => {
    const slow = podOf({ id: 'a', timeout: 1, task: sh('sleep 60') });
    const ran = await runPod(c.runtime({ quarterbackImage: QUARTERBACK_IMAGE, sharedClaim: SHARED_CLAIM }), podRequest(slow, { shared: c.shared }));
    expect(ran.outcome).toMatchObject({ ok: false, reason: 'timeout' });
    const localRuntime = new LocalRuntime();
    const local = await localRuntime.run(podRequest(slow, { shared: c.shared }, { runId: 'r1-local' } as never), () => undefined, new AbortController().signal);
    await localRuntime.close();
    expect(local).toMatchObject({ ok: false, reason: 'timeout' });
    const liar = podOf({ id: 'a', task: sh('echo "timed out after 3" >&2; exit 3') });
    const said = await runPod(c.runtime({ quarterbackImage: QUARTERBACK_IMAGE, sharedClaim: SHARED_CLAIM }), podRequest(liar, { shared: c.shared }, { runId: 'r2' } as never));
    expect(said.outcome).toMatchObject({ ok: false, exitCode: 3 });
    expect(said.outcome.reason).toBeUndefined();
  });
});

describe('a task\'s paths of its own and standard output on the stand-in cluster (the one allowed stand-in: not Kubernetes; its kubelet maps a container\'s paths in its arguments to the mounts\' directories)', () => {
  const task = (t: Record<string, unknown>, step = 'p') => podRequest(undefined, { shared: c.shared }, { kind: 'task', step, task: { image: 'alpine:3.20', ...t } as never });
  const runtime = () => c.runtime({ quarterbackImage: QUARTERBACK_IMAGE, sharedClaim: SHARED_CLAIM, retention: 'keep' });

  it('volumes are emptyDirs at their paths: the container writes and reads its own, nothing on the host', async () => {
    const hostHad = existsSync('/strata-own-test');
    const ran = await runPod(runtime(), task({ command: ['sh', '-c', 'echo mine > "$1/x" && cat "$1/x"', 'sh', '/strata-own-test/dir'], volumes: [{ path: '/strata-own-test/dir' }] }));
    expect(ran.outcome).toMatchObject({ ok: true });
    expect(ran.logs.p).toBe('mine\n');
    expect(existsSync('/strata-own-test')).toBe(hostHad);
    const [pod] = c.api.store.list(resourceType('', 'pods')!, NS, () => true).items;
    expect(pod.spec.volumes).toContainEqual({ name: 'strata-own-0', emptyDir: {} });
    expect(pod.spec.containers[0].volumeMounts).toContainEqual({ name: 'strata-own-0', mountPath: '/strata-own-test/dir' });
  });

  it('result: stdout: the program\'s standard output (not its standard error) is the result, kept by the wrapper, and still in the log', async () => {
    const req = task({ command: ['sh', '-c', 'echo \'{"n": 42}\'; echo "a warning" >&2'], result: 'stdout' });
    const ran = await runPod(runtime(), req);
    expect(ran.outcome, JSON.stringify(ran)).toMatchObject({ ok: true, exitCode: 0, result: { n: 42 } });
    expect(ran.logs.p).toContain('{"n": 42}');
    expect(ran.logs.p).toContain('a warning');
    // The kept copy is not an output of the step.
    expect(existsSync(join(req.outputsDir, '.strata-stdout'))).toBe(false);
    const [pod] = c.api.store.list(resourceType('', 'pods')!, NS, () => true).items;
    expect(pod.spec.containers[0].command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(pod.spec.containers[0].command.slice(3)).toEqual(['strata-stdout', join(req.outputsDir, '.strata-stdout'), 'sh', '-c', 'echo \'{"n": 42}\'; echo "a warning" >&2']);
  });

  it('result: stdout longer than the limit is cut as on the local runtime, saying so in the log; a failing program fails the step', async () => {
    const long = await runPod(runtime(), task({ command: ['sh', '-c', 'head -c 300000 /dev/zero | tr "\\0" x'], result: 'stdout' }));
    expect(long.outcome.ok).toBe(true);
    expect(long.outcome.result).toBe('x'.repeat(STDOUT_RESULT_LIMIT));
    expect(long.logs.p).toContain(`longer than ${STDOUT_RESULT_LIMIT} bytes`);
    const failed = await runPod(runtime(), task({ command: ['sh', '-c', 'echo partial; exit 5'], result: 'stdout' }, 'q'));
    expect(failed.outcome).toMatchObject({ ok: false, exitCode: 5 });
  });

  it('inputs, artifacts and output parameters at paths of its own travel through its own directory on the shared volume, mounted by subPath', async () => {
    const req = task({
      command: ['sh', '-c', 'tr a-z A-Z < "$1" > "$2" && echo 7 > "$3" && ls "$4" > "$2.list"', 'sh', '/workspace/in/data', '/tmp/out/copy', '/tmp/out/n', '/workspace/in'],
      inputPaths: [{ name: 'data', path: '/workspace/in/data' }],
      artifactPaths: [{ name: 'copy', path: '/tmp/out/copy' }, { name: 'list', path: '/tmp/out/copy.list' }],
      parameters: { n: { path: '/tmp/out/n' }, missing: { path: '/tmp/out/none', default: 'dflt' } },
      volumes: [{ path: '/scratchpad' }],
    });
    mkdirSync(req.inputsDir, { recursive: true });
    writeFileSync(join(req.inputsDir, 'data'), 'hello\n');
    const ran = await runPod(runtime(), req);
    expect(ran.outcome, JSON.stringify(ran.logs)).toMatchObject({ ok: true, parameters: { n: '7', missing: 'dflt' } });
    expect(readFileSync(join(req.outputsDir, 'copy'), 'utf8')).toBe('HELLO\n');
    // The container saw only its own input in its own /workspace/in.
    expect(readFileSync(join(req.outputsDir, 'list'), 'utf8')).toBe('data\n');
    const [pod] = c.api.store.list(resourceType('', 'pods')!, NS, () => true).items;
    const mounts = pod.spec.containers[0].volumeMounts as Array<{ name: string; mountPath: string; subPath?: string }>;
    const own = mounts.filter((m) => m.mountPath === '/workspace/in' || m.mountPath === '/tmp/out');
    expect(own.map((m) => m.name)).toEqual(['strata-shared', 'strata-shared']);
    for (const m of own) expect(m.subPath).toMatch(new RegExp(`^work/r1/p\\.1/own\\.${process.pid}\\.[0-9a-z]+/paths${m.mountPath}$`));
    expect(mounts).toContainEqual({ name: 'strata-own-0', mountPath: '/scratchpad' });
    // The execution's own directory is gone with it.
    expect(readdirSync(join(c.shared, 'work/r1/p.1')).filter((n) => n.startsWith('own.'))).toEqual([]);
  });

  it('a directory artifact at a path keeps a relative link inside it as a link; one pointing outside fails the step (Argo tester 3, N6)', async () => {
    const make = (extra: string, name: string) => task({ command: ['sh', '-c', `mkdir -p /workspace/d/lib /workspace/d/bin && echo x > /workspace/d/lib/t && ln -s ../lib/t /workspace/d/bin/t${extra}`], artifactPaths: [{ name: 'd', path: '/workspace/d' }] }, name);
    const ok = make('', 'p');
    const ran = await runPod(runtime(), ok);
    expect(ran.outcome, JSON.stringify(ran.logs)).toMatchObject({ ok: true });
    expect(readlinkSync(join(ok.outputsDir, 'd', 'bin', 't'))).toBe('../lib/t');
    const escaping = await runPod(runtime(), make(' && ln -s /etc/hostname /workspace/d/host', 'q'));
    expect(escaping.outcome).toMatchObject({ ok: false, error: 'output "d" (/workspace/d): host is a symbolic link to "/etc/hostname", which points outside the artifact (an absolute path): a directory artifact may hold relative links to what it holds, never to other files' });
  });

  it('an artifact declared at a path and not written fails the step, naming it', async () => {
    const ran = await runPod(runtime(), task({ command: ['true'], artifactPaths: [{ name: 'o', path: '/workspace/o' }] }));
    expect(ran.outcome).toMatchObject({ ok: false, error: 'declared output "o" was not written to /workspace/o' });
  });

  it('what still cannot run is refused with a sentence naming the field, before any pod is made', async () => {
    const noClaim = () => c.runtime({ quarterbackImage: QUARTERBACK_IMAGE, retention: 'keep' });
    for (const [rt, t, error] of [
      [noClaim, { command: ['echo', '1'], result: 'stdout' }, 'result: stdout on the Kubernetes runtime needs the shared volume (STRATA_SHARED_CLAIM)'],
      [noClaim, { command: ['true'], artifactPaths: [{ name: 'o', path: '/workspace/o' }] }, 'need the shared volume on the Kubernetes runtime (STRATA_SHARED_CLAIM)'],
      [runtime, { result: 'stdout' }, 'result: stdout on the Kubernetes runtime needs the task\'s command'],
    ] as Array<[() => KubeRuntime, Record<string, unknown>, string]>) {
      const ran = await runPod(rt(), task(t));
      expect(ran.outcome.ok).toBe(false);
      expect(ran.outcome.error).toContain(error);
    }
    expect(c.api.store.list(resourceType('', 'pods')!, NS, () => true).items).toEqual([]);
  });
});
