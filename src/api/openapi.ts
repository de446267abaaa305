/** The API's OpenAPI 3.1 document, written once here and served at /openapi.json. */
import { ID_KINDS, type IdKind } from './ids.ts';

/** The form of each path parameter (ids.ts): a parameter of another form is answered 404. */
const PARAM_KINDS: Record<string, IdKind> = { id: 'run', step: 'step', name: 'name', version: 'version' };

type Op = { summary: string; body?: string; query?: string[]; ok: number; errors?: number[]; idempotent?: boolean };

const doc = (ref: string) => ({ $ref: `#/components/schemas/${ref}` });

const ROUTES: Record<string, Record<string, Op>> = {
  '/v1/datasets': { post: { summary: 'Ingest a Dataset: match rules, generate its flow and plan; ?dryRun adds the order, ?run starts a run (202)', body: 'Dataset', query: ['dryRun', 'run'], ok: 200, errors: [400, 413, 415, 422], idempotent: true } },
  '/v1/rules': { post: { summary: 'Register a generator rule', body: 'Rule', ok: 201, errors: [400, 413, 415] }, get: { summary: 'List rules (built-in and registered)', ok: 200 } },
  '/v1/rules/explain': { post: { summary: 'Every rule tried for a Dataset, matched or not and why, and the plan that would result', body: 'Dataset', ok: 200, errors: [400] } },
  '/v1/rules/{name}': { get: { summary: 'Read a rule', ok: 200, errors: [404] }, delete: { summary: 'Remove a rule', ok: 200, errors: [404, 409] } },
  '/v1/flows': { post: { summary: 'Register a flow version (immutable)', body: 'Flow', ok: 201, errors: [400, 409, 422] }, get: { summary: 'List flows and their versions', ok: 200 } },
  '/v1/flows/{name}': { get: { summary: 'Every version of a flow', ok: 200, errors: [404] } },
  '/v1/flows/{name}/{version}': { get: { summary: 'One flow version', ok: 200, errors: [404] } },
  '/v1/plans': { post: { summary: 'Compile a Flow or { use, with } into a plan; ?format=json|dot|mermaid, ?dryRun', body: 'Flow', query: ['format', 'dryRun'], ok: 200, errors: [400, 404, 422] } },
  '/v1/runs': { post: { summary: 'Start a run of { flow } or { use, with }', body: 'RunRequest', ok: 202, errors: [400, 422, 503], idempotent: true }, get: { summary: 'List runs', ok: 200 } },
  '/v1/runs/{id}': { get: { summary: 'A run: status and every step (macro and micro)', ok: 200, errors: [404] } },
  '/v1/runs/{id}/progress': { get: { summary: 'Steps of a run by status, and how many have ended', ok: 200, errors: [404] } },
  '/v1/runs/{id}/plan': { get: { summary: 'A run\'s plan as a graph (graphology export), with the unit each generate step expanded into', ok: 200, errors: [404] } },
  '/v1/runs/{id}/cancel': { post: { summary: 'Cancel a run', ok: 200, errors: [404, 409] } },
  '/v1/runs/{id}/events': { get: { summary: 'Server-sent events: step state changes as they happen', ok: 200, errors: [404] } },
  '/v1/runs/{id}/steps/{step}/logs': { get: { summary: 'A step\'s logs', ok: 200, errors: [404] } },
  '/healthz': { get: { summary: 'Liveness', ok: 200 } },
  '/readyz': { get: { summary: 'Readiness: Redis reachable', ok: 200, errors: [503] } },
  '/metrics': { get: { summary: 'Prometheus metrics', ok: 200 } },
};

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const [path, ops] of Object.entries(ROUTES)) {
    const item: Record<string, unknown> = {};
    for (const [method, op] of Object.entries(ops)) {
      const params: Array<Record<string, unknown>> = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string', pattern: ID_KINDS[PARAM_KINDS[m[1]]].pattern.source } }));
      for (const q of op.query ?? []) params.push({ name: q, in: 'query', required: false, schema: { type: 'string' } });
      if (op.idempotent) params.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 }, description: 'starts at most one run per key (kept 24 h); the same key with another request is refused 422' });
      const responses: Record<string, unknown> = { [op.ok]: { description: 'OK' } };
      for (const e of op.errors ?? []) responses[e] = { description: 'Error', content: { 'application/json': { schema: doc('Error') } } };
      if (path.startsWith('/v1/')) {
        const error = { content: { 'application/json': { schema: doc('Error') } } };
        responses[401] = { description: 'Missing or wrong bearer token', ...error };
        responses[403] = { description: 'Sent from a web page of another origin, or (without tokens) to a Host that is not a loopback name', ...error };
        responses[503] = { description: 'Redis is not reachable (see Retry-After)', headers: { 'Retry-After': { schema: { type: 'integer' } } }, ...error };
        if (op.body) responses[415] = { description: 'Content-Type is not JSON or YAML', ...error };
      }
      item[method] = {
        summary: op.summary,
        ...(params.length ? { parameters: params } : {}),
        ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: doc(op.body) }, 'application/yaml': { schema: doc(op.body) } } } } : {}),
        responses,
      };
    }
    paths[path] = item;
  }
  const document = (kind: string) => ({ type: 'object', required: ['apiVersion', 'kind', 'metadata', 'spec'], properties: { apiVersion: { const: 'strata/v1' }, kind: { const: kind }, metadata: { type: 'object' }, spec: { type: 'object' } } });
  return {
    openapi: '3.1.0',
    info: { title: 'strata', version: '0.1.0', description: 'One flow language and one pattern engine for pods (macro) and containers (micro).' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Dataset: document('Dataset'),
        Rule: document('Rule'),
        Flow: document('Flow'),
        RunRequest: { oneOf: [{ type: 'object', required: ['flow'], properties: { flow: doc('Flow') } }, { type: 'object', required: ['use'], properties: { use: { type: 'string' }, with: { type: 'object' } } }] },
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } } } } },
      },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
