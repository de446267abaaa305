/**
 * The kubernetes runtime through the real @kubernetes/client-node HTTP client, against a
 * STAND-IN API server started by the test (test/support/fake-kube-api: not Kubernetes),
 * whose kubelet moves pods through their phases and plays the failures a cluster
 * inflicts: ImagePullBackOff, OOMKilled, eviction, a passed deadline, a watch dropped
 * mid-run. RBAC is enforced with the worker's Role from deploy/. Containers here are
 * scripted; tests/runtime/kubernetes/kube-e2e.int.test.ts runs real processes.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildPod } from '../../../runtime/kubernetes/pod-builder.ts';
import { PodSession } from '../../../runtime/kubernetes/pod-session.ts';
import { PodWatcher } from '../../../runtime/kubernetes/pod-watcher.ts';
import type { PodOutcome } from '../../../runtime/pod-runtime.ts';
import { AnnotationReporter } from '../../../sidecar/entrypoint/annotation-reporter.ts';
import { kubeOwnPod, podImageSwitcher } from '../../../sidecar/entrypoint/own-pod.ts';
import { resourceType } from '../../support/fake-kube-api/store.ts';
import { fakeCluster, NS, runPod, type FakeCluster } from './support/fake-cluster.ts';
import { podOf, podRequest, sh } from './support/flows.ts';
import { waitFor } from './support/wait.ts';

const PODS = resourceType('', 'pods')!;
let c: FakeCluster;
beforeEach(async () => {
  c = await fakeCluster();
});
afterEach(async () => {
  await c.close();
});

const task = (image: string, extra = {}) => podRequest(undefined, { shared: c.shared }, { kind: 'task', task: { image, command: ['run'] }, ...extra });
const pods = () => c.api.store.list(PODS, NS, () => true).items;
/** The name and uid of the first pod (the only one in the namespace) once it runs. */
const firstRunning = async (): Promise<{ name: string; uid: string }> => {
  await waitFor('the first pod to run', () => pods()[0]?.status?.phase === 'Running');
  return { name: pods()[0].metadata.name, uid: pods()[0].metadata.uid };
};
/** The pods watch broken and its resumption held on its way (`release()` lets it through): what happens meanwhile reaches the runtime late. */
const watchHeld = async () => {
  const watch = c.api.delayNext('watch', 'pods');
  c.api.dropWatches();
  await watch.arrived;
  return watch;
};
/** A task pod whose container runs until stopped, started on a runtime made with `opts`; `stop` aborts its step. */
const hangingPod = (opts?: Parameters<FakeCluster['runtime']>[0]) => {
  c.api.kubelet.onImage('forever', { kind: 'hang' });
  const rt = c.runtime(opts);
  const req = task('forever');
  const stop = new AbortController();
  return { rt, req, stop, first: runPod(rt, req, stop.signal) };
};
/** Until the pods watch is answered again after a drop. */
const watchBack = () => waitFor('the watch to be back', () => c.api.requests.filter((r) => r.verb === 'watch' && r.resource === 'pods' && r.status === 200).length >= 2);

describe('kubernetes runtime: task pods', () => {
  it('runs a one-container pod, streams its log, and deletes it after success', async () => {
    c.api.kubelet.onImage('ok', { kind: 'exit', code: 0, log: 'hello\n' });
    const ran = await runPod(c.runtime(), task('ok'));
    expect(ran.outcome).toEqual({ ok: true, exitCode: 0 });
    expect(ran.logs.p).toBe('hello\n');
    expect(pods()).toEqual([]);
    const created = c.api.requests.find((r) => r.verb === 'create' && r.resource === 'pods');
    expect(created?.status).toBe(201);
  });

  it('gives a task its params in a file on the shared volume, and in the environment only while small', async () => {
    // It fails, so the pod is kept to be read back.
    c.api.kubelet.onImage('kept', { kind: 'exit', code: 1 });
    const { mkdirSync, readFileSync } = await import('node:fs');
    const large = JSON.stringify({ blob: 'z'.repeat(200_000) });
    const req = task('kept');
    mkdirSync(req.inputsDir, { recursive: true });
    req.env = { ...req.env, STRATA_PARAMS: large, STRATA_ITEM: '3' };
    expect((await runPod(c.runtime(), req)).outcome.ok).toBe(false);
    const [pod] = pods() as any[];
    const env = Object.fromEntries((pod.spec.containers[0].env as Array<{ name: string; value: string }>).map((e) => [e.name, e.value]));
    expect(env.STRATA_PARAMS).toBeUndefined();
    expect(readFileSync(env.STRATA_PARAMS_FILE, 'utf8')).toBe(large);
    expect(env.STRATA_ITEM).toBe('3');
    expect(readFileSync(env.STRATA_ITEM_FILE, 'utf8')).toBe('3');
  });

  it('reports a failed exit with the last line it wrote, and keeps the pod for inspection', async () => {
    c.api.kubelet.onImage('bad', { kind: 'exit', code: 3, log: 'reading input\nboom: no such file\n' });
    const ran = await runPod(c.runtime(), task('bad'));
    expect(ran.outcome).toEqual({ ok: false, exitCode: 3, error: 'exited with code 3: boom: no such file' });
    expect(pods().map((p) => p.status.phase)).toEqual(['Failed']);
  });

  it('deletes a failed pod too when retention is delete', async () => {
    c.api.kubelet.onImage('bad', { kind: 'exit', code: 1 });
    const ran = await runPod(c.runtime({ retention: 'delete' }), task('bad'));
    expect(ran.outcome.ok).toBe(false);
    expect(pods()).toEqual([]);
  });

  it('fails a step whose image cannot be pulled, and stops the pod it keeps', async () => {
    c.api.kubelet.onImage('missing/image:1', { kind: 'pullBackOff' });
    const ran = await runPod(c.runtime(), task('missing/image:1'));
    expect(ran.outcome.ok).toBe(false);
    expect(ran.outcome.error).toBe('image "missing/image:1" of container main could not be pulled (ImagePullBackOff): Back-off pulling image "missing/image:1"');
    const [kept] = pods();
    expect(kept.spec.activeDeadlineSeconds).toBe(1);
    expect(kept.metadata.annotations['strata.dev/failure']).toBe(ran.outcome.error);
  });

  it('stops only its own stuck pod: not another pod made under its name meanwhile (its own deleted, the same attempt run again by another worker)', async () => {
    // The stand-in API server (test/support/fake-kube-api), not a cluster.
    c.api.kubelet.onImage('missing/image:1', { kind: 'pullBackOff' });
    // The patch that stops the kept pod (its deadline now) is slow on its way ...
    const stopping = c.api.delayNext('patch', 'pods');
    const running = runPod(c.runtime(), task('missing/image:1'));
    await stopping.arrived;
    const [pod] = pods();
    const name = pod.metadata.name;
    // ... and meanwhile the pod is deleted, and another worker makes the same attempt's pod again, which runs.
    c.api.kubelet.onImage('missing/image:1', { kind: 'hang' });
    c.api.store.requestDelete(PODS, NS, name);
    await waitFor('the pod to be gone', () => pods().length === 0);
    c.api.store.create(PODS, NS, { metadata: { name, labels: pod.metadata.labels, annotations: pod.metadata.annotations }, spec: pod.spec });
    await waitFor('the other pod to run', () => pods()[0]?.status?.phase === 'Running');
    stopping.release();
    const ran = await running;
    expect(ran.outcome.error).toBe('image "missing/image:1" of container main could not be pulled (ImagePullBackOff): Back-off pulling image "missing/image:1"');
    // The other worker's pod is not this step's to stop.
    const [other] = pods();
    expect(other.spec.activeDeadlineSeconds).toBeUndefined();
    expect(other.metadata.annotations['strata.dev/failure']).toBeUndefined();
  });

  it('says so when a container is killed for its memory', async () => {
    c.api.kubelet.onImage('hungry', { kind: 'oom' });
    const ran = await runPod(c.runtime(), task('hungry'));
    expect(ran.outcome.error).toBe('container main was killed for using more memory than its limit (OOMKilled)');
  });

  it('says so when the node evicts the pod', async () => {
    c.api.kubelet.onImage('evicted', { kind: 'evict', message: 'The node was low on resource: ephemeral-storage.' });
    const ran = await runPod(c.runtime(), task('evicted'));
    expect(ran.outcome.error).toBe('the pod was evicted by its node: The node was low on resource: ephemeral-storage.');
    expect(ran.outcome.reason).toBeUndefined();
  });

  it('turns the step timeout into activeDeadlineSeconds and says when it passed', async () => {
    c.api.kubelet.onImage('slow', { kind: 'deadline' });
    const ran = await runPod(c.runtime(), task('slow', { timeoutMs: 90_000 }));
    expect(ran.outcome.error).toBe('the pod ran past its deadline of 90s (activeDeadlineSeconds) and was stopped: the step timed out after 90s');
    expect(ran.outcome.reason).toBe('timeout');
  });

  it('fails a step whose pod is never scheduled once its timeout has passed, saying why, and deletes the pod (no kubelet enforces activeDeadlineSeconds on it)', async () => {
    // The stand-in API server (test/support/fake-kube-api), not a cluster: its scheduler finds no node.
    c.api.kubelet.onImage('huge', { kind: 'unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.' });
    const running = runPod(c.runtime(), task('huge', { timeoutMs: 2000 }));
    await waitFor('the scheduler to say why', () => pods()[0]?.status?.conditions?.[0]?.reason === 'Unschedulable');
    const name = pods()[0].metadata.name;
    const ran = await running;
    expect(ran.outcome).toEqual({ ok: false, error: `pod ${name} was not scheduled within the step's timeout of 2s (Unschedulable: 0/3 nodes are available: 3 Insufficient cpu.): the step timed out after 2s`, reason: 'timeout' });
    await waitFor('the pod to be gone', () => pods().length === 0);
  });

  it('says in the step\'s log why its pod is not scheduled, while it waits (no timeout)', async () => {
    // The stand-in API server (test/support/fake-kube-api), not a cluster: its scheduler finds no node.
    c.api.kubelet.onImage('huge', { kind: 'unschedulable', message: '0/3 nodes are available: 3 Insufficient memory.' });
    const stop = new AbortController();
    const reports: string[] = [];
    const running = c.runtime().run(task('huge'), (r) => r.type === 'log' && reports.push(r.chunk), stop.signal);
    await waitFor('the scheduler to say why', () => pods()[0]?.status?.conditions?.[0]?.reason === 'Unschedulable');
    const name = pods()[0].metadata.name;
    await waitFor('the step\'s log to say it', () => reports.length > 0);
    stop.abort('stopped');
    expect(await running).toEqual({ ok: false, error: 'stopped' });
    expect(reports).toEqual([`[strata] pod ${name} is not scheduled yet (Unschedulable: 0/3 nodes are available: 3 Insufficient memory.)\n`]);
  });

  it('carries on from where it was when its watch is dropped mid-run', async () => {
    c.api.kubelet.onImage('flaky', { kind: 'dropWatch', then: { kind: 'exit', code: 0 } });
    const ran = await runPod(c.runtime(), task('flaky'));
    expect(ran.outcome.ok).toBe(true);
    expect(c.api.requests.filter((r) => r.verb === 'watch' && r.resource === 'pods').length).toBeGreaterThan(1);
  });

  it('lists again when its resourceVersion has expired (410 Gone) and still sees the end', async () => {
    c.api.kubelet.onImage('flaky', { kind: 'dropWatch', compact: true, then: { kind: 'exit', code: 0 } });
    const ran = await runPod(c.runtime(), task('flaky'));
    expect(ran.outcome.ok).toBe(true);
    expect(c.api.requests.filter((r) => r.verb === 'list' && r.resource === 'pods').length).toBeGreaterThan(1);
  });

  it('fails the step, saying so, when someone else deletes its pod mid-run', async () => {
    c.api.kubelet.onImage('forever', { kind: 'hang' });
    const running = runPod(c.runtime(), task('forever'));
    await waitFor('the pod to run', () => pods()[0]?.status?.phase === 'Running');
    const name = pods()[0].metadata.name;
    await c.api.kubeConfig('admin', NS).makeApiClient(CoreV1Api).deleteNamespacedPod({ name, namespace: NS });
    const ran = await running;
    expect(ran.outcome).toEqual({ ok: false, error: `pod ${name} was deleted before it finished` });
    await waitFor('the pod to be gone', () => pods().length === 0);
  });

  it('fails the step, saying so, when its pod was deleted while the watch was down (the resync\'s list lacks it, reading it says 404)', async () => {
    c.api.kubelet.onImage('forever', { kind: 'hang' });
    // Logs off: the log follower reads the pod too (log-follower.int.test.ts), and these are the watcher's reads.
    const running = runPod(c.runtime({ logs: false }), task('forever'));
    await waitFor('the pod to run', () => pods()[0]?.status?.phase === 'Running');
    const name = pods()[0].metadata.name;
    c.api.dropWatches();
    c.api.store.requestDelete(PODS, NS, name);
    c.api.store.compact();
    const ran = await running;
    expect(ran.outcome).toEqual({ ok: false, error: `pod ${name} was deleted before it finished` });
    expect(c.api.requests.filter((r) => r.verb === 'get' && r.resource === 'pods' && r.name === name).map((r) => r.status)).toEqual([404]);
  });

  it('does not take a pod created while a resync\'s list was on its way for a deleted one (the list is older than the pod)', async () => {
    c.api.kubelet.onImage('forever', { kind: 'hang' });
    const rt = c.runtime();
    const first = runPod(rt, task('forever', { step: 'first' }), AbortSignal.timeout(60_000));
    await waitFor('the first pod to run', () => pods()[0]?.status?.phase === 'Running');
    // The watch's resourceVersion expires (410 Gone): the runtime lists again, and that list is slow.
    const slow = c.api.holdNext('list', 'pods');
    c.api.dropWatches();
    c.api.store.create(resourceType('', 'configmaps')!, NS, { metadata: { name: 'meanwhile' } });
    c.api.store.compact();
    await slow.answered;
    const second = runPod(rt, task('forever', { step: 'second' }));
    await waitFor('the second pod to run', () => pods().length === 2 && pods().every((p) => p.status?.phase === 'Running'));
    slow.release();
    await waitFor('the watch to be back', () => c.api.requests.filter((r) => r.verb === 'watch' && r.resource === 'pods').length >= 3);
    for (const p of pods()) c.api.kubelet.exit(NS, p.metadata.name, 'main', 0);
    expect((await second).outcome).toEqual({ ok: true, exitCode: 0 });
    expect((await first).outcome).toEqual({ ok: true, exitCode: 0 });
  });

  it('does not take a pod for deleted by a 404 to a read sent before its creation was acknowledged (the answer overtaken by the creation)', async () => {
    c.api.kubelet.onImage('forever', { kind: 'hang' });
    // Logs off: the log follower reads the pod too, and the read held here is the watcher's.
    const rt = c.runtime({ logs: false });
    const first = runPod(rt, task('forever', { step: 'first' }), AbortSignal.timeout(60_000));
    await waitFor('the first pod to run', () => pods()[0]?.status?.phase === 'Running');
    const firstName = pods()[0].metadata.name;
    // (The first pod's creation may be acknowledged after it runs in the store: its calls are not the second's.)
    const acknowledged = vi.spyOn(PodSession.prototype, 'created');
    const secondAcknowledged = () => acknowledged.mock.calls.find(([p]) => p.metadata!.name !== firstName)?.[0];
    try {
      // The watch's resourceVersion expires (410 Gone): the runtime lists again, and that list is slow.
      const slow = c.api.holdNext('list', 'pods');
      c.api.dropWatches();
      c.api.store.create(resourceType('', 'configmaps')!, NS, { metadata: { name: 'meanwhile' } });
      c.api.store.compact();
      await slow.answered;
      // The second pod is followed, and its creation is on its way, slow: not in the store yet.
      const create = c.api.delayNext('create', 'pods');
      const second = runPod(rt, task('forever', { step: 'second' }), AbortSignal.timeout(60_000));
      await create.arrived;
      // The list lacks it: the watcher reads it to confirm, and the answer, 404, is held.
      const read = c.api.holdNext('get', 'pods');
      slow.release();
      await read.answered;
      // The pod is created and its creation acknowledged; only then does the 404 arrive.
      create.release();
      await waitFor('the creation to be acknowledged', () => secondAcknowledged());
      read.release();
      // Taken for deleted, the step ends (failed); otherwise the pod is read again, now there.
      const name = secondAcknowledged()!.metadata!.name!;
      const reads = () => c.api.requests.filter((r) => r.verb === 'get' && r.resource === 'pods' && r.name === name);
      let ended: PodOutcome | undefined;
      void second.then((r) => (ended = r.outcome));
      await waitFor('the 404 to be taken or left', () => ended !== undefined || reads().length >= 2);
      expect(ended).toBeUndefined();
      expect(reads().map((r) => r.status)).toEqual([404, 200]);
      await waitFor('the second pod to run', () => pods().length === 2 && pods().every((p) => p.status?.phase === 'Running'));
      for (const p of pods()) c.api.kubelet.exit(NS, p.metadata.name, 'main', 0);
      expect((await second).outcome).toEqual({ ok: true, exitCode: 0 });
      expect((await first).outcome).toEqual({ ok: true, exitCode: 0 });
    } finally {
      acknowledged.mockRestore();
    }
  });

  it('does not take a new pod for deleted by a 404 to a read sent for an earlier pod of its name (the same attempt run again in this worker)', async () => {
    // Logs off: the log follower reads the pod too, and the read held here is the watcher's.
    const { rt, req, stop, first } = hangingPod({ logs: false });
    await waitFor('the first pod to run', () => pods()[0]?.status?.phase === 'Running');
    const name = pods()[0].metadata.name;
    // Its pod is deleted while the watch is down: the resync's list lacks it, and the
    // watcher's read to confirm it is gone answers 404, held on its way back.
    const read = c.api.holdNext('get', 'pods');
    c.api.dropWatches();
    c.api.store.requestDelete(PODS, NS, name);
    c.api.store.compact();
    await read.answered;
    // Meanwhile the step is stopped, and the same attempt runs again here: a new pod of the same name.
    stop.abort('stopped');
    expect((await first).outcome).toEqual({ ok: false, error: 'stopped' });
    const acknowledged = vi.spyOn(PodSession.prototype, 'created');
    try {
      const second = runPod(rt, req, AbortSignal.timeout(60_000));
      await waitFor('the new pod\'s creation to be acknowledged', () => acknowledged.mock.calls.length > 0);
      // Only now does the old read's 404 arrive: it says nothing of the new pod.
      read.release();
      const reads = () => c.api.requests.filter((r) => r.verb === 'get' && r.resource === 'pods' && r.name === name);
      let ended: PodOutcome | undefined;
      void second.then((r) => (ended = r.outcome));
      await waitFor('the 404 to be taken or left', () => ended !== undefined || reads().length >= 2);
      expect(ended).toBeUndefined();
      expect(reads().map((r) => r.status)).toEqual([404, 200]);
      await waitFor('the new pod to run', () => pods()[0]?.status?.phase === 'Running');
      c.api.kubelet.exit(NS, name, 'main', 0);
      expect((await second).outcome).toEqual({ ok: true, exitCode: 0 });
    } finally {
      acknowledged.mockRestore();
    }
  });

  it('does not take a new pod for deleted by the watch\'s late news of an earlier pod of its name (the same attempt run again in this worker)', async () => {
    const { rt, req, stop, first } = hangingPod();
    const { name, uid: oldUid } = await firstRunning();
    // The watch breaks, and its resumption is slow on its way: what happens meanwhile comes late.
    const watch = await watchHeld();
    // The step is stopped (its pod deleted), and the same attempt runs again here: a new pod of the same name.
    stop.abort('stopped');
    expect((await first).outcome).toEqual({ ok: false, error: 'stopped' });
    const second = runPod(rt, req, AbortSignal.timeout(60_000));
    await waitFor('the new pod to run', () => pods()[0]?.status?.phase === 'Running' && pods()[0].metadata.uid !== oldUid);
    // Only now does the watch bring the first pod's deletion, then the new pod.
    watch.release();
    let ended: PodOutcome | undefined;
    void second.then((r) => (ended = r.outcome));
    await watchBack();
    c.api.kubelet.exit(NS, name, 'main', 0);
    expect((await second).outcome).toEqual({ ok: true, exitCode: 0 });
    expect(ended).toEqual({ ok: true, exitCode: 0 });
  });

  it('does not settle a new pod with the cached end of an earlier pod of its name (the same attempt run again in this worker, the watch late with that pod\'s deletion)', async () => {
    // The stand-in API server (test/support/fake-kube-api), not a cluster.
    c.api.kubelet.onImage('forever', { kind: 'hang' });
    const rt = c.runtime({ retention: 'keep' });
    const req = task('forever');
    const first = runPod(rt, req, AbortSignal.timeout(60_000));
    const { name, uid: oldUid } = await firstRunning();
    c.api.kubelet.exit(NS, name, 'main', 0);
    expect((await first).outcome).toEqual({ ok: true, exitCode: 0 });
    // Its pod, kept (Succeeded), is deleted by someone else while the watch's resumption is slow on its way.
    const watch = await watchHeld();
    c.api.store.requestDelete(PODS, NS, name);
    await waitFor('the first pod to be gone', () => pods().length === 0);
    // The same attempt runs again here: a new pod of the same name, which fails.
    const second = runPod(rt, req, AbortSignal.timeout(60_000));
    let ended: PodOutcome | undefined;
    void second.then((r) => (ended = r.outcome));
    await waitFor('the new pod to run', () => pods()[0]?.status?.phase === 'Running' && pods()[0].metadata.uid !== oldUid);
    watch.release();
    await watchBack();
    expect(ended).toBeUndefined();
    c.api.kubelet.exit(NS, name, 'main', 5);
    expect((await second).outcome).toMatchObject({ ok: false, exitCode: 5 });
  });

  it('does not settle a new pod with the watch\'s late news of an earlier pod of its name that comes while its creation is on its way', async () => {
    // The stand-in API server (test/support/fake-kube-api), not a cluster.
    const { rt, req, stop, first } = hangingPod();
    const { name, uid: oldUid } = await firstRunning();
    // The watch breaks, its resumption slow on its way; meanwhile the first pod succeeds, and
    // the step, stopped at that moment (its pod deleted), never hears of it.
    const watch = await watchHeld();
    c.api.kubelet.exit(NS, name, 'main', 0);
    await waitFor('the first pod to succeed', () => pods()[0]?.status?.phase === 'Succeeded');
    stop.abort('stopped');
    expect((await first).outcome).toEqual({ ok: false, error: 'stopped' });
    await waitFor('the first pod to be gone', () => pods().length === 0);
    // The same attempt runs again here; its creation is slow on its way, and meanwhile the
    // watch brings the first pod's success, then its deletion.
    const create = c.api.delayNext('create', 'pods');
    const news = vi.spyOn(PodWatcher.prototype as any, 'news');
    try {
      const second = runPod(rt, req, AbortSignal.timeout(60_000));
      let ended: PodOutcome | undefined;
      void second.then((r) => (ended = r.outcome));
      await create.arrived;
      watch.release();
      await waitFor('the watch to bring the first pod\'s deletion', () => news.mock.calls.some(([pod, deleted]: any) => deleted && pod.metadata.uid === oldUid));
      create.release();
      await waitFor('the new pod to run, or the step to end', () => ended !== undefined || pods()[0]?.status?.phase === 'Running');
      expect(ended).toBeUndefined();
      c.api.kubelet.exit(NS, name, 'main', 5);
      expect((await second).outcome).toMatchObject({ ok: false, exitCode: 5 });
    } finally {
      news.mockRestore();
    }
  });

  it('fails the step when a resync finds another pod under its pod\'s name (its own deleted while the watch was down, the name taken again)', async () => {
    // The stand-in API server (test/support/fake-kube-api), not a cluster.
    c.api.kubelet.onImage('forever', { kind: 'hang' });
    const running = runPod(c.runtime({ retention: 'delete' }), task('forever'));
    await waitFor('the pod to run', () => pods()[0]?.status?.phase === 'Running');
    const [pod] = pods();
    const name = pod.metadata.name;
    // Deleted while the watch is down, its resumption slow on its way ...
    const watch = await watchHeld();
    c.api.store.requestDelete(PODS, NS, name);
    await waitFor('the pod to be gone', () => pods().length === 0);
    // ... and made again by another worker running the same attempt; then the watch's
    // resourceVersion expires (410 Gone): the runtime lists again.
    c.api.store.create(PODS, NS, { metadata: { name, labels: pod.metadata.labels, annotations: pod.metadata.annotations }, spec: pod.spec });
    await waitFor('the other pod to run', () => pods()[0]?.status?.phase === 'Running');
    const other = pods()[0].metadata.uid;
    c.api.store.compact();
    watch.release();
    let ended: PodOutcome | undefined;
    void running.then((r) => (ended = r.outcome));
    await waitFor('the step to end', () => ended);
    expect(ended).toEqual({ ok: false, error: `pod ${name} was deleted before it finished` });
    // The other worker's pod is not this step's to delete.
    expect(pods().map((p) => [p.metadata.uid, p.metadata.deletionTimestamp])).toEqual([[other, undefined]]);
  });

  it('does not adopt a pod of its name that is being deleted (the same attempt run again while its earlier pod terminates): it waits for it to go, then makes its own', async () => {
    // The stand-in API server (test/support/fake-kube-api), not a cluster: its containers take a while to stop.
    c.api.kubelet.onImage('slow-stop', { kind: 'hang', stopMs: 1500 });
    const rt = c.runtime();
    const req = task('slow-stop');
    const stop = new AbortController();
    const first = runPod(rt, req, stop.signal);
    await waitFor('the first pod to run', () => pods()[0]?.status?.phase === 'Running');
    const oldUid = pods()[0].metadata.uid;
    stop.abort('stopped');
    expect((await first).outcome).toEqual({ ok: false, error: 'stopped' });
    expect(pods()[0]?.metadata.deletionTimestamp).toBeDefined();
    // The same attempt runs again at once: its name is held by the pod still terminating.
    const second = runPod(rt, req, AbortSignal.timeout(60_000));
    let ended: PodOutcome | undefined;
    void second.then((r) => (ended = r.outcome));
    await waitFor('a new pod to run, or the step to end', () => ended !== undefined || (pods()[0]?.status?.phase === 'Running' && pods()[0].metadata.uid !== oldUid));
    expect(ended).toBeUndefined();
    c.api.kubelet.exit(NS, pods()[0].metadata.name, 'main', 0);
    expect((await second).outcome).toEqual({ ok: true, exitCode: 0 });
  });

  it('in a namespace where the worker holds no Role: the step fails at once, naming the verb and resource refused', async () => {
    c.api.addUser('bare', []);
    const ran = await runPod(c.runtime({ kubeConfig: c.api.kubeConfig('bare', NS) }), task('ok'));
    expect(ran.outcome).toEqual({ ok: false, error: `cannot watch pods in namespace ${NS}: bare cannot list pods (HTTP 403 Forbidden)` });
    // One that may follow pods but not make them: the creation is refused, named, and nothing is left.
    c.api.addUser('watcher', [{ apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] }]);
    const refused = await runPod(c.runtime({ kubeConfig: c.api.kubeConfig('watcher', NS) }), task('ok'));
    expect(refused.outcome.ok).toBe(false);
    expect(refused.outcome.error).toMatch(/^pod strata-r1-p-[0-9a-f]+-1 could not be started: watcher cannot create pods \(HTTP 403 Forbidden\)$/);
    expect(pods()).toEqual([]);
  });

  it('deletes the pod when the step is cancelled', async () => {
    c.api.kubelet.onImage('forever', { kind: 'hang' });
    const stop = new AbortController();
    const running = runPod(c.runtime(), task('forever'), stop.signal);
    await waitFor('the pod to run', () => pods()[0]?.status?.phase === 'Running');
    stop.abort('the run was cancelled');
    const ran = await running;
    expect(ran.outcome).toEqual({ ok: false, error: 'the run was cancelled' });
    await waitFor('the pod to be gone', () => pods().length === 0);
  });

  it('adopts the pod of the same attempt when it exists already (a worker running the step again)', async () => {
    c.api.kubelet.onImage('forever', { kind: 'hang' });
    const req = task('forever');
    const first = runPod(c.runtime(), req, AbortSignal.timeout(60_000));
    await waitFor('the pod to run', () => pods()[0]?.status?.phase === 'Running');
    const second = runPod(c.runtime(), req);
    // Its creation refused (409), it reads the pod to adopt it (the first's log follower reads it too, before).
    await waitFor('the second worker to read the pod', () => c.api.requests.some((r, i, all) => r.verb === 'get' && r.resource === 'pods' && all.slice(0, i).some((x) => x.verb === 'create' && x.resource === 'pods' && x.status === 409)));
    // The container ends now, for both.
    c.api.kubelet.exit(NS, pods()[0].metadata.name, 'main', 0);
    expect((await second).outcome.ok).toBe(true);
    expect((await first).outcome.ok).toBe(true);
    expect(c.api.requests.filter((r) => r.verb === 'create' && r.resource === 'pods').map((r) => r.status)).toEqual([201, 409]);
  });
});

describe('kubernetes runtime: micro pods (the quarterback played by the test, through its own pod\'s permissions)', () => {
  const micro = () =>
    podRequest(podOf({ sequence: [{ id: 'a', task: sh('true', 'img/a') }, { id: 'b', task: sh('true', 'img/b') }] }), { shared: c.shared });

  it('leaves nothing behind when the pod cannot be made (its quarterback\'s ServiceAccount, made first, goes too)', async () => {
    c.api.failNext('create', 'pods', { code: 422, reason: 'Invalid', message: 'Pod "x" is invalid: spec: Forbidden: by a policy' });
    const ran = await runPod(c.runtime(), micro());
    expect(ran.outcome.ok).toBe(false);
    expect(ran.outcome.error).toMatch(/could not be started: Pod "x" is invalid: spec: Forbidden: by a policy \(HTTP 422 Invalid\)$/);
    expect(pods()).toEqual([]);
    expect(c.api.store.list(resourceType('', 'serviceaccounts')!, NS, () => true).items.map((a) => a.metadata.name)).toEqual([]);
  });

  it('relays the quarterback\'s step reports in order and ends with its outcome', async () => {
    c.api.kubelet.onImage('img/a', { kind: 'hang' });
    c.api.kubelet.onImage('img/b', { kind: 'hang' });
    c.api.kubelet.onContainer('quarterback', { kind: 'hang' });
    const req = micro();
    const running = runPod(c.runtime(), req);
    const name = buildPod(req, { namespace: NS, quarterbackImage: 'x' }).metadata!.name!;
    await waitFor('the pod to run', () => pods()[0]?.status?.phase === 'Running');
    // The quarterback's side: its own ServiceAccount, bound by the runtime to get and patch this pod only.
    const own = kubeOwnPod(c.api.kubeConfig(`system:serviceaccount:${NS}:${name}`, NS), NS, name);
    const reporter = new AnnotationReporter(own);
    for (const [step, status] of [['p/a', 'running'], ['p/a', 'succeeded'], ['p/b', 'running'], ['p/b', 'succeeded']] as const) {
      reporter.push({ type: 'step', step, status, attempt: 1, at: 0, ...(status === 'succeeded' ? { result: { step } } : {}) });
    }
    reporter.push({ type: 'done', ok: true, status: 'succeeded', result: { step: 'p/b' } });
    await reporter.settled();
    // What the gate's stop does: the step containers end, and with them the pod.
    for (const slot of ['a', 'b']) c.api.kubelet.exit(NS, name, slot, 0);
    const ran = await running;
    expect(ran.outcome).toEqual({ ok: true, result: { step: 'p/b' } });
    expect(ran.steps).toEqual(['p/a:running', 'p/a:succeeded', 'p/b:running', 'p/b:succeeded']);
    expect(pods()).toEqual([]);
    // and that pod's account may do nothing else
    await expect(kubeOwnPod(c.api.kubeConfig(`system:serviceaccount:${NS}:${name}`, NS), NS, 'another-pod').get()).rejects.toMatchObject({ code: 403 });
  });

  it('does not settle a new pod with the quarterback\'s `done` of an earlier pod of its name (the same attempt run again in this worker, the watch late)', async () => {
    // The stand-in API server (test/support/fake-kube-api), not a cluster.
    c.api.kubelet.onImage('img/a', { kind: 'hang' });
    c.api.kubelet.onImage('img/b', { kind: 'hang' });
    c.api.kubelet.onContainer('quarterback', { kind: 'hang' });
    const rt = c.runtime({ retention: 'keep' });
    const req = micro();
    const name = buildPod(req, { namespace: NS, quarterbackImage: 'x' }).metadata!.name!;
    const quarterback = () => new AnnotationReporter(kubeOwnPod(c.api.kubeConfig(`system:serviceaccount:${NS}:${name}`, NS), NS, name));
    const first = runPod(rt, req, AbortSignal.timeout(60_000));
    await waitFor('the first pod to run', () => pods()[0]?.status?.phase === 'Running');
    const oldUid = pods()[0].metadata.uid;
    const before = quarterback();
    before.push({ type: 'done', ok: true, status: 'succeeded', result: { step: 'earlier' } });
    await before.settled();
    for (const slot of ['a', 'b']) c.api.kubelet.exit(NS, name, slot, 0);
    expect((await first).outcome).toEqual({ ok: true, result: { step: 'earlier' } });
    // The kept pod is deleted by someone else while the watch's resumption is slow on its way.
    const watch = await watchHeld();
    c.api.store.requestDelete(PODS, NS, name);
    await waitFor('the first pod to be gone', () => pods().length === 0);
    const second = runPod(rt, req, AbortSignal.timeout(60_000));
    let ended: PodOutcome | undefined;
    void second.then((r) => (ended = r.outcome));
    await waitFor('the new pod to run, or the step to end', () => ended !== undefined || (pods()[0]?.status?.phase === 'Running' && pods()[0].metadata.uid !== oldUid));
    watch.release();
    await watchBack();
    expect(ended).toBeUndefined();
    const now = quarterback();
    now.push({ type: 'done', ok: false, status: 'failed', error: 'p/a failed' });
    await now.settled();
    for (const slot of ['a', 'b']) c.api.kubelet.exit(NS, name, slot, 0);
    expect((await second).outcome).toMatchObject({ ok: false, error: 'p/a failed' });
  });

  it('fails the pod when a slot container\'s new image cannot be pulled, naming the steps it caught running', async () => {
    c.api.kubelet.onImage('img/a', { kind: 'hang' });
    c.api.kubelet.onImage('img/b', { kind: 'hang' });
    c.api.kubelet.onImage('missing/img', { kind: 'pullBackOff' });
    c.api.kubelet.onContainer('quarterback', { kind: 'hang' });
    const req = micro();
    const running = runPod(c.runtime({ retention: 'delete' }), req);
    const name = buildPod(req, { namespace: NS, quarterbackImage: 'x' }).metadata!.name!;
    await waitFor('the pod to run', () => pods()[0]?.status?.phase === 'Running');
    const own = kubeOwnPod(c.api.kubeConfig(`system:serviceaccount:${NS}:${name}`, NS), NS, name);
    const reporter = new AnnotationReporter(own);
    reporter.push({ type: 'step', step: 'p/a', status: 'running', attempt: 1, at: 0 });
    await reporter.settled();
    // An in-place image update of slot b, as the gate driver makes one, to an image the node cannot pull.
    await podImageSwitcher(own).setImage('b', 'missing/img');
    const ran = await running;
    expect(ran.outcome.ok).toBe(false);
    expect(ran.outcome.error).toBe('image "missing/img" of container b could not be pulled (ImagePullBackOff): Back-off pulling image "missing/img" (while running p/a)');
    await waitFor('the pod and its account to be gone', () => pods().length === 0 && c.api.store.list(resourceType('', 'serviceaccounts')!, NS, () => true).items.length === 0);
  });

  it('fails the pod when a step container ends before the quarterback is done (its slot is gone)', async () => {
    c.api.kubelet.onImage('img/a', { kind: 'hang' });
    c.api.kubelet.onImage('img/b', { kind: 'exit', code: 2, log: 'entrypoint: cannot write to the gate\n' });
    c.api.kubelet.onContainer('quarterback', { kind: 'hang' });
    const ran = await runPod(c.runtime({ retention: 'delete' }), micro());
    expect(ran.outcome).toEqual({ ok: false, error: 'container b ended with code 2: entrypoint: cannot write to the gate before the quarterback was done' });
  });
});
