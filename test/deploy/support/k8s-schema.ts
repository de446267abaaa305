/**
 * Offline validation of Kubernetes objects against the Kubernetes OpenAPI schemas, two
 * ways: kubernetes-models' validators (types, required fields, enums, formats), and a
 * walk over @kubernetes/client-node's generated models that names every field the
 * schema does not have (the validators let unknown fields through, so a misspelt
 * `restartPolicy` would pass them).
 */
import * as k8s from '@kubernetes/client-node';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Namespace, PersistentVolumeClaim, Pod, Service, ServiceAccount } from 'kubernetes-models/v1';

type Model = new (data: never) => { validate(): void };

const MODELS: Record<string, [Model, string]> = {
  'v1/Pod': [Pod as unknown as Model, 'V1Pod'],
  'v1/Service': [Service as unknown as Model, 'V1Service'],
  'v1/ServiceAccount': [ServiceAccount as unknown as Model, 'V1ServiceAccount'],
  'v1/ConfigMap': [ConfigMap as unknown as Model, 'V1ConfigMap'],
  'v1/Namespace': [Namespace as unknown as Model, 'V1Namespace'],
  'v1/PersistentVolumeClaim': [PersistentVolumeClaim as unknown as Model, 'V1PersistentVolumeClaim'],
  'apps/v1/Deployment': [Deployment as unknown as Model, 'V1Deployment'],
  'apps/v1/StatefulSet': [StatefulSet as unknown as Model, 'V1StatefulSet'],
  'networking.k8s.io/v1/NetworkPolicy': [NetworkPolicy as unknown as Model, 'V1NetworkPolicy'],
  'networking.k8s.io/v1/Ingress': [Ingress as unknown as Model, 'V1Ingress'],
  'rbac.authorization.k8s.io/v1/Role': [Role as unknown as Model, 'V1Role'],
  'rbac.authorization.k8s.io/v1/RoleBinding': [RoleBinding as unknown as Model, 'V1RoleBinding'],
  'apiextensions.k8s.io/v1/CustomResourceDefinition': [CustomResourceDefinition as unknown as Model, 'V1CustomResourceDefinition'],
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

/** Everything wrong with an object by the Kubernetes schemas; empty when it is valid. */
export function schemaProblems(obj: Obj): string[] {
  const key = `${obj?.apiVersion}/${obj?.kind}`;
  const entry = MODELS[key];
  if (!entry) return [`no schema known for ${key}`];
  const [Cls, typeName] = entry;
  const problems: string[] = [];
  try {
    new Cls(obj as never).validate();
  } catch (e) {
    problems.push(`${key} ${obj?.metadata?.name}: ${(e as Error).message}`);
  }
  problems.push(...unknownFields(obj, typeName, obj?.kind ?? '?'));
  return problems;
}

function unknownFields(v: Obj, type: string, path: string): string[] {
  if (v === null || v === undefined) return [];
  const arr = /^Array<(.+)>$/.exec(type);
  if (arr) return Array.isArray(v) ? v.flatMap((x, i) => unknownFields(x, arr[1], `${path}[${i}]`)) : [`${path}: must be a list`];
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => unknownFields(x, map[1], `${path}.${k}`)) : [`${path}: must be a map`];
  const cls = (k8s as unknown as Record<string, { getAttributeTypeMap?: () => Array<{ baseName: string; type: string }> }>)[type];
  if (!cls?.getAttributeTypeMap) return [];
  if (typeof v !== 'object' || Array.isArray(v)) return [`${path}: must be an object (${type})`];
  const known = new Map(cls.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  return Object.entries(v).flatMap(([k, x]) => (known.has(k) ? unknownFields(x, known.get(k)!, `${path}.${k}`) : [`${path}.${k}: no such field in ${type}`]));
}
