/**
 * The stand-in kubelet: moves each created pod through its phases the way a kubelet
 * would, writing pod status to the store (so watches see every step): scheduled, init
 * containers to completion, native sidecars (init containers with restartPolicy Always)
 * started and kept running, regular containers run; Succeeded or Failed when every
 * regular container has ended, sidecars then stopped. It restarts a running container
 * whose image is changed in place, honours activeDeadlineSeconds, stops containers on
 * delete, and plays the failures tests ask for by image (behaviors.ts).
 *
 * Containers either run as real processes (process mode, kubelet-process.ts: each in a
 * mount namespace of its own where emptyDirs are directories bound at their mount paths,
 * the downward API and ConfigMap volumes write their files (no container starting before
 * the ConfigMap exists), the pod's ServiceAccount token is a kubeconfig) or
 * are scripted (exit 0 at once unless a behavior says otherwise).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Behavior } from './behaviors.ts';
import { startProcess, type ProcessOptions, type RunningProcess } from './kubelet-process.ts';
import type { LogBook } from './log-book.ts';
import { volumeMounts } from './pod-paths.ts';
import { prepareVolumes, serviceAccountToken, writeResult } from './pod-volumes.ts';
import { resourceType, type Change, type KObj, type ObjectStore } from './store.ts';

const PODS = resourceType('', 'pods')!;
const CONFIGMAPS = resourceType('', 'configmaps')!;

interface CState {
  spec: KObj;
  init: boolean;
  sidecar: boolean;
  restarts: number;
  state: KObj;
  lastState: KObj;
  started: boolean;
  image: string;
  proc?: RunningProcess;
  /** set when we stop it on purpose (image update, pod end): its exit is not its own */
  stopping?: 'restart' | 'end';
}

export class FakeKubelet {
  apiUrl = '';
  private readonly behaviors = new Map<string, Behavior>();
  private readonly pods = new Map<string, PodSim>();
  processOptions: ProcessOptions | undefined;
  /** how the kubelet asks the API server to drop its watches (set by FakeKubeApi) */
  dropWatches: (compact: boolean) => void = () => undefined;

  constructor(readonly store: ObjectStore, readonly logs: LogBook) {
    store.on('change', (c: Change) => {
      if (c.res !== PODS) return;
      const key = `${c.obj.metadata.namespace}/${c.obj.metadata.name}`;
      if (c.type === 'ADDED') {
        const unschedulable = this.unschedulable(c.obj);
        if (unschedulable) {
          // No node takes it: the scheduler says why, and no kubelet ever sees it.
          const status = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: unschedulable.message ?? '0/3 nodes are available: 3 Insufficient cpu.' }] };
          setImmediate(() => {
            try {
              this.store.update(PODS, c.obj.metadata.namespace, c.obj.metadata.name, (o) => ({ ...o, status }), 'all');
            } catch {
              // deleted meanwhile
            }
          });
          return;
        }
        const sim = new PodSim(this, c.obj);
        this.pods.set(key, sim);
        setImmediate(() => void sim.run());
      } else if (c.type === 'MODIFIED') this.pods.get(key)?.specChanged(c.obj);
      else if (c.type === 'DELETED') this.pods.delete(key);
    });
    store.on('deleteRequested', (res: KObj, obj: KObj) => {
      if (res !== PODS) return;
      const sim = this.pods.get(`${obj.metadata.namespace}/${obj.metadata.name}`);
      if (sim) void sim.delete();
      else this.store.remove(PODS, obj.metadata.namespace, obj.metadata.name);
    });
  }

  /** Run containers as real processes (see kubelet-process.ts). */
  useProcesses(opts: ProcessOptions): void {
    this.processOptions = opts;
  }

  onImage(image: string, b: Behavior): void {
    this.behaviors.set(image, b);
  }

  /** A behavior for containers of this name, whatever their image (it wins over the image's). */
  onContainer(name: string, b: Behavior): void {
    this.behaviors.set(`container:${name}`, b);
  }

  /** The `unschedulable` behavior of one of the pod's containers, if one has it. */
  private unschedulable(pod: KObj): Extract<Behavior, { kind: 'unschedulable' }> | undefined {
    for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
      const b = this.behaviorOf(c.name, c.image);
      if (b?.kind === 'unschedulable') return b;
    }
    return undefined;
  }

  behaviorOf(container: string, image: string): Behavior | undefined {
    return this.behaviors.get(`container:${container}`) ?? this.behaviors.get(image);
  }

  /** End a running container of a pod with this exit code, as if its program exited. */
  exit(ns: string, pod: string, container: string, code: number): void {
    this.pods.get(`${ns}/${pod}`)?.exitContainer(container, code);
  }

  /** Stop every container of every pod (the test is over). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.pods.values()].map((p) => p.stopAll('end')));
  }
}

class PodSim {
  private readonly ns: string;
  private readonly name: string;
  private readonly cs = new Map<string, CState>();
  private phase = 'Pending';
  private reason: string | undefined;
  private message: string | undefined;
  private readonly startTime = new Date();
  private deadline: NodeJS.Timeout | undefined;
  private ended = false;
  private deleting = false;
  private root = '';

  constructor(private readonly k: FakeKubelet, private pod: KObj) {
    this.ns = pod.metadata.namespace;
    this.name = pod.metadata.name;
    for (const c of pod.spec.initContainers ?? []) this.cs.set(c.name, this.fresh(c, true));
    for (const c of pod.spec.containers) this.cs.set(c.name, this.fresh(c, false));
  }

  async run(): Promise<void> {
    this.write((o) => ({ ...o, spec: { ...o.spec, nodeName: 'fake-node' } }));
    if (this.k.processOptions) {
      this.root = join(this.k.processOptions.root, this.ns, this.name);
      // As the kubelet does, no container starts before the ConfigMaps its volumes name exist.
      if (!(await this.configMapsMade())) return;
      await prepareVolumes(this.pod, this.root, (name) => this.k.store.find(CONFIGMAPS, this.ns, name));
    }
    this.armDeadline();
    for (const c of this.cs.values()) {
      if (!c.init || this.ended) continue;
      if (c.sidecar) {
        await this.startContainer(c);
        continue;
      }
      const code = await this.startContainer(c, true);
      if (code !== 0 && !this.ended) return this.fail(undefined, undefined);
    }
    if (this.ended) return;
    this.phase = 'Running';
    this.publish();
    for (const c of this.cs.values()) if (!c.init) void this.startContainer(c);
  }

  /**
   * Wait until every ConfigMap the pod's volumes name exists (the kubelet retries the mount, the
   * pod Pending meanwhile); false when the pod was deleted or ended first.
   */
  private async configMapsMade(): Promise<boolean> {
    const names: string[] = (this.pod.spec.volumes ?? []).flatMap((v: KObj) => (v.configMap?.name ? [v.configMap.name] : []));
    while (!names.every((n) => this.k.store.find(CONFIGMAPS, this.ns, n))) {
      if (this.deleting || this.ended) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return true;
  }

  /** The pod object changed: restart containers whose image changed, re-arm the deadline. */
  specChanged(pod: KObj): void {
    const before = this.pod;
    this.pod = pod;
    if (before.spec.activeDeadlineSeconds !== pod.spec.activeDeadlineSeconds) this.armDeadline();
    for (const spec of pod.spec.containers) {
      const c = this.cs.get(spec.name);
      if (!c || spec.image === c.image) continue;
      c.spec = spec;
      c.image = spec.image;
      if (c.state.running || c.state.waiting) void this.restart(c);
    }
  }

  async delete(): Promise<void> {
    if (this.deleting) return;
    this.deleting = true;
    await this.stopAll('end');
    clearTimeout(this.deadline);
    if (this.root) await rm(this.root, { recursive: true, force: true }).catch(() => undefined);
    try {
      this.k.store.remove(PODS, this.ns, this.name);
    } catch {
      // removed already
    }
  }

  exitContainer(name: string, code: number): void {
    const c = this.cs.get(name);
    if (!c?.state.running) return;
    if (c.proc) c.proc.signal(code === 0 ? 'SIGTERM' : 'SIGKILL');
    else this.exited(c, code, null);
  }

  async stopAll(why: 'end'): Promise<void> {
    this.ended = true;
    clearTimeout(this.deadline);
    await Promise.all([...this.cs.values()].map((c) => this.stop(c, why)));
  }

  private fresh(spec: KObj, init: boolean): CState {
    return { spec, init, sidecar: init && spec.restartPolicy === 'Always', restarts: 0, state: { waiting: { reason: 'PodInitializing' } }, lastState: {}, started: false, image: spec.image };
  }

  /** Start a container; with `wait`, resolve with its exit code. */
  private async startContainer(c: CState, wait = false): Promise<number | undefined> {
    const b = this.k.behaviorOf(c.spec.name, c.image);
    if (b?.kind === 'dropWatch') {
      this.k.dropWatches(false);
      const r = this.behave(c, b.then, wait);
      // Changes happened while nobody watched, then the history is gone: resuming gets 410.
      if (b.compact) this.k.store.compact();
      return r;
    }
    return this.behave(c, b, wait);
  }

  private async behave(c: CState, b: Behavior | undefined, wait: boolean): Promise<number | undefined> {
    if (b?.kind === 'pullBackOff') {
      c.state = { waiting: { reason: 'ErrImagePull', message: b.message ?? `failed to pull image "${c.image}": not found` } };
      this.publish();
      await tick();
      c.state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` } };
      this.publish();
      return undefined;
    }
    const exited = this.begin(c, b);
    if (b?.kind === 'oom' || b?.kind === 'evict' || b?.kind === 'deadline') {
      await tick();
      if (b.kind === 'oom') {
        c.stopping = undefined;
        await this.kill(c, 'SIGKILL');
        c.state = { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: c.state.running?.startedAt, finishedAt: now() } };
        this.logsEnd(c);
        this.containerEnded();
      } else if (b.kind === 'evict') {
        await this.fail('Evicted', b.message ?? 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi.');
      } else {
        await this.fail('DeadlineExceeded', 'Pod was active on the node longer than the specified deadline');
      }
      return wait ? 137 : undefined;
    }
    if (wait) return exited;
    return undefined;
  }

  /** Put a container in running state, as a process or scripted; resolves with its exit code. */
  private begin(c: CState, b: Behavior | undefined): Promise<number> {
    c.state = { running: { startedAt: now() } };
    c.started = true;
    this.k.logs.begin(this.ns, this.name, c.spec.name);
    this.publish();
    const opts = this.k.processOptions;
    if (opts && (!b || b.kind === 'hang')) {
      const mounts = volumeMounts(this.pod, c.spec, this.root, opts.claims);
      const proc = startProcess(this.pod, c.spec, mounts, opts, (t) => this.k.logs.write(this.ns, this.name, c.spec.name, t), serviceAccountToken(this.pod, c.spec));
      c.proc = proc;
      return proc.exited.then((e) => this.exited(c, e.code, e.signal, e.startError));
    }
    if (b?.kind === 'exit' || !b) {
      return (async () => {
        if (b?.kind === 'exit' && b.log) this.k.logs.write(this.ns, this.name, c.spec.name, b.log);
        if (b?.kind === 'exit' && b.result !== undefined) await writeResult(c.spec, b.result);
        await tick();
        return this.exited(c, b?.kind === 'exit' ? (b.code ?? 0) : 0, null);
      })();
    }
    return new Promise(() => undefined); // hangs until stopped
  }

  /** `startError`: the command could not be started; the status says so as containerd's does (reason StartError, its words as the message). */
  private exited(c: CState, code: number | null, signal: string | null, startError?: string): number {
    c.proc = undefined;
    const exitCode = code ?? 128 + (signal === 'SIGKILL' ? 9 : 15);
    if (c.stopping === 'restart') return exitCode;
    if (c.state.terminated) return c.state.terminated.exitCode;
    // FallbackToLogsOnError: a failed container's last lines of log become its termination message.
    const tail = exitCode !== 0 && c.spec.terminationMessagePolicy === 'FallbackToLogsOnError' ? this.k.logs.text(this.ns, this.name, c.spec.name).split('\n').slice(-80).join('\n').slice(-2048) : '';
    c.state = startError
      ? { terminated: { exitCode, reason: 'StartError', message: startError, finishedAt: now() } }
      : { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', ...(tail.trim() ? { message: tail } : {}), startedAt: c.state.running?.startedAt, finishedAt: now() } };
    this.logsEnd(c);
    this.containerEnded();
    return exitCode;
  }

  private containerEnded(): void {
    if (this.ended || this.phase !== 'Running') return this.publish();
    const regular = [...this.cs.values()].filter((c) => !c.init);
    if (!regular.every((c) => c.state.terminated)) return this.publish();
    this.ended = true;
    clearTimeout(this.deadline);
    this.phase = regular.every((c) => c.state.terminated.exitCode === 0) ? 'Succeeded' : 'Failed';
    this.publish();
    // Sidecars are stopped once the regular containers are done.
    void Promise.all([...this.cs.values()].filter((c) => c.sidecar).map((c) => this.stop(c, 'end'))).then(() => this.publish());
  }

  private async fail(reason: string | undefined, message: string | undefined): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.deadline);
    this.phase = 'Failed';
    this.reason = reason;
    this.message = message;
    await Promise.all([...this.cs.values()].map((c) => this.stop(c, 'end')));
    this.publish();
  }

  private async restart(c: CState): Promise<void> {
    const was = c.state;
    await this.stop(c, 'restart');
    c.lastState = { terminated: { exitCode: 137, reason: 'Error', startedAt: was.running?.startedAt, finishedAt: now() } };
    c.restarts++;
    c.stopping = undefined;
    c.state = { waiting: { reason: 'ContainerCreating' } };
    this.publish();
    await tick();
    if (!this.ended) await this.startContainer(c);
  }

  private async stop(c: CState, why: 'restart' | 'end'): Promise<void> {
    if (c.state.terminated) return;
    c.stopping = why;
    if (c.state.running) {
      const startedAt = c.state.running.startedAt;
      const b = this.k.behaviorOf(c.spec.name, c.image);
      if (!c.proc && b?.kind === 'hang' && b.stopMs) await new Promise((r) => setTimeout(r, b.stopMs));
      await this.kill(c, 'SIGTERM');
      if (!c.state.terminated) c.state = { terminated: { exitCode: 143, reason: 'Error', startedAt, finishedAt: now() } };
      this.logsEnd(c);
    } else if (why === 'end') {
      c.state = { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', finishedAt: now() } };
    }
  }

  private async kill(c: CState, signal: NodeJS.Signals): Promise<void> {
    const p = c.proc;
    if (!p) return;
    const grace = (this.pod.spec.terminationGracePeriodSeconds ?? 30) * 1000;
    p.signal(signal);
    const t = setTimeout(() => p.signal('SIGKILL'), signal === 'SIGKILL' ? 0 : Math.min(grace, 5000));
    // Its end is its pipes' close: bounded, so that a process holding them past the SIGKILL cannot
    // hold the stand-in's stop (a file's afterAll) for ever (seen once in CI at load: a 60 s hook timeout).
    let bound: NodeJS.Timeout | undefined;
    await Promise.race([p.exited, new Promise<void>((r) => (bound = setTimeout(r, Math.min(grace, 5000) + 10_000)))]);
    clearTimeout(bound);
    clearTimeout(t);
    c.proc = undefined;
  }

  private logsEnd(c: CState): void {
    this.k.logs.end(this.ns, this.name, c.spec.name);
  }

  private armDeadline(): void {
    clearTimeout(this.deadline);
    const ads = this.pod.spec.activeDeadlineSeconds;
    if (ads === undefined || this.ended) return;
    const left = this.startTime.getTime() + ads * 1000 - Date.now();
    this.deadline = setTimeout(() => void this.fail('DeadlineExceeded', 'Pod was active on the node longer than the specified deadline'), Math.max(0, left));
    this.deadline.unref();
  }

  private publish(): void {
    if (this.deleting && !this.k.store.find(PODS, this.ns, this.name)) return;
    const status = (c: CState) => ({
      name: c.spec.name, image: c.image, imageID: `fake://${c.image}`, ready: !!c.state.running, restartCount: c.restarts,
      started: !!c.state.running, state: c.state, lastState: c.lastState,
    });
    const all = [...this.cs.values()];
    const podStatus: KObj = {
      phase: this.phase,
      ...(this.reason ? { reason: this.reason } : {}),
      ...(this.message ? { message: this.message } : {}),
      startTime: this.startTime.toISOString(),
      podIP: '10.0.0.1',
      conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: this.phase === 'Running' ? 'True' : 'False' }],
      initContainerStatuses: all.filter((c) => c.init).map(status),
      containerStatuses: all.filter((c) => !c.init).map(status),
    };
    this.write((o) => ({ ...o, status: podStatus }));
  }

  private write(change: (o: KObj) => KObj): void {
    try {
      this.k.store.update(PODS, this.ns, this.name, change, 'all');
    } catch {
      // the pod is gone
    }
  }
}

function tick(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

function now(): string {
  return new Date().toISOString();
}
