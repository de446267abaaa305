/** The operator's calls to the API server, all of them: list and watch the strata.dev resources, patch their finalizers and their status. */
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { mergePatch } from '../kube-config.ts';
import { GROUP, VERSION, type StrataResource } from './crd-names.ts';

export class StrataResources {
  private readonly api: CustomObjectsApi;

  constructor(kc: KubeConfig, readonly namespace: string) {
    this.api = kc.makeApiClient(CustomObjectsApi);
  }

  /** The collection's path, for watching. */
  path(plural: string): string {
    return `/apis/${GROUP}/${VERSION}/namespaces/${encodeURIComponent(this.namespace)}/${plural}`;
  }

  async list(plural: string): Promise<{ items: StrataResource[]; resourceVersion: string }> {
    const list = (await this.api.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: this.namespace, plural })) as { items: StrataResource[]; metadata?: { resourceVersion?: string } };
    return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? '' };
  }

  /** Replace the finalizers, provided the resource has not changed since `resourceVersion` (409 otherwise). */
  async setFinalizers(plural: string, r: StrataResource, finalizers: string[]): Promise<void> {
    const body = { metadata: { finalizers, resourceVersion: r.metadata.resourceVersion } };
    await this.api.patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: this.namespace, plural, name: r.metadata.name, body }, mergePatch());
  }

  async patchStatus(plural: string, name: string, status: Record<string, unknown>): Promise<void> {
    await this.api.patchNamespacedCustomObjectStatus({ group: GROUP, version: VERSION, namespace: this.namespace, plural, name, body: { status } }, mergePatch());
  }
}
