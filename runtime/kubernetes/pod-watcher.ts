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

  /** Follow one pod by name; its current state, if known, is delivered at once. Returns the unfollow function. */
  follow(name: string, listener: PodListener): () => void {
    let set = this.followers.get(name);
    if (!set) this.followers.set(name, (set = new Set()));
    set.add(listener);
    const known = this.cache.get(name);
    if (known) queueMicrotask(() => set!.has(listener) && listener(known));
    return () => {
      set!.delete(listener);
      if (set!.size > 0) return;
      this.followers.delete(name);
      this.acknowledged.delete(name);
      this.doubted.delete(name);
    };
  }

  /**
   * The followed pod `name` exists (its creation or adoption answered, the pod of `uid`): from
   * here on a read that says 404 means it is gone, and news of another pod of the name (an
   * earlier one, the watch or a list behind) is not its.
   */
  created(name: string, uid?: string): void {
    if (!this.followers.has(name)) return;
    this.acknowledged.set(name, uid ? { uid } : {});
    if (this.doubted.delete(name)) void this.confirmGone(name);
  }

  stop(): void {
    this.lw.stop();
  }

  private sync(items: V1Pod[]): void {
    const seen = new Set<string>();
    for (const pod of items) {
      seen.add(pod.metadata!.name!);
      this.news(pod, false);
    }
    for (const name of this.cache.keys()) if (!seen.has(name) && !this.followers.has(name)) this.cache.delete(name);
    for (const name of this.followers.keys()) if (!seen.has(name)) void this.confirmGone(name);
  }

  /**
   * A followed pod the resync's list lacks: gone if reading it says 404. One that is there
   * was created after the list was made (its changes come by the watch); one that cannot
   * be read now is asked after again at the next resync. A 404 counts only for a read sent
   * once the pod's creation was acknowledged: one sent before (its creation on its way, or
   * for an earlier pod of the name, followed and acknowledged before) is read again once it
   * is (created).
   */
  private async confirmGone(name: string): Promise<void> {
    const sentUnder = this.acknowledged.get(name);
    try {
      await this.api.readNamespacedPod({ name, namespace: this.namespace });
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
   * A state of a pod, or its deletion, from the watch or a list: passed on unless it is of
   * another pod than the one of that name whose creation was acknowledged (a late word of an
   * earlier pod of the name, the same attempt run again by this worker: its deletion failed
   * the new pod as deleted).
   */
  private news(pod: V1Pod, deleted: boolean): void {
    const name = pod.metadata!.name!;
    const ours = this.acknowledged.get(name)?.uid;
    if (ours && pod.metadata?.uid && pod.metadata.uid !== ours) return;
    this.update(name, deleted ? undefined : pod);
  }

  private update(name: string, pod: V1Pod | undefined): void {
    if (pod) this.cache.set(name, pod);
    else this.cache.delete(name);
    for (const l of this.followers.get(name) ?? []) l(pod);
  }
}
