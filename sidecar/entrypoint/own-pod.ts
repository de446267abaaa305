/**
 * The quarterback's only access to the Kubernetes API: its own pod, which its
 * ServiceAccount may get and patch and nothing else (runtime/kubernetes/pod-access.ts).
 * It patches the report annotation and slot containers' images.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { CoreV1Api, mergePatch, statusOf, strategicPatch, type KubeConfig } from '../../runtime/kubernetes/kube-config.ts';
import type { ImageSwitcher } from './file-gate-driver.ts';

export interface OwnPod {
  get(): Promise<V1Pod>;
  /** a merge patch (`merge`) or a strategic merge patch (`strategic`) of the pod */
  patch(body: object, strategy: 'merge' | 'strategic'): Promise<void>;
}

/** OwnPod over client-node. */
export function kubeOwnPod(kc: KubeConfig, namespace: string, name: string): OwnPod {
  const api = kc.makeApiClient(CoreV1Api);
  return {
    get: () => api.readNamespacedPod({ name, namespace }),
    async patch(body, strategy) {
      await api.patchNamespacedPod({ name, namespace, body }, strategy === 'merge' ? mergePatch() : strategicPatch());
    },
  };
}

/** Switch a slot container's image in place: the kubelet restarts that container with it. */
export function podImageSwitcher(pod: OwnPod): ImageSwitcher {
  return {
    setImage: (container, image) => pod.patch({ spec: { containers: [{ name: container, image }] } }, 'strategic'),
  };
}

/**
 * Wait until the pod's own permissions work: the runtime binds them right after creating
 * the pod, so the first calls may be refused for a moment.
 */
export async function waitForAccess(pod: OwnPod, tries = 60, delayMs = 500): Promise<V1Pod> {
  for (let i = 1; ; i++) {
    try {
      return await pod.get();
    } catch (e) {
      const status = statusOf(e);
      if (i >= tries || (status !== 403 && status !== 401 && status !== undefined)) throw e;
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}
