/**
 * /openapi.json against the service itself: every route Hono serves is in the document
 * with its statuses and answer schemas, and real answers from a real stack (Redis,
 * coordinator, worker, processes) have documented statuses and validate against them.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { inject } from 'vitest';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATORS } from '../../generators/index.ts';
import { createApp } from '../../src/api/app.ts';
import { ROUTES } from '../../src/api/openapi/routes.ts';
import { DefinitionsStore } from '../../src/store/definitions-store.ts';
import { TriggerStore } from '../../src/store/trigger-store.ts';
import { flowDoc, shTask } from '../support/documents.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';

let svc: RunTestService;
let doc: any;
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
beforeAll(async () => {
  svc = await startRunService();
  doc = (await svc.call('GET', '/openapi.json')).body;
  ajv.addSchema(doc, 'openapi.json');
});
afterAll(async () => svc?.close());

/** Hono's `/v1/runs/:id/steps/:step{.+}/logs` as OpenAPI's `/v1/runs/{id}/steps/{step}/logs`. */
function openApiPath(hono: string): string {
  if (hono.startsWith('/schemas/')) return '/schemas/{kind}.json';
  if (hono === '/ui/*') return '/ui/{page}';
  return hono.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}').replace(/\/$/, '') || '/';
}

describe('/openapi.json', () => {
  it('has every route the service serves, each with a 2xx answer schema and its error statuses', () => {
    const redis = new Redis(inject('redisUrl'));
    const app = createApp({ defs: new DefinitionsStore(redis), triggers: new TriggerStore(redis), builtinRules: [], generators: GENERATORS, redis, maxBodyBytes: 1024, tokens: [] });
    void redis.quit();
    const served = app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`);
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect([...new Set(served)].sort()).toEqual([...documented].sort());
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>)) {
      for (const [m, op] of Object.entries(ops)) {
        const ok = Object.keys(op.responses).filter((s) => s.startsWith('2'));
        // A redirect (`/` to the web UI) has no body to describe.
        expect(ok.length + Object.keys(op.responses).filter((s) => s.startsWith('3')).length, `${m} ${p}`).toBeGreaterThan(0);
        for (const s of ok) expect(Object.values(op.responses[s].content ?? {})[0]?.schema, `${m} ${p} ${s}`).toBeDefined();
        if (p.startsWith('/v1/')) expect(Object.keys(op.responses), `${m} ${p}`).toEqual(expect.arrayContaining(['401', '503']));
      }
    }
    // The documents are typed, not `object`.
    expect(doc.components.schemas.Flow.properties.spec.properties.root).toEqual({ $ref: '#/components/schemas/FlowNode' });
    expect(doc.components.schemas.FlowNode.properties.fanOut).toBeDefined();
    expect(doc.paths['/v1/runs'].post.responses['202']).toBeDefined();
    expect(doc.paths['/v1/datasets'].post.responses).toHaveProperty('202');
  });

  it('answers validate against their documented schemas, with documented statuses', async () => {
    const seen = new Set<string>();
    const check = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
      const r = await svc.call(method, path, body, headers);
      const route = ROUTES.find((x) => x.method === method.toLowerCase() && new RegExp(`^${x.path.replace(/\{step\}/g, '.+').replace(/\{\w+\}/g, '[^/]+')}$`).test(path.split('?')[0]));
      expect(route, `${method} ${path}`).toBeDefined();
      const responses = doc.paths[route!.path][method.toLowerCase()].responses;
      expect(Object.keys(responses), `${method} ${path} answered ${r.status}: ${r.text.slice(0, 300)}`).toContain(String(r.status));
      const schema = responses[r.status].content?.['application/json'];
      // An answer that is not JSON (text, events, a file) must be documented as such.
      if (r.body === undefined || typeof r.body !== 'object') expect(Object.keys(responses[r.status].content ?? {}).some((t) => t !== 'application/json'), `${method} ${path}: not JSON`).toBe(true);
      else if (schema) {
        const pointer = `openapi.json#/paths/${route!.path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method.toLowerCase()}/responses/${r.status}/content/application~1json/schema`;
        const validate = ajv.getSchema(pointer) ?? ajv.compile({ $ref: pointer });
        expect(validate(r.body), `${method} ${path} ${r.status}: ${JSON.stringify(validate.errors)?.slice(0, 600)}`).toBe(true);
      }
      if (r.status < 300) seen.add(`${route!.method} ${route!.path}`);
      return r;
    };
    const flow = flowDoc({ sequence: [{ id: 'a', task: { ...shTask('echo hi > $STRATA_OUTPUTS/o'), outputs: ['o'] } }, { id: 'b', task: shTask('exit 1') }] }, 'oa');
    await check('POST', '/v1/flows', flow);
    await check('POST', '/v1/flows', flow);
    await check('POST', '/v1/flows', { kind: 'Flow' });
    await check('GET', '/v1/flows');
    await check('GET', '/v1/flows/oa');
    await check('GET', '/v1/flows/oa/1');
    await check('GET', '/v1/flows/oa/9');
    const ds = { apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'oa-ds', labels: { t: 'x' } }, spec: { shape: 'table', partitions: [1] } };
    await check('POST', '/v1/datasets?dryRun=true', ds);
    const ingested = await check('POST', '/v1/datasets?run=true', ds);
    await check('GET', '/v1/datasets');
    await check('GET', '/v1/datasets/oa-ds');
    await check('GET', '/v1/datasets/none');
    const rule = { apiVersion: 'strata/v1', kind: 'Rule', metadata: { name: 'oa-rule' }, spec: { priority: 1, when: false, emit: { generator: 'pipeline', with: { operations: [{ image: 'x' }] } } } };
    await check('POST', '/v1/rules', rule);
    await check('GET', '/v1/rules');
    await check('GET', '/v1/rules/oa-rule');
    await check('POST', '/v1/rules/explain', ds);
    await check('DELETE', '/v1/rules/oa-rule');
    await check('DELETE', '/v1/rules/builtin-fallback');
    await check('POST', '/v1/plans', flow);
    await check('POST', '/v1/plans?format=mermaid', flow);
    const started = await check('POST', '/v1/runs', { flow, labels: { k: 'v' } });
    await check('POST', '/v1/runs', { nope: 1 });
    const run = await svc.waitRun(started.body.runId);
    await svc.waitRun(ingested.body.runId);
    await check('GET', '/v1/runs?status=failed&selector=k%3Dv&limit=5');
    await check('GET', '/v1/runs?limit=5000');
    await check('GET', `/v1/runs/${run.id}`);
    await check('GET', '/v1/runs/none');
    await check('GET', `/v1/runs/${run.id}/events`);
    await check('GET', `/v1/runs/${run.id}/logs?step=a`);
    await check('GET', `/v1/runs/${run.id}/logs?step=nope`);
    await check('GET', `/v1/runs/${run.id}/plan`);
    await check('GET', `/v1/runs/${run.id}/progress`);
    await check('GET', `/v1/runs/${run.id}/steps?limit=2`);
    await check('GET', `/v1/runs/${run.id}?summary=true`);
    await check('GET', `/v1/runs/${run.id}/steps/a/logs`);
    await check('GET', `/v1/runs/${run.id}/steps/a/artifacts`);
    await check('GET', `/v1/runs/${run.id}/steps/a/artifacts/o`);
    await check('GET', `/v1/runs/${run.id}/steps/a/artifacts/x`);
    await check('POST', `/v1/runs/${run.id}/cancel`);
    const slow = await check('POST', '/v1/runs', { flow: flowDoc({ task: shTask('sleep 30') }, 'oa-slow') });
    await check('POST', `/v1/runs/${slow.body.runId}/cancel`);
    await check('DELETE', `/v1/runs/${slow.body.runId}`);
    await check('POST', `/v1/runs/${run.id}/retry`);
    await svc.waitRun(run.id);
    const again = await check('POST', `/v1/runs/${run.id}/resubmit`);
    await svc.waitRun(again.body.runId);
    await check('DELETE', `/v1/runs/${again.body.runId}`);
    await check('DELETE', '/v1/flows/oa/1');
    await check('POST', '/v1/flows', flowDoc({ task: shTask('true') }, 'oa2'));
    await check('DELETE', '/v1/flows/oa2');
    await check('GET', '/v1/generators');
    await check('POST', '/v1/flows', flowDoc({ task: shTask('true') }, 'oa3'));
    await check('POST', '/v1/schedules', { apiVersion: 'strata/v1', kind: 'Schedule', metadata: { name: 'oa-s' }, spec: { schedule: '0 3 * * *', use: 'oa3@1', suspend: true } });
    await check('GET', '/v1/schedules');
    await check('GET', '/v1/schedules/oa-s');
    await check('DELETE', '/v1/schedules/oa-s');
    const hook = await check('POST', '/v1/hooks', { apiVersion: 'strata/v1', kind: 'Hook', metadata: { name: 'oa-h' }, spec: { use: 'oa3@1' } });
    await check('GET', '/v1/hooks');
    await check('GET', '/v1/hooks/oa-h');
    const called = await check('POST', '/v1/hooks/oa-h', { x: 1 }, { authorization: `Bearer ${hook.body.token}` });
    await check('POST', '/v1/hooks/oa-h', { x: 1 });
    await svc.waitRun(called.body.runId);
    await check('DELETE', '/v1/hooks/oa-h');
    await check('GET', '/healthz');
    await check('GET', '/readyz');
    await check('GET', '/metrics');
    await check('GET', '/openapi.json');
    for (const k of ['Flow', 'Dataset', 'Rule', 'Schedule', 'Hook']) await check('GET', `/schemas/${k}.json`);
    await check('GET', '/schemas/Nope.json');
    await check('GET', '/ui/nope');
    // A page is answered when the UI is built (npm run build:ui); not built, 503 says so.
    const page = await check('GET', '/ui/runs');
    if (page.status !== 200) seen.add('get /ui/{page}');
    expect(ROUTES.map((r) => `${r.method} ${r.path}`).filter((r) => !seen.has(r) && !r.startsWith('get /ui') && r !== 'get /')).toEqual([]);
  });

  it('documents the statuses every route answers from its middleware: 403 for a foreign Origin, 400 for a repeated query parameter, 410 for a deleted run\'s key', async () => {
    const sample: Record<string, string> = { id: 'r0000000000', step: 'a', name: 'x', version: '1', kind: 'Flow', page: 'runs' };
    for (const r of ROUTES.filter((x) => x.path !== '/')) {
      const path = r.path.replace(/\{(\w+)\}/g, (_, k: string) => sample[k] ?? 'x');
      const documented = Object.keys(doc.paths[r.path][r.method].responses);
      const foreign = await svc.call(r.method.toUpperCase(), path, undefined, { origin: 'http://elsewhere.example' });
      expect(foreign.status, `${r.method} ${path} from another origin`).toBe(403);
      expect(documented, `${r.method} ${r.path}`).toContain('403');
      if (!r.path.startsWith('/v1/')) continue;
      const twice = await svc.call(r.method.toUpperCase(), `${path}?zz=1&zz=2`);
      expect(twice.status, `${r.method} ${path} with a repeated parameter`).toBe(400);
      expect(documented, `${r.method} ${r.path}`).toContain('400');
    }
    // Every route that takes an Idempotency-Key answers 410 once its run was deleted.
    const made = await svc.call('POST', '/v1/runs', { flow: flowDoc({ task: shTask('true') }, 'oa-gone') }, { 'idempotency-key': 'oa-gone-key' });
    await svc.waitRun(made.body.runId);
    await svc.call('DELETE', `/v1/runs/${made.body.runId}`);
    const gone = await svc.call('POST', '/v1/runs', { flow: flowDoc({ task: shTask('true') }, 'oa-gone') }, { 'idempotency-key': 'oa-gone-key' });
    expect(gone.status).toBe(410);
    for (const r of ROUTES.filter((x) => x.idempotent)) expect(Object.keys(doc.paths[r.path][r.method].responses), `${r.method} ${r.path}`).toContain('410');
  });

  it('publishes JSON Schemas that the examples validate against', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { parseAllDocuments } = await import('yaml');
    const schemas = new Map<string, ReturnType<Ajv2020['compile']>>();
    for (const k of ['Flow', 'Dataset', 'Rule']) schemas.set(k, new Ajv2020({ strict: false, validateFormats: false }).compile((await svc.call('GET', `/schemas/${k}.json`)).body));
    const files = ['examples/retail/dataset.yaml', 'examples/retail/rules.yaml', 'examples/retail/report-flow.yaml', ...readdirSync('examples/flows').map((f) => `examples/flows/${f}`)];
    let checked = 0;
    for (const f of files) {
      for (const d of parseAllDocuments(readFileSync(f, 'utf8')).map((x) => x.toJS())) {
        const v = schemas.get(d?.kind);
        if (!v) continue;
        expect(v(d), `${f}: ${JSON.stringify(v.errors)?.slice(0, 400)}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
    const flowSchema = schemas.get('Flow')!;
    expect(flowSchema({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'x', version: '1' }, spec: { root: { sequence: 'no' } } })).toBe(false);
  });
});
