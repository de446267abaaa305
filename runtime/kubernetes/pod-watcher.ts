/**
 * One list-watch over every pod strata made in a namespace, shared by all the pods a
 * runtime runs at once (as an informer would be), dispatching each pod's changes to
 * whoever follows it. After a resync, each follower is told its pod's current state, or
 * that it is gone: a followed pod the list lacks is gone only once a read of it says 404,
 * for a list can be older than a pod created while it travelled (the watch, resumed from
 * the list's resourceVersion, then brings that pod's changes as they come), and only by a
 * read sent once its creation was acknowledged (created): a read sent before may be told
 * 404 for a pod whose creation overtook the answer, or be of an earlier pod of the same
 * name (the same attempt run again by this worker) that is gone indeed.
 *
 * A follower hears only of the pod its creation (or adoption) answered, by uid: nothing
 * before that answer (what the watch, a list or the cache holds of the name then may be of
 * an earlier pod of the name, its end or its deletion late), then that pod's latest state
 * known and its changes. A list, or a read sent once the creation was answered, that finds
 * another pod under the name says its pod is gone (deleted, the name taken again).
 */
import type { V1Pod } from '@kubernetes/client-node';
import { CoreV1Api, statusOf, type KubeConfig } from './kube-config.ts';
import { ListWatch } from './list-watch.ts';
import { MANAGED_SELECTOR } from './pod-layout.ts';

/** A pod's new state, or `undefined` when it was deleted. */
export type PodListener = (pod: V1Pod | undefined) => void;

export class PodWatcher {
  private readonly followers = new Map<string, Set<PodListener>>();
  private readonly cache = new Map<string, V1Pod>();
  /**
   * followed pods whose creation was acknowledged (created), each with a token of that
   * acknowledgement: a 404 counts only for a read sent under the token still current (a
   * pod followed again under the same name is acknowledged anew, with a new token)
   */
  private readonly acknowledged = new Map<string, { uid?: string }>();
  /** followed pods a read sent before their creation was acknowledged found missing: read again once it is */
  private readonly doubted = new Set<string>();
  /** followed names whose creation is not acknowledged yet: the uids of their pods the watch or a list said were deleted */
  private readonly deletedUids = new Map<string, Set<string>>();
  private readonly lw: ListWatch<V1Pod>;
  private readonly api: CoreV1Api;

  constructor(kc: KubeConfig, private readonly namespace: string, private readonly onError?: (e: Error) => void) {
    const api = (this.api = kc.makeApiClient(CoreV1Api));
    this.lw = new ListWatch<V1Pod>({
      kubeConfig: kc,
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
      labelSelector: MANAGED_SELECTOR,
      list: async () => {
        const list = await api.listNamespacedPod({ namespace, labelSelector: MANAGED_SELECTOR });
        return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? '' };
      },
      onSync: (items) => this.sync(items),
      onEvent: (type, pod) => this.news(pod, type === 'DELETED'),
      ...(onError ? { onError } : {}),
    });
  }

  /** Resolves once the first list is in (starting the watch on first use). */
  ready(): Promise<void> {
    return this.lw.whenReady();
  }

  /**
   * Follow one pod by name. The listener hears nothing until the pod's creation is answered
   * (created): then the latest state known of that pod (by uid), and its changes after.
   * Returns the unfollow function.
   */
  follow(name: string, listener: PodListener): () => void {
    let set = this.followers.get(name);
    if (!set) this.followers.set(name, (set = new Set()));
    set.add(listener);
    return () => {
      set!.delete(listener);
      if (set!.size > 0) return;
      this.followers.delete(name);
      this.acknowledged.delete(name);
      this.doubted.delete(name);
      this.deletedUids.delete(name);
    };
  }

  /**
   * The followed pod `name` exists (its creation or adoption answered, the pod of `uid`): its
   * followers are told the latest state known of it (or that it is gone, if the watch said so
   * before the answer came); from here on a read that says 404 means it is gone, and news of
   * another pod of the name (an earlier one, the watch or a list behind) is not its.
   */
  created(name: string, uid?: string): void {
    if (!this.followers.has(name)) return;
    this.acknowledged.set(name, uid ? { uid } : {});
    const deleted = uid !== undefined && this.deletedUids.get(name)?.has(uid);
    this.deletedUids.delete(name);
    const known = this.cache.get(name);
    if (deleted) this.update(name, undefined);
    else if (known && this.ours(name, known)) this.update(name, known);
    if (this.doubted.delete(name)) void this.confirmGone(name);
  }

  stop(): void {
    this.lw.stop();
  }

  private sync(items: V1Pod[]): void {
    const seen = new Set<string>();
    const others = new Set<string>();
    for (const pod of items) {
      const name = pod.metadata!.name!;
      seen.add(name);
      if (!this.ours(name, pod)) others.add(name);
      this.news(pod, false);
    }
    for (const name of this.cache.keys()) if (!seen.has(name) && !this.followers.has(name)) this.cache.delete(name);
    // A followed pod the list lacks, or that the list shows another pod under its name: read it to be sure.
    for (const name of this.followers.keys()) if (!seen.has(name) || others.has(name)) void this.confirmGone(name);
  }

  /**
   * A followed pod the resync's list lacks, or shows another pod under its name: gone if
   * reading it says 404, or finds another pod (another uid) under its name. One that is there
   * was created after the list was made (its changes come by the watch); one that cannot
   * be read now is asked after again at the next resync. A 404, or another pod, counts only
   * for a read sent once the pod's creation was acknowledged: one sent before (its creation
   * on its way, or for an earlier pod of the name, followed and acknowledged before) is read
   * again once it is (created).
   */
  private async confirmGone(name: string): Promise<void> {
    const sentUnder = this.acknowledged.get(name);
    try {
      const read = await this.api.readNamespacedPod({ name, namespace: this.namespace });
      if (sentUnder?.uid && read.metadata?.uid && read.metadata.uid !== sentUnder.uid && this.acknowledged.get(name) === sentUnder) this.update(name, undefined);
    } catch (e) {
      if (statusOf(e) !== 404) return this.onError?.(e as Error);
      if (sentUnder !== undefined && this.acknowledged.get(name) === sentUnder) return this.update(name, undefined);
      if (!this.followers.has(name)) return;
      // Acknowledged while the read travelled: read again; else once it is.
      if (this.acknowledged.has(name)) return this.confirmGone(name);
      this.doubted.add(name);
    }
  }

  /**
   * A state of a pod, or its deletion, from the watch or a list: kept, and passed on to the
   * followers of its name once their pod's creation was acknowledged, if it is of that pod.
   * Before, it may be of an earlier pod of the name (the same attempt run again by this
   * worker, the watch late): its end settled the new attempt with the earlier pod's outcome,
   * its deletion failed the new pod as deleted.
   */
  private news(pod: V1Pod, deleted: boolean): void {
    const name = pod.metadata!.name!;
    const uid = pod.metadata?.uid;
    if (this.followers.has(name) && !this.acknowledged.has(name)) {
      if (deleted && uid) {
        let uids = this.deletedUids.get(name);
        if (!uids) this.deletedUids.set(name, (uids = new Set()));
        uids.add(uid);
      }
      return this.keep(name, deleted ? undefined : pod);
    }
    if (!this.ours(name, pod)) {
      // Not the followed pod's: only kept when nobody follows the name (a later adoption reads its pod).
      if (!this.followers.has(name)) this.keep(name, deleted ? undefined : pod);
      return;
    }
    this.update(name, deleted ? undefined : pod);
  }

  /** Whether `pod` is the pod of `name` whose creation was acknowledged (true too when it is not known which that is). */
  private ours(name: string, pod: V1Pod): boolean {
    const mine = this.acknowledged.get(name)?.uid;
    return !mine || !pod.metadata?.uid || pod.metadata.uid === mine;
  }

  private keep(name: string, pod: V1Pod | undefined): void {
    if (pod) this.cache.set(name, pod);
    else this.cache.delete(name);
  }

  private update(name: string, pod: V1Pod | undefined): void {
    this.keep(name, pod);
    for (const l of this.followers.get(name) ?? []) l(pod);
  }
}
