/**
 * The OpenAPI 3.1 document, generated from the route table (routes.ts) and the zod schemas
 * of requests and answers (answers.ts, documents.ts) with zod's own JSON Schema output
 * (OpenAPI 3.1 schemas are JSON Schema 2020-12). The document kinds' schemas are the ones
 * served at /schemas/<Kind>.json. Built once per process.
 *
 * Why not a registry that extends zod (zod-to-openapi): it asks every schema for an
 * `.openapi()` method that only schemas made after the extension have, and our schemas
 * are made by modules loaded before it; zod 4 writes JSON Schema itself.
 */
import { z } from 'zod';
import { ID_KINDS, type IdKind } from '../ids.ts';
import { ANSWER_LISTS, ANSWERS } from './answers.ts';
import { DOCUMENTS, documentJsonSchema, type DocumentKind } from './documents.ts';
import { ROUTES, type Answer, type RouteSpec } from './routes.ts';

type Json = Record<string, unknown>;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const NAMED: Record<string, z.ZodType> = { ...ANSWERS, ...ANSWER_LISTS };

/** The form of each path parameter (src/api/ids.ts): a request whose parameter is not of it is a 404. */
const PARAM_KINDS: Record<string, IdKind> = { id: 'run', step: 'step', name: 'name', version: 'version' };

/** Routes without the API's bearer token (src/api/auth.ts): probes, and a hook's call (its own token). */
const OPEN = new Set(['get /healthz', 'get /readyz', 'post /v1/hooks/{name}']);

/**
 * A JSON Schema as OpenAPI components: nested definitions (`$defs`) hoisted to components
 * of their own (`<name>_<def>`; FlowNode keeps its name, it is shared), references
 * rewritten to point there; a definition that is only a reference is that reference.
 */
function asComponents(name: string, schema: Json): Json {
  const { $defs, $schema, $id, ...top } = schema as Json & { $defs?: Json };
  void $schema;
  void $id;
  const alias = (d: string): string => {
    const s = $defs?.[d] as { $ref?: string } | undefined;
    return s && Object.keys(s).length === 1 && s.$ref?.startsWith('#/$defs/') ? alias(s.$ref.slice(8)) : d;
  };
  const rename = (d: string) => (alias(d) === 'FlowNode' ? 'FlowNode' : `${name}_${alias(d)}`);
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === '$ref' && typeof x === 'string' && x.startsWith('#/$defs/') ? `#/components/schemas/${rename(x.slice(8))}` : rewrite(x)]));
    return v;
  };
  const out: Json = { [name]: rewrite(top) };
  for (const [d, s] of Object.entries($defs ?? {})) if (alias(d) === d) out[rename(d)] = rewrite(s);
  return out;
}

const jsonSchema = (s: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Json;

function content(a: Answer): Json {
  if (a === 'none') return {};
  if (a === 'text') return { 'text/plain': { schema: { type: 'string' } } };
  if (a === 'html') return { 'text/html': { schema: { type: 'string' } } };
  if (a === 'sse') return { 'text/event-stream': { schema: { type: 'string', description: 'events `step` and `run` (data: a step event as JSON), then `end`' } } };
  if (a === 'binary') return { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } };
  return { 'application/json': { schema: ref(a) } };
}

/** An Argo document as POST /v1/runs takes it as its body (docs/argo.md); its params go in `{ flow, params }`. */
const ARGO_BODY = {
  type: 'object',
  required: ['apiVersion', 'kind'],
  properties: { apiVersion: { type: 'string', pattern: '^argoproj\\.io/' }, kind: { type: 'string', enum: ['Workflow', 'WorkflowTemplate'] } },
  description: 'an Argo Workflow as it is (as argo submit sends it), or a WorkflowTemplate run from its entrypoint (docs/argo.md); to give it parameters, send { "flow": <the Workflow>, "params": { "x": "..." } } instead',
};

function requestBody(r: RouteSpec): Json | undefined {
  if (!r.body) return undefined;
  if (r.body === 'RunRequest') {
    const schema = { oneOf: [ref('RunRequest'), ARGO_BODY] };
    return { required: true, content: { 'application/json': { schema }, 'application/yaml': { schema } } };
  }
  const schema = r.body === 'Params' ? { type: 'object', description: 'parameters for the hook\'s flow, or a Dataset for a dataset hook' } : ref(r.body);
  const yaml = r.body in DOCUMENTS ? { 'application/yaml': { schema } } : {};
  return { required: true, content: { 'application/json': { schema }, ...yaml } };
}

function parameters(r: RouteSpec): Json[] {
  const out: Json[] = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string', ...(PARAM_KINDS[m[1]] ? { pattern: ID_KINDS[PARAM_KINDS[m[1]]].pattern.source } : {}) } }));
  for (const [name, s] of Object.entries(r.query?.shape ?? {})) {
    const { description, ...schema } = jsonSchema(s as z.ZodType, 'input');
    out.push({ name, in: 'query', required: !(s as z.ZodType).safeParse(undefined).success, schema, ...(description ? { description } : {}) });
  }
  if (r.idempotent) out.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 }, description: 'starts at most one run per key (kept 24 h); the same key with another request is refused 422; once the run was deleted or expired, 410 naming it (docs/api-safety.md)' });
  return out;
}

const ERROR_TEXT: Record<number, string> = {
  400: 'A bad request: body, query (a parameter given twice included) or header, with the place named',
  401: 'Missing or wrong bearer token',
  403: 'Refused: a Host that is not loopback without tokens, or a web page\'s Origin that is not allowed',
  404: 'Not found, or an id not of its form',
  409: 'Conflict with what is stored (in use, running, immutable)',
  410: 'The run this Idempotency-Key started was deleted',
  413: 'Body too large',
  415: 'Body not JSON or YAML',
  422: 'Understood but refused: a limit, a cycle, no rule matched, an Idempotency-Key reused',
  503: 'Redis unreachable, or no coordinator in this service',
};

function operation(r: RouteSpec): Json {
  const responses: Json = {};
  for (const [status, a] of Object.entries(r.ok)) {
    const contents = Object.assign({}, ...[a!].flat().map(content));
    responses[status] = { description: ({ 201: 'Created', 202: 'Accepted', 302: 'Found: see Location' } as Record<string, string>)[status] ?? 'OK', ...(Object.keys(contents).length ? { content: contents } : {}) };
  }
  // What the middleware answers on every route (origin-guard.ts: 403 for a foreign Host or
  // Origin) and on every /v1 route (auth.ts 401, query-params.ts 400, Redis away 503).
  const errors = [...new Set([...(r.errors ?? []), 403, ...(r.path.startsWith('/v1/') ? [400, 401, 503] : [])])].sort();
  for (const e of errors) responses[e] = { description: ERROR_TEXT[e] ?? 'Error', content: { 'application/json': { schema: ref('Error') } } };
  const params = parameters(r);
  return {
    summary: r.summary,
    ...(params.length ? { parameters: params } : {}),
    ...(requestBody(r) ? { requestBody: requestBody(r) } : {}),
    responses,
    ...(OPEN.has(`${r.method} ${r.path}`) || r.path.startsWith('/schemas/') || r.path === '/' || r.path.startsWith('/ui') ? { security: [] } : {}),
  };
}

let built: Json | undefined;

export function openApiDocument(): Json {
  if (built) return built;
  const schemas: Json = {};
  for (const [name, s] of Object.entries(NAMED)) Object.assign(schemas, asComponents(name, jsonSchema(s, name === 'RunRequest' ? 'input' : 'output')));
  for (const kind of Object.keys(DOCUMENTS) as DocumentKind[]) Object.assign(schemas, asComponents(kind, documentJsonSchema(kind)));
  const paths: Record<string, Json> = {};
  for (const r of ROUTES) (paths[r.path] ??= {})[r.method] = operation(r);
  built = {
    openapi: '3.1.0',
    info: { title: 'strata', version: '0.1.0', description: 'One flow language and one pattern engine for pods (macro) and containers (micro). Routes and answers: docs/operating.md.' },
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas },
    paths,
  };
  return built;
}
