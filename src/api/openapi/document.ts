/**
 * The OpenAPI 3.1 document, generated (with @hono/zod-openapi's registry) from the route
 * table and the zod schemas of requests and answers; the document kinds' schemas are the
 * ones served at /schemas/<Kind>.json. Built once per process.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { ID_KINDS, type IdKind } from '../ids.ts';
import { ANSWER_LISTS, ANSWERS } from './answers.ts';
import { DOCUMENTS, documentJsonSchema, type DocumentKind } from './documents.ts';
import { ROUTES, type Answer, type RouteSpec } from './routes.ts';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const NAMED: Record<string, z.ZodType> = { ...ANSWERS, ...ANSWER_LISTS };

function content(a: Answer): Record<string, unknown> | undefined {
  if (a === 'none') return undefined;
  if (a === 'text') return { 'text/plain': { schema: { type: 'string' } } };
  if (a === 'html') return { 'text/html': { schema: { type: 'string' } } };
  if (a === 'sse') return { 'text/event-stream': { schema: { type: 'string', description: 'events `step` and `run` (data: a step event as JSON), then `end`' } } };
  if (a === 'binary') return { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } };
  return { 'application/json': { schema: NAMED[a] } };
}

function requestBody(r: RouteSpec): Record<string, unknown> | undefined {
  if (!r.body) return undefined;
  const schema = r.body === 'RunRequest' ? ANSWERS.RunRequest : r.body === 'Params' ? { type: 'object', description: 'parameters for the hook\'s flow, or a Dataset for a dataset hook' } : ref(r.body);
  const yaml = r.body in DOCUMENTS ? { 'application/yaml': { schema } } : {};
  return { required: true, content: { 'application/json': { schema }, ...yaml } };
}

/**
 * A kind's JSON Schema as OpenAPI components: its nested definitions (`$defs`) hoisted to
 * components of their own, references rewritten to point there.
 */
function documentComponents(kind: DocumentKind): Record<string, unknown> {
  const { $defs, $schema, $id, ...top } = documentJsonSchema(kind) as Record<string, unknown> & { $defs?: Record<string, unknown> };
  void $schema;
  void $id;
  // A definition that is only a reference to another (zod's `__schema0` for a lazy node) is that other one.
  const alias = (d: string): string => {
    const s = $defs?.[d] as { $ref?: string } | undefined;
    return s && Object.keys(s).length === 1 && s.$ref?.startsWith('#/$defs/') ? alias(s.$ref.slice(8)) : d;
  };
  const rename = (d: string) => (alias(d) === 'FlowNode' ? 'FlowNode' : `${kind}_${alias(d)}`);
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === '$ref' && typeof x === 'string' && x.startsWith('#/$defs/') ? `#/components/schemas/${rename(x.slice(8))}` : rewrite(x)]));
    return v;
  };
  const out: Record<string, unknown> = { [kind]: rewrite(top) };
  for (const [d, s] of Object.entries($defs ?? {})) if (alias(d) === d) out[rename(d)] = rewrite(s);
  return out;
}

/** The form of each path parameter (src/api/ids.ts): a request whose parameter is not of it is a 404. */
const PARAM_KINDS: Record<string, IdKind> = { id: 'run', step: 'step', name: 'name', version: 'version' };

/** Routes without the API's bearer token (src/api/auth.ts): probes, and a hook's call (its own token). */
const OPEN = new Set(['get /healthz', 'get /readyz', 'post /v1/hooks/{name}']);

let built: Record<string, unknown> | undefined;

export function openApiDocument(): Record<string, unknown> {
  if (built) return built;
  const app = new OpenAPIHono();
  const reg = app.openAPIRegistry;
  for (const [name, schema] of Object.entries(NAMED)) reg.register(name, schema);
  reg.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  for (const r of ROUTES) {
    const names = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    const responses: Record<string, unknown> = {};
    for (const [status, a] of Object.entries(r.ok)) {
      const contents = Object.assign({}, ...[a!].flat().map(content));
      responses[status] = { description: ({ 201: 'Created', 202: 'Accepted', 302: 'Found: see Location' } as Record<string, string>)[status] ?? 'OK', ...(Object.keys(contents).length ? { content: contents } : {}) };
    }
    const errors = [...(r.errors ?? []), ...(r.path.startsWith('/v1/') ? [401, 503] : [])];
    for (const e of [...new Set(errors)].sort()) responses[e] = { description: e === 401 ? 'Missing or wrong bearer token' : e === 503 ? 'Redis unreachable, or no coordinator in this service' : 'Error', content: { 'application/json': { schema: ANSWERS.Error } } };
    reg.registerPath({
      method: r.method,
      path: r.path,
      summary: r.summary,
      request: {
        ...(names.length ? { params: z.object(Object.fromEntries(names.map((n) => [n, z.string()]))) } : {}),
        ...(r.query ? { query: r.query } : {}),
        ...(r.idempotent ? { headers: z.object({ 'Idempotency-Key': z.string().max(255).optional().describe('starts at most one run per key (kept 24 h); the same key with another request is refused 422') }) } : {}),
        ...(requestBody(r) ? { body: requestBody(r) as never } : {}),
      },
      responses: responses as never,
      ...(OPEN.has(`${r.method} ${r.path}`) || r.path.startsWith('/schemas/') || r.path === '/' || r.path.startsWith('/ui') ? { security: [] } : {}),
    });
  }
  const doc = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: { title: 'strata', version: '0.1.0', description: 'One flow language and one pattern engine for pods (macro) and containers (micro). Routes and answers: docs/operating.md.' },
    security: [{ bearer: [] }],
  }) as unknown as { components: { schemas: Record<string, unknown> } } & Record<string, unknown>;
  for (const kind of Object.keys(DOCUMENTS) as DocumentKind[]) Object.assign(doc.components.schemas, documentComponents(kind));
  built = doc;
  return doc;
}
