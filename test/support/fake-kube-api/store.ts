/**
 * The stand-in API server's object store: objects by resource, namespace and name, one
 * resourceVersion counter, a history of changes for watches (compactable, to force the
 * 410 Gone a real server answers for an expired resourceVersion), generation bumps on
 * spec changes, finalizers, and owner-reference garbage collection.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KObj = any;
export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  kind: string;
  /** has a /status subresource: writes to the main resource leave status alone, and the other way round */
  status: boolean;
}

export const RESOURCES: ResourceType[] = [
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod', status: true },
  { group: '', version: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount', status: false },
  { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', status: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'roles', kind: 'Role', status: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'rolebindings', kind: 'RoleBinding', status: false },
  { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', status: true },
  { group: 'strata.dev', version: 'v1', plural: 'datasets', kind: 'Dataset', status: true },
  { group: 'strata.dev', version: 'v1', plural: 'rules', kind: 'Rule', status: true },
  { group: 'strata.dev', version: 'v1', plural: 'flows', kind: 'Flow', status: true },
];

export function resourceType(group: string, plural: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.group === group && r.plural === plural);
}

export class ApiError extends Error {
  constructor(readonly code: number, readonly reason: string, message: string) {
    super(message);
  }
}

export interface Change {
  rv: number;
  type: WatchType;
  res: ResourceType;
  obj: KObj;
}

/** Kubernetes' bound on an object's annotations, keys and values together (apimachinery's TotalAnnotationSizeLimitB). */
export const ANNOTATIONS_LIMIT_BYTES = 256 * 1024;

/**
 * An object whose annotations hold more than ANNOTATIONS_LIMIT_BYTES is refused, 422, in the
 * API server's words: apimachinery's ValidateAnnotations (pkg/api/validation/objectmeta.go)
 * sums len(key) + len(value), in bytes, over every annotation.
 */
function checkAnnotations(res: ResourceType, obj: KObj): void {
  const total = Object.entries((obj.metadata?.annotations ?? {}) as Record<string, string>).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
  if (total > ANNOTATIONS_LIMIT_BYTES) throw new ApiError(422, 'Invalid', `${res.kind} "${obj.metadata.name}" is invalid: metadata.annotations: Too long: must have at most ${ANNOTATIONS_LIMIT_BYTES} bytes`);
}

/** Kubernetes' bound on a ConfigMap's data, its values together (ValidateConfigMap: core.MaxSecretSize). */
export const CONFIGMAP_LIMIT_BYTES = 1024 * 1024;

/** A ConfigMap whose data holds more than CONFIGMAP_LIMIT_BYTES is refused, 422, in the API server's words (ValidateConfigMap sums len(value) over data and binaryData). */
function checkConfigMap(res: ResourceType, obj: KObj): void {
  if (res.plural !== 'configmaps') return;
  const total = [...Object.values(obj.data ?? {}), ...Object.values(obj.binaryData ?? {})].reduce((n: number, v) => n + Buffer.byteLength(String(v)), 0);
  if (total > CONFIGMAP_LIMIT_BYTES) throw new ApiError(422, 'Invalid', `ConfigMap "${obj.metadata.name}" is invalid: []: Too long: must have at most ${CONFIGMAP_LIMIT_BYTES} bytes`);
}

const keyOf = (res: ResourceType, ns: string, name: string) => `${res.group}/${res.plural}/${ns}/${name}`;

export class ObjectStore extends EventEmitter {
  private readonly objects = new Map<string, KObj>();
  private rv = 1;
  private history: Change[] = [];
  /** the oldest resourceVersion a watch may start from */
  private oldest = 1;

  currentRv(): number {
    return this.rv;
  }

  create(res: ResourceType, ns: string, body: KObj): KObj {
    const name = body?.metadata?.name;
    if (!name) throw new ApiError(422, 'Invalid', `${res.kind}: metadata.name is required`);
    const key = keyOf(res, ns, name);
    if (this.objects.has(key)) throw new ApiError(409, 'AlreadyExists', `${res.plural} "${name}" already exists`);
    const obj = structuredClone(body);
    obj.apiVersion = res.group ? `${res.group}/${res.version}` : res.version;
    obj.kind = res.kind;
    obj.metadata = { ...obj.metadata, namespace: ns, uid: randomUUID(), creationTimestamp: new Date().toISOString(), generation: 1 };
    checkAnnotations(res, obj);
    checkConfigMap(res, obj);
    return this.write(res, key, obj, 'ADDED');
  }

  find(res: ResourceType, ns: string, name: string): KObj | undefined {
    const o = this.objects.get(keyOf(res, ns, name));
    return o === undefined ? undefined : structuredClone(o);
  }

  get(res: ResourceType, ns: string, name: string): KObj {
    const o = this.find(res, ns, name);
    if (!o) throw new ApiError(404, 'NotFound', `${res.plural} "${name}" not found`);
    return o;
  }

  list(res: ResourceType, ns: string | undefined, match: (o: KObj) => boolean): { items: KObj[]; rv: number } {
    const prefix = `${res.group}/${res.plural}/`;
    const items = [...this.objects.entries()]
      .filter(([k, o]) => k.startsWith(prefix) && (ns === undefined || o.metadata.namespace === ns) && match(o))
      .map(([, o]) => structuredClone(o));
    return { items, rv: this.rv };
  }

  /**
   * Change an object. `part` says which part a write may touch: `main` keeps status as it
   * was (for resources with a status subresource), `status` keeps everything but status.
   */
  update(res: ResourceType, ns: string, name: string, change: (o: KObj) => KObj, part: 'main' | 'status' | 'all' = 'all'): KObj {
    const key = keyOf(res, ns, name);
    const before = this.objects.get(key);
    if (!before) throw new ApiError(404, 'NotFound', `${res.plural} "${name}" not found`);
    let next = change(structuredClone(before));
    next = { ...next, apiVersion: before.apiVersion, kind: before.kind };
    next.metadata = { ...next.metadata, name, namespace: ns, uid: before.metadata.uid, creationTimestamp: before.metadata.creationTimestamp, generation: before.metadata.generation };
    if (before.metadata.deletionTimestamp) next.metadata.deletionTimestamp = before.metadata.deletionTimestamp;
    if (res.status && part === 'main') next.status = before.status;
    if (part === 'status') next = { ...before, status: next.status };
    const specOf = (o: KObj) => JSON.stringify(Object.fromEntries(Object.entries(o).filter(([k]) => !['metadata', 'status'].includes(k))));
    if (specOf(next) !== specOf(before)) next.metadata.generation = before.metadata.generation + 1;
    if (JSON.stringify(next) === JSON.stringify(before)) return structuredClone(before);
    checkAnnotations(res, next);
    checkConfigMap(res, next);
    if (next.metadata.deletionTimestamp && !(next.metadata.finalizers?.length > 0) && res.plural !== 'pods') {
      this.remove(res, ns, name);
      return next;
    }
    return this.write(res, key, next, 'MODIFIED');
  }

  /** A delete request: objects with finalizers (and pods, which the kubelet stops first) get a deletionTimestamp. */
  requestDelete(res: ResourceType, ns: string, name: string): KObj {
    const o = this.get(res, ns, name);
    if (res.plural !== 'pods' && !(o.metadata.finalizers?.length > 0)) return this.remove(res, ns, name);
    if (o.metadata.deletionTimestamp) return o;
    o.metadata.deletionTimestamp = new Date().toISOString();
    const written = this.write(res, keyOf(res, ns, name), o, 'MODIFIED');
    this.emit('deleteRequested', res, written);
    return written;
  }

  /** Remove an object for good, and (background cascade) everything it owns. */
  remove(res: ResourceType, ns: string, name: string): KObj {
    const key = keyOf(res, ns, name);
    const o = this.objects.get(key);
    if (!o) throw new ApiError(404, 'NotFound', `${res.plural} "${name}" not found`);
    this.objects.delete(key);
    this.rv++;
    o.metadata.resourceVersion = String(this.rv);
    this.record({ rv: this.rv, type: 'DELETED', res, obj: o });
    for (const [k, dep] of [...this.objects.entries()]) {
      if ((dep.metadata.ownerReferences ?? []).some((r: { uid: string }) => r.uid === o.metadata.uid)) {
        const [group, plural] = k.split('/');
        const depRes = resourceType(group, plural)!;
        try {
          if (depRes.plural === 'pods') this.requestDelete(depRes, dep.metadata.namespace, dep.metadata.name);
          else this.remove(depRes, dep.metadata.namespace, dep.metadata.name);
        } catch {
          // gone meanwhile
        }
      }
    }
    return structuredClone(o);
  }

  /** Changes after `rv`, or 'gone' when the history no longer reaches back that far. */
  changesSince(rv: number): Change[] | 'gone' {
    if (rv + 1 < this.oldest) return 'gone';
    return this.history.filter((c) => c.rv > rv);
  }

  /** Forget the history: watches resuming from before now get 410 Gone. */
  compact(): void {
    this.history = [];
    this.oldest = this.rv + 1;
  }

  private write(res: ResourceType, key: string, obj: KObj, type: WatchType): KObj {
    this.rv++;
    obj.metadata.resourceVersion = String(this.rv);
    this.objects.set(key, obj);
    this.record({ rv: this.rv, type, res, obj: structuredClone(obj) });
    return structuredClone(obj);
  }

  private record(c: Change): void {
    this.history.push(c);
    this.emit('change', c);
  }
}
