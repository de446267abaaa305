/**
 * What a micro pod's quarterback may do: get and patch its own pod, nothing else. Each
 * such pod gets its own ServiceAccount, and a Role naming only that pod
 * (`resourceNames`), bound to it. All three carry an owner reference to the pod once it
 * exists, so the garbage collector removes them with it. Pure.
 */
import type { V1OwnerReference, V1Pod, V1Role, V1RoleBinding, V1ServiceAccount } from '@kubernetes/client-node';
import { LABELS, MANAGED_BY } from './pod-layout.ts';

/** The verbs the quarterback uses on its own pod (sidecar/entrypoint/own-pod.ts). */
export const QUARTERBACK_VERBS = ['get', 'patch'] as const;

export interface PodAccess {
  serviceAccount: V1ServiceAccount;
  role: V1Role;
  roleBinding: V1RoleBinding;
}

/** The access objects of a micro pod; `owner` is the pod once created (absent before). */
export function buildPodAccess(pod: V1Pod, owner?: V1OwnerReference): PodAccess {
  const name = pod.metadata!.name!;
  const namespace = pod.metadata!.namespace!;
  const metadata = {
    name,
    namespace,
    labels: { ...pod.metadata!.labels, [LABELS.managedBy]: MANAGED_BY, [LABELS.component]: 'quarterback' },
    ...(owner ? { ownerReferences: [owner] } : {}),
  };
  return {
    serviceAccount: { apiVersion: 'v1', kind: 'ServiceAccount', metadata, automountServiceAccountToken: false },
    role: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata,
      rules: [{ apiGroups: [''], resources: ['pods'], resourceNames: [name], verbs: [...QUARTERBACK_VERBS] }],
    },
    roleBinding: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
  };
}

/** The owner reference that ties an object to a pod (deleted with it). */
export function podOwner(pod: V1Pod): V1OwnerReference {
  return { apiVersion: 'v1', kind: 'Pod', name: pod.metadata!.name!, uid: pod.metadata!.uid!, blockOwnerDeletion: false };
}
