/**
 * A stand-in Kubernetes API server for tests: node:http, JSON, the routes strata's
 * runtime, quarterback and operator use, for pods, pod logs, service accounts, roles,
 * role bindings, deployments and the strata.dev custom resources: create, get, list by
 * label or field selector, watch (chunked JSON events, resumable by resourceVersion,
 * 410 Gone once compacted), patch (merge, strategic, JSON), delete, /status, /log.
 * It authenticates by bearer token and can enforce RBAC (rbac.ts), and records every
 * request's verb and resource so tests can hold each component's calls against its Role.
 * A FakeKubelet (kubelet.ts) moves pods through their phases.
 *
 * It is NOT Kubernetes: no admission, no defaulting, no validation beyond names and
 * the annotations' total size (256 KiB, as apimachinery's ValidateAnnotations), no
 * ClusterRoles, no discovery. Tests that use it say so in their headers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { FakeKubelet } from './kubelet.ts';
import { LogBook } from './log-book.ts';
import { jsonPatch, mergePatch } from './patch.ts';
import { allows, type PolicyRule, type RequestAttrs } from './rbac.ts';
import { fieldSelector, labelSelector } from './selectors.ts';
import { ApiError, ObjectStore, resourceType, type Change, type KObj, type ResourceType } from './store.ts';

export interface RecordedRequest extends RequestAttrs {
  user: string;
  status: number;
}

export interface FakeKubeApiOptions {
  /** refuse requests that the caller's rules do not allow (default false: allow, but record) */
  enforceRbac?: boolean;
}

/** A fault the server answers a matching request with, in place of serving it (`failNext`). */
export type Fault =
  /** a Status error as the API server sends one (429 TooManyRequests, 503 ServiceUnavailable, 422 Invalid, ...) */
  | { code: number; reason: string; message: string }
  /** the connection is closed under the request, as a restarting API server or a proxy does (a reset) */
  | 'reset';

interface Route {
  res: ResourceType;
  ns: string | undefined;
  name?: string;
  sub?: string;
}

export class FakeKubeApi {
  readonly store = new ObjectStore();
  readonly logs = new LogBook();
  readonly kubelet: FakeKubelet;
  readonly requests: RecordedRequest[] = [];
  private readonly users = new Map<string, PolicyRule[] | 'all'>();
  private readonly watches = new Set<ServerResponse>();
  private readonly faults: Array<{ verb: string; resource: string; fault: Fault; left: number; user?: string }> = [];
  private readonly holds: Array<{ verb: string; resource: string; answered: () => void; released: Promise<void> }> = [];
  private readonly delays: Array<{ verb: string; resource: string; arrived: () => void; released: Promise<void> }> = [];
  private server: Server | undefined;
  private enforce: boolean;
  url = '';

  constructor(opts: FakeKubeApiOptions = {}) {
    this.enforce = opts.enforceRbac ?? false;
    this.users.set('admin', 'all');
    this.kubelet = new FakeKubelet(this.store, this.logs);
    this.kubelet.dropWatches = (compact) => this.dropWatches({ compact });
  }

  /** A user (bearer token) with these rules; service accounts (`system:serviceaccount:NS:NAME`) get theirs from RoleBindings. */
  addUser(token: string, rules: PolicyRule[] | 'all'): void {
    this.users.set(token, rules);
  }

  setEnforceRbac(on: boolean): void {
    this.enforce = on;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.kubelet.apiUrl = this.url;
    return this.url;
  }

  async stop(): Promise<void> {
    await this.kubelet.stopAll();
    for (const w of this.watches) w.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** client-node config for this server, authenticating with `token`. */
  kubeConfig(token = 'admin', namespace = 'default'): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromString(this.kubeconfigYaml(token, namespace));
    return kc;
  }

  /** A kubeconfig file's text for this server. */
  kubeconfigYaml(token = 'admin', namespace = 'default'): string {
    return stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'fake',
      // Plain HTTP on loopback: client-node accepts it only with TLS verification off.
      clusters: [{ name: 'fake', cluster: { server: this.url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { token } }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'u', namespace } }],
    });
  }

  /** Answer the next `times` requests of `verb` on `resource` (`create`, `pods`) with `fault` instead of serving them (recorded with status 0 for a reset); `user`: only requests with that token (kubeConfig's). */
  failNext(verb: string, resource: string, fault: Fault, times = 1, user?: string): void {
    this.faults.push({ verb, resource, fault, left: times, ...(user !== undefined ? { user } : {}) });
  }

  /**
   * Hold the answer to the next request of `verb` on `resource` (`list`, `pods`): it is
   * served from the store as it is when the request arrives, and sent only on `release()`
   * (a slow list, whose snapshot is older than what happens while it travels).
   * `answered` resolves once the answer is made and held.
   */
  holdNext(verb: string, resource: string): { answered: Promise<void>; release: () => void } {
    const g = gates();
    this.holds.push({ verb, resource, answered: g.signal, released: g.released });
    return { answered: g.signalled, release: g.release };
  }

  /**
   * Hold the next request of `verb` on `resource` (`create`, `pods`) before it is served:
   * the store sees it only on `release()` (a request slow on its way, which others overtake).
   * `arrived` resolves once the request is in and held.
   */
  delayNext(verb: string, resource: string): { arrived: Promise<void>; release: () => void } {
    const g = gates();
    this.delays.push({ verb, resource, arrived: g.signal, released: g.released });
    return { arrived: g.signalled, release: g.release };
  }

  /** Forget the faults `failNext` planned and no request has met yet. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Close every open watch, as a restarting API server or a broken connection would; `compact` also expires their resourceVersions. */
  dropWatches(opts: { compact?: boolean } = {}): void {
    if (opts.compact) this.store.compact();
    for (const w of this.watches) w.end();
    this.watches.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    let attrs: RequestAttrs | undefined;
    try {
      const route = parseRoute(url.pathname);
      attrs = requestAttrs(req.method ?? 'GET', route, url);
      if (!this.authorized(token, attrs)) throw new ApiError(403, 'Forbidden', `${token || 'anonymous'} cannot ${attrs.verb} ${attrs.resource}${attrs.name ? ` ${attrs.name}` : ''}`);
      const planned = this.faults.find((f) => f.left > 0 && f.verb === attrs!.verb && f.resource === attrs!.resource && (f.user === undefined || f.user === token));
      if (planned) {
        planned.left--;
        if (planned.fault === 'reset') {
          this.requests.push({ ...attrs, user: token, status: 0 });
          req.socket.destroy();
          return;
        }
        throw new ApiError(planned.fault.code, planned.fault.reason, planned.fault.message);
      }
      const delayed = this.delays.findIndex((d) => d.verb === attrs!.verb && d.resource === attrs!.resource);
      if (delayed >= 0) {
        const delay = this.delays.splice(delayed, 1)[0];
        delay.arrived();
        await delay.released;
      }
      const held = this.holds.findIndex((h) => h.verb === attrs!.verb && h.resource === attrs!.resource);
      if (held >= 0) {
        const hold = this.holds.splice(held, 1)[0];
        const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
        res.end = ((...args: unknown[]) => {
          hold.answered();
          void hold.released.then(() => end(...args));
          return res;
        }) as typeof res.end;
      }
      const body = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method ?? '') ? await readBody(req) : undefined;
      const status = await this.dispatch(req, res, route, url, body);
      this.requests.push({ ...attrs, user: token, status });
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(500, 'InternalError', (e as Error).message);
      if (attrs) this.requests.push({ ...attrs, user: token, status: err.code });
      sendJson(res, err.code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: err.message, reason: err.reason, code: err.code });
    }
  }

  private authorized(token: string, a: RequestAttrs): boolean {
    if (!this.enforce) return true;
    const rules = this.users.get(token) ?? this.serviceAccountRules(token);
    return rules === 'all' || allows(rules, a);
  }

  private serviceAccountRules(token: string): PolicyRule[] {
    const m = /^system:serviceaccount:([^:]+):(.+)$/.exec(token);
    if (!m) return [];
    const [, ns, name] = m;
    const bindings = this.store.list(resourceType('rbac.authorization.k8s.io', 'rolebindings')!, ns, () => true).items;
    const roles = resourceType('rbac.authorization.k8s.io', 'roles')!;
    return bindings
      .filter((b: KObj) => (b.subjects ?? []).some((s: KObj) => s.kind === 'ServiceAccount' && s.name === name && (s.namespace ?? ns) === ns))
      .flatMap((b: KObj) => this.store.find(roles, ns, b.roleRef.name)?.rules ?? []);
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse, r: Route, url: URL, body: unknown): Promise<number> {
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    if (r.name === undefined) {
      if (method === 'GET' && q.get('watch') === 'true') return this.watch(res, r, q);
      if (method === 'GET') {
        const label = labelSelector(q.get('labelSelector'));
        const field = fieldSelector(q.get('fieldSelector'));
        const { items, rv } = this.store.list(r.res, r.ns, (o) => label(o) && field(o));
        return sendJson(res, 200, { apiVersion: r.res.group ? `${r.res.group}/${r.res.version}` : r.res.version, kind: `${r.res.kind}List`, metadata: { resourceVersion: String(rv) }, items });
      }
      if (method === 'POST') return sendJson(res, 201, this.store.create(r.res, r.ns!, body));
      throw new ApiError(405, 'MethodNotAllowed', `${method} on a collection`);
    }
    const ns = r.ns!;
    if (r.sub === 'log' && r.res.plural === 'pods') {
      const pod = this.store.get(r.res, ns, r.name);
      const container = q.get('container') ?? pod.spec.containers[0].name;
      if (!this.logs.serve(res, ns, r.name, container, q.get('follow') === 'true', q.get('previous') === 'true')) {
        throw new ApiError(400, 'BadRequest', `container "${container}" in pod "${r.name}" is waiting to start`);
      }
      return 200;
    }
    const part = r.sub === 'status' ? 'status' : 'main';
    switch (method) {
      case 'GET':
        return sendJson(res, 200, this.store.get(r.res, ns, r.name));
      case 'PATCH': {
        const type = String(req.headers['content-type'] ?? '').split(';')[0];
        const current = this.store.get(r.res, ns, r.name);
        const wanted = (body as KObj)?.metadata?.resourceVersion;
        if (type !== 'application/json-patch+json' && wanted !== undefined && wanted !== current.metadata.resourceVersion) {
          throw new ApiError(409, 'Conflict', `the object has been modified; please apply your changes to the latest version`);
        }
        const apply = (o: KObj): KObj => {
          if (type === 'application/json-patch+json') return jsonPatch(o, body as never);
          if (type === 'application/merge-patch+json') return mergePatch(o, body);
          if (type === 'application/strategic-merge-patch+json') return mergePatch(o, body, true);
          throw new ApiError(415, 'UnsupportedMediaType', `patch type ${type} is not supported`);
        };
        // A patch that names another uid (a precondition: the object it meant was deleted and
        // made again under its name) is refused as the API server's validation refuses it:
        // metadata.uid is immutable (ValidateObjectMetaUpdate), 422 Invalid.
        const patched = apply(structuredClone(current));
        const uid = patched?.metadata?.uid;
        if (uid !== undefined && uid !== current.metadata.uid) throw new ApiError(422, 'Invalid', `${r.res.kind} "${r.name}" is invalid: metadata.uid: Invalid value: "${uid}": field is immutable`);
        return sendJson(res, 200, this.store.update(r.res, ns, r.name, apply, part));
      }
      case 'PUT':
        return sendJson(res, 200, this.store.update(r.res, ns, r.name, () => body, part));
      case 'DELETE': {
        // DeleteOptions' preconditions, as the API server checks them (storage.Preconditions.Check): 409 Conflict.
        const pre = (body as KObj)?.preconditions;
        const current = this.store.get(r.res, ns, r.name);
        if (pre?.uid && pre.uid !== current.metadata.uid) throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${r.res.plural} "${r.name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
        if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${r.res.plural} "${r.name}": Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`);
        return sendJson(res, 200, this.store.requestDelete(r.res, ns, r.name));
      }
      default:
        throw new ApiError(405, 'MethodNotAllowed', method);
    }
  }

  private watch(res: ServerResponse, r: Route, q: URLSearchParams): number {
    const label = labelSelector(q.get('labelSelector'));
    const field = fieldSelector(q.get('fieldSelector'));
    const matches = (c: Change) => c.res === r.res && (r.ns === undefined || c.obj.metadata.namespace === r.ns) && label(c.obj) && field(c.obj);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    const send = (type: string, object: unknown) => {
      if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
    };
    const rv = Number(q.get('resourceVersion') ?? '0');
    if (rv > 0) {
      const since = this.store.changesSince(rv);
      if (since === 'gone') {
        send('ERROR', { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410, message: `too old resource version: ${rv}` });
        res.end();
        return 200;
      }
      for (const c of since) if (matches(c)) send(c.type, c.obj);
    } else {
      for (const o of this.store.list(r.res, r.ns, (o) => label(o) && field(o)).items) send('ADDED', o);
    }
    const listener = (c: Change) => {
      if (matches(c)) send(c.type, c.obj);
    };
    this.store.on('change', listener);
    this.watches.add(res);
    res.on('close', () => {
      this.store.off('change', listener);
      this.watches.delete(res);
    });
    return 200;
  }
}

function parseRoute(path: string): Route {
  const p = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group = '';
  let rest: string[];
  if (p[0] === 'api' && p[1] === 'v1') rest = p.slice(2);
  else if (p[0] === 'apis' && p.length >= 3) {
    group = p[1];
    rest = p.slice(3);
  } else throw new ApiError(404, 'NotFound', `no route ${path}`);
  let ns: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    ns = rest[1];
    rest = rest.slice(2);
  }
  const res = resourceType(group, rest[0]);
  if (!res) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${path})`);
  if (rest.length > 1 && ns === undefined) throw new ApiError(404, 'NotFound', `namespaced resource without a namespace: ${path}`);
  return { res, ns, ...(rest[1] !== undefined ? { name: rest[1] } : {}), ...(rest[2] !== undefined ? { sub: rest[2] } : {}) };
}

/** A request's two moments a test waits on (holdNext, delayNext): `signal` resolves `signalled`, `release` resolves `released`. */
function gates(): { signal: () => void; signalled: Promise<void>; release: () => void; released: Promise<void> } {
  let signal!: () => void;
  let release!: () => void;
  const signalled = new Promise<void>((r) => (signal = r));
  const released = new Promise<void>((r) => (release = r));
  return { signal, signalled, release, released };
}

function requestAttrs(method: string, r: Route, url: URL): RequestAttrs {
  const q = url.searchParams;
  let verb: string;
  if (r.name === undefined) {
    verb = method === 'GET' ? (q.get('watch') === 'true' ? 'watch' : 'list') : method === 'POST' ? 'create' : method === 'DELETE' ? 'deletecollection' : method.toLowerCase();
  } else {
    verb = ({ GET: 'get', PATCH: 'patch', PUT: 'update', DELETE: 'delete' } as Record<string, string>)[method] ?? method.toLowerCase();
  }
  let name = r.name;
  const byName = /^metadata\.name=(.+)$/.exec(q.get('fieldSelector') ?? '');
  if (name === undefined && byName) name = byName[1];
  return { verb, group: r.res.group, resource: r.sub ? `${r.res.plural}/${r.sub}` : r.res.plural, ...(name !== undefined ? { name } : {}), ...(r.ns !== undefined ? { namespace: r.ns } : {}) };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'BadRequest', 'the body is not JSON');
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): number {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
  return status;
}
