/**
 * PodRuntime `kubernetes`: each macro step attempt is a real Pod (pod-builder.ts),
 * created through @kubernetes/client-node and followed through one shared watch
 * (pod-watcher.ts) until its outcome (pod-session.ts): the quarterback's report
 * annotation for a micro pod, the container's exit for a task pod, or what the cluster
 * did to it in plain words. Logs are streamed as they are written. Afterwards the pod is
 * deleted or kept per `retention`; a kept pod that is still running is stopped (its
 * deadline set to now). Aborting deletes the pod and everything it owns.
 */
import { fileScopeValues } from '../env-files.ts';
import type { V1OwnerReference, V1Pod } from '@kubernetes/client-node';
import { AppsV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { toStrataError } from '../../src/errors/strata-error.ts';
import { isTransientFault, transientError } from '../../src/engine/transient-fault.ts';
import type { PodOutcome, PodReport, PodRequest, PodRuntime } from '../pod-runtime.ts';
import { apiFailure, apiFault, apiMessage, CoreV1Api, mergePatch, statusOf, type KubeConfig } from './kube-config.ts';
import { LogFollower } from './log-follower.ts';
import { buildPodAccess, podOwner } from './pod-access.ts';
import { buildPodObjects, type PodObjects } from './pod-builder.ts';
import { ANNOTATIONS, LABELS } from './pod-layout.ts';
import type { Grant } from './report-protocol.ts';
import type { PodBuildOptions } from './pod-options.ts';
import { PodSession, type Settled } from './pod-session.ts';
import { PodWatcher } from './pod-watcher.ts';
import { collectTaskFiles, needsSharedVolume, prepareTaskFiles, removeTaskFiles } from './task-files.ts';
import { StepFileError } from '../output-files.ts';
import { tryUntil } from '../try-until.ts';
import { setTimeout as sleep } from 'node:timers/promises';

/** What happens to a pod once its step is over: deleted, kept when it failed (the default), or always kept. */
export type Retention = 'delete' | 'keep-failed' | 'keep';

export interface KubeRuntimeOptions extends Omit<PodBuildOptions, 'owner'> {
  kubeConfig: KubeConfig;
  retention?: Retention;
  /** owner of every pod: a full reference, or the name of a Deployment in the namespace (its uid is looked up once) */
  owner?: V1OwnerReference | { deployment: string };
  /** stream containers' logs as reports (default true) */
  logs?: boolean;
  /** after the outcome, how long to wait for the pod to end and its logs to be read (default 15 s) */
  drainMs?: number;
  /** told of API failures the runtime recovers from */
  onError?: (e: Error) => void;
}

export class KubeRuntime implements PodRuntime {
  readonly name = 'kubernetes';
  private readonly opts: KubeRuntimeOptions;
  private readonly core: CoreV1Api;
  private readonly rbac: RbacAuthorizationV1Api;
  private readonly watcher: PodWatcher;
  private owner: Promise<V1OwnerReference | undefined> | undefined;

  constructor(opts: KubeRuntimeOptions) {
    this.opts = opts;
    this.core = opts.kubeConfig.makeApiClient(CoreV1Api);
    this.rbac = opts.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    this.watcher = new PodWatcher(opts.kubeConfig, opts.namespace, opts.onError);
  }

  async run(req: PodRequest, onReport: (r: PodReport) => void, signal: AbortSignal): Promise<PodOutcome> {
    if (signal.aborted) return { ok: false, error: reasonOf(signal) };
    if (req.kind === 'task' && req.task) {
      const why = needsSharedVolume(req.task, this.opts.sharedClaim);
      if (why) return { ok: false, error: why };
    }
    let objects: PodObjects;
    try {
      // Files at paths of the container's own travel through a directory of this execution's on the shared volume.
      req = await prepareTaskFiles(req);
      const { owner: _o, kubeConfig: _k, ...build } = this.opts;
      // A task's large params (or items) go in files on the shared volume, as on the local
      // runtime: a variable past 128 KiB cannot start the container (E2BIG), and would bloat
      // the pod object. A pod's containers get theirs from the quarterback.
      if (req.kind === 'task' && req.inputsDir) {
        const env = { ...req.env };
        fileScopeValues(env, req.inputsDir);
        req = { ...req, env };
      }
      objects = buildPodObjects(req, { ...build, ...(await this.resolveOwner()) });
    } catch (e) {
      await removeTaskFiles(req);
      return { ok: false, error: e instanceof StepFileError ? e.message : toStrataError(e).message };
    }
    try {
      const outcome = await this.follow(req, objects, onReport, signal);
      return await collectTaskFiles(req, outcome, onReport);
    } finally {
      await removeTaskFiles(req);
    }
  }

  /** Create the pod and follow it to its outcome, then let it end and delete or keep it. */
  private async follow(req: PodRequest, objects: PodObjects, onReport: (r: PodReport) => void, signal: AbortSignal): Promise<PodOutcome> {
    const name = objects.pod.metadata!.name!;
    try {
      await untilAborted(this.watcher.ready(), signal);
    } catch (e) {
      if (signal.aborted) return { ok: false, error: reasonOf(signal) };
      return { ok: false, error: `cannot watch pods in namespace ${this.opts.namespace}: ${apiFailure(e)}`, ...(isTransientFault(apiFault(e)) ? { transient: true } : {}) };
    }
    const logs = this.opts.logs === false ? undefined : new LogFollower(this.opts.kubeConfig, this.opts.namespace, req.step, onReport);
    // The run's answer to the quarterback's ask for steps, on its pod, where it reads it (log
    // version 8). A patch refused (a 5xx, a 429, a reset) is sent again while the pod is
    // followed: lost, the quarterback's steps waited for it for ever (tester 16).
    const answering = new AbortController();
    // Only on this attempt's pod (its uid, known once its creation is answered): a pod made
    // since under its name (this one deleted) refuses the patch, 422, and is left alone.
    let uid: string | undefined;
    const patchGrant = (grant: Grant) => this.core.patchNamespacedPod({ namespace: this.opts.namespace, name, body: { metadata: { ...(uid ? { uid } : {}), annotations: { [ANNOTATIONS.grant]: JSON.stringify(grant) } } } }, mergePatch()).catch((e) => {
      if (uid && statusOf(e) === 422) return; // not this attempt's pod any more: nothing to answer
      this.opts.onError?.(e as Error);
      throw e;
    });
    // One annotation holds the answer: an answer to an earlier ask is never sent over a later one's.
    let newest = 0;
    const answer = (grant: Grant) => {
      if (grant.asked < newest) return;
      newest = grant.asked;
      void tryUntil<unknown>(() => (grant.asked < newest ? Promise.resolve() : patchGrant(grant)), answering.signal);
    };
    const session = new PodSession(req, onReport, logs, answer);
    const unfollow = this.watcher.follow(name, (p) => session.seen(p));
    let created: V1Pod | undefined;
    let unstartedTimer: NodeJS.Timeout | undefined;
    try {
      created = await this.createOnceFree(objects, signal);
      uid = created.metadata?.uid;
      session.created(created);
      this.watcher.created(name, created.metadata?.uid);
      // activeDeadlineSeconds counts from the start a kubelet records: a pod no node takes
      // never reaches it, so the step's timeout is kept here too, from the creation.
      if (req.timeoutMs !== undefined) {
        const seconds = Math.max(1, Math.ceil(req.timeoutMs / 1000));
        unstartedTimer = setTimeout(() => session.deadlinePassed(seconds), seconds * 1000);
      }
      const end = await untilAborted(session.settled, signal).catch(() => undefined);
      if (!end) {
        await this.remove(name, created.metadata?.uid);
        return { ok: false, error: reasonOf(signal) };
      }
      await this.conclude(name, created.metadata?.uid, session, end, logs);
      return end.outcome;
    } catch (e) {
      await this.remove(name, created?.metadata?.uid).catch(() => undefined);
      if (signal.aborted) return { ok: false, error: reasonOf(signal) };
      const error = `pod ${name} could not be started: ${apiFailure(e)}`;
      // Classified here, from the answer's status, reason and code (transient-fault.ts): the
      // step's error is words for people, read by nothing after.
      const transient = isTransientFault(apiFault(e));
      // A creation refused for a reason Argo's IsTransientErr calls transient is not the step's
      // failure: Argo's controller requeues it whatever the retryStrategy (operator.go
      // requeueIfTransientErr). Thrown, the step's job runs again (BullMQ's attempts) before
      // the step fails as an infrastructure failure, the same words kept, transient still.
      if (created === undefined && transient) throw transientError(error);
      return { ok: false, error, ...(transient ? { transient } : {}) };
    } finally {
      clearTimeout(unstartedTimer);
      answering.abort();
      unfollow();
      logs?.stop();
    }
  }

  /** Stop watching (the worker is shutting down). */
  close(): void {
    this.watcher.stop();
  }

  /**
   * create(), once the name is free: a pod of the name being deleted (an earlier pod of this
   * attempt, stopped, still terminating) is not adopted, for it will never finish (the step
   * had ended 'deleted before it finished' or with its killed exit); its end is awaited, as
   * long as its grace period and a minute more, then the pod is made anew.
   */
  private async createOnceFree(objects: PodObjects, signal: AbortSignal): Promise<V1Pod> {
    for (;;) {
      try {
        return await this.create(objects);
      } catch (e) {
        if (!(e instanceof Terminating)) throw e;
        await this.untilGone(e.pod, signal);
      }
    }
  }

  /** Wait until `pod` (being deleted) is gone: its name reads 404 or another pod. Throws past its grace period and a minute. */
  private async untilGone(pod: V1Pod, signal: AbortSignal): Promise<void> {
    const name = pod.metadata!.name!;
    const limitS = (pod.spec?.terminationGracePeriodSeconds ?? 30) + 60;
    const until = Date.now() + limitS * 1000;
    for (let wait = 100; ; wait = Math.min(wait * 2, 2000)) {
      try {
        const now = await this.core.readNamespacedPod({ namespace: this.opts.namespace, name });
        if (now.metadata?.uid !== pod.metadata?.uid) return;
      } catch (e) {
        if (statusOf(e) === 404) return;
        throw e;
      }
      if (Date.now() > until) throw new Error(`an earlier pod ${name} of this attempt is still being deleted after ${limitS}s`);
      await sleep(wait, undefined, { signal });
    }
  }

  /**
   * Create the pod, with its plan's ConfigMap and its quarterback's access for a micro pod; an
   * existing pod of the same attempt is adopted. The ConfigMap is made after the pod, owned by
   * it (so `create` is the only verb the worker needs on ConfigMaps): the kubelet waits for a
   * ConfigMap volume's ConfigMap before it starts the pod's containers.
   */
  private async create({ pod, configMap }: PodObjects): Promise<V1Pod> {
    const namespace = this.opts.namespace;
    const micro = pod.metadata?.labels?.[LABELS.kind] === 'pod';
    const name = pod.metadata!.name!;
    if (micro) await adopt(() => this.core.createNamespacedServiceAccount({ namespace, body: buildPodAccess(pod).serviceAccount }));
    let adopted = false;
    try {
      let created: V1Pod;
      try {
        created = await this.core.createNamespacedPod({ namespace, body: pod });
      } catch (e) {
        if (statusOf(e) !== 409) throw e;
        created = await this.core.readNamespacedPod({ namespace, name });
        // One being deleted is not the attempt's to adopt: its end is awaited (createOnceFree).
        if (created.metadata?.deletionTimestamp) throw new Terminating(created);
        adopted = true;
      }
      if (configMap) await adopt(() => this.core.createNamespacedConfigMap({ namespace, body: { ...configMap, metadata: { ...configMap.metadata, ownerReferences: [podOwner(created)] } } }));
      if (micro) {
        const access = buildPodAccess(pod, podOwner(created));
        await adopt(() => this.rbac.createNamespacedRole({ namespace, body: access.role }));
        await adopt(() => this.rbac.createNamespacedRoleBinding({ namespace, body: access.roleBinding }));
        await this.core.patchNamespacedServiceAccount({ namespace, name, body: { metadata: { ownerReferences: [podOwner(created)] } } }, mergePatch());
      }
      return created;
    } catch (e) {
      // The quarterback's ServiceAccount is made before its pod (a pod naming an account that
      // is not there is refused) and owned by it only at the end: when this worker's pod
      // could not be made, or is removed for what failed after it, the account goes too,
      // where it was left behind for good. An adopted pod's stays: another worker runs it.
      if (micro && !adopted) await this.core.deleteNamespacedServiceAccount({ namespace, name }).catch((d) => statusOf(d) !== 404 && this.opts.onError?.(d as Error));
      throw e;
    }
  }

  /** After the outcome: let the pod end and its logs be read, then delete or keep it (the pod of `uid`, when known). */
  private async conclude(name: string, uid: string | undefined, session: PodSession, end: Settled, logs: LogFollower | undefined): Promise<void> {
    const drainMs = this.opts.drainMs ?? 15_000;
    const retention = this.opts.retention ?? 'keep-failed';
    const keep = retention === 'keep' || (retention === 'keep-failed' && !end.outcome.ok);
    if (end.stuck) {
      // A pod that never started holds nothing to inspect (its error says why), and kept it could start later.
      if (!keep || end.unstarted) return this.remove(name, uid);
      // Kept for inspection, but it must stop using the cluster: its deadline is now.
      // Only this attempt's pod (its uid): another made since under its name refuses the patch (422) and runs on.
      const body = { metadata: { ...(uid ? { uid } : {}), annotations: { [ANNOTATIONS.failure]: end.outcome.error ?? 'stopped' } }, spec: { activeDeadlineSeconds: 1 } };
      await this.core.patchNamespacedPod({ namespace: this.opts.namespace, name, body }, mergePatch()).catch((e) => !(uid && statusOf(e) === 422) && this.opts.onError?.(e as Error));
    }
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((r) => (timer = setTimeout(r, drainMs)));
    await Promise.race([session.ended, limit]);
    clearTimeout(timer);
    await logs?.drained(drainMs);
    if (!keep) await this.remove(name, uid);
  }

  /**
   * Delete the pod `name`; with `uid`, only that pod (DeleteOptions' precondition): a pod made
   * since under its name (deleted by someone else, the same attempt run again by another
   * worker) is not this attempt's to delete, and the API server's 409 says so.
   */
  private async remove(name: string, uid?: string): Promise<void> {
    try {
      await this.core.deleteNamespacedPod({ namespace: this.opts.namespace, name, ...(uid ? { body: { preconditions: { uid } } } : {}) });
    } catch (e) {
      const status = statusOf(e);
      if (status !== 404 && !(uid && status === 409)) this.opts.onError?.(e as Error);
    }
  }

  private resolveOwner(): Promise<{ owner?: V1OwnerReference }> {
    const o = this.opts.owner;
    if (!o) return Promise.resolve({});
    if (!('deployment' in o)) return Promise.resolve({ owner: o });
    this.owner ??= this.opts.kubeConfig
      .makeApiClient(AppsV1Api)
      .readNamespacedDeployment({ namespace: this.opts.namespace, name: o.deployment })
      .then((d) => ({ apiVersion: 'apps/v1', kind: 'Deployment', name: o.deployment, uid: d.metadata!.uid!, blockOwnerDeletion: false }))
      .catch((e) => {
        this.owner = undefined; // look again next time
        this.opts.onError?.(new Error(`owner deployment ${o.deployment}: ${apiMessage(e)}`));
        return undefined;
      });
    return this.owner.then((owner) => (owner ? { owner } : {}));
  }
}

/** A pod of the name exists, being deleted: thrown by create() to have its end awaited. */
class Terminating extends Error {
  constructor(readonly pod: V1Pod) {
    super(`pod ${pod.metadata?.name} is being deleted`);
  }
}

/** Create, or accept that it exists already (a worker running the same attempt again). */
async function adopt(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (e) {
    if (statusOf(e) !== 409) throw e;
  }
}

function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function reasonOf(signal: AbortSignal): string {
  const r = signal.reason;
  if (r instanceof Error && r.name !== 'AbortError') return r.message;
  return typeof r === 'string' ? r : 'cancelled';
}
