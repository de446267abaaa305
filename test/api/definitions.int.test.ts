/**
 * The definitions side of the API through real HTTP and a real Redis: rules, explain,
 * flows and their versions, plans, datasets of every shape, composition, restart.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { usePrefixes, startTestService, type TestService } from '../support/test-service.ts';

const newPrefix = usePrefixes();

const read = (p: string) => parse(readFileSync(p, 'utf8'));
const flow = (name: string, version: string, root: unknown) => ({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name, version }, spec: { root } });
const task = (image = 'strata/echo') => ({ task: { image } });

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => {
  await svc?.close();
});

describe('rules', () => {
  it('registers, lists, reads and deletes a rule', async () => {
    const rule = read('examples/retail/rules.yaml');
    // The flow the rule uses first, as `strata apply` sends them: a rule naming an unknown flow is refused.
    expect((await svc.call('POST', '/v1/rules', rule)).status).toBe(404);
    await svc.call('POST', '/v1/flows', read('examples/retail/report-flow.yaml'));
    expect((await svc.call('POST', '/v1/rules', rule)).status).toBe(201);
    expect((await svc.call('POST', '/v1/rules', rule)).status).toBe(200);
    const list = await svc.call('GET', '/v1/rules');
    expect(list.body.rules.map((r: any) => r.metadata.name)).toContain('retail-hierarchy');
    expect(list.body.rules.find((r: any) => r.metadata.name === 'builtin-tree-hierarchy').builtin).toBe(true);
    expect((await svc.call('GET', '/v1/rules/retail-hierarchy')).body.spec.priority).toBe(100);
    const tmp = { ...rule, metadata: { name: 'temp-rule' } };
    await svc.call('POST', '/v1/rules', tmp);
    expect((await svc.call('DELETE', '/v1/rules/temp-rule')).status).toBe(200);
    expect((await svc.call('GET', '/v1/rules/temp-rule')).status).toBe(404);
    expect((await svc.call('DELETE', '/v1/rules/builtin-fallback')).status).toBe(409);
  });

  it.each([
    ['an unknown json-logic operator', { when: { nope: [1] } }, 'spec.when'],
    ['an unknown generator', { emit: { generator: 'nope' } }, 'spec.emit.generator'],
    ['a bad emitted node', { emit: { sequence: [] } }, 'spec.emit.sequence'],
  ])('rejects a rule with %s, naming the path', async (_d, patch, path) => {
    const rule = { apiVersion: 'strata/v1', kind: 'Rule', metadata: { name: 'bad' }, spec: { priority: 1, when: true, emit: { generator: 'pipeline' }, ...patch } };
    const r = await svc.call('POST', '/v1/rules', rule);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain(path);
    expect((await svc.call('GET', '/v1/rules/bad')).status).toBe(404);
  });

  it('explains every rule in the order tried, with the deciding part of when', async () => {
    const ds = read('examples/retail/dataset.yaml');
    await svc.call('POST', '/v1/flows', read('examples/retail/report-flow.yaml'));
    await svc.call('POST', '/v1/rules', read('examples/retail/rules.yaml'));
    const r = await svc.call('POST', '/v1/rules/explain', ds);
    expect(r.status).toBe(200);
    expect(r.body.rules[0]).toMatchObject({ name: 'retail-hierarchy', priority: 100, matched: true });
    const partitioned = r.body.rules.find((x: any) => x.name === 'builtin-partitioned');
    expect(partitioned.matched).toBe(false);
    expect(partitioned.reason).toContain('spec.when');
    expect(r.body.plan.kind).toBe('Plan');
    const other = await svc.call('POST', '/v1/rules/explain', { ...ds, metadata: { name: 'x', labels: { team: 'finance' } } });
    expect(other.body.rules[0].matched).toBe(false);
    expect(other.body.rules[0].reason).toContain('spec.when.and[1]');
    expect(other.body.rules[0].reason).toContain('finance');
  });
});

describe('flows', () => {
  it('registers versions immutably: same content is fine, other content is 409', async () => {
    const f1 = flow('unit-a', '1', { sequence: [task(), task()] });
    expect((await svc.call('POST', '/v1/flows', f1)).status).toBe(201);
    expect((await svc.call('POST', '/v1/flows', f1)).status).toBe(200);
    const changed = flow('unit-a', '1', { sequence: [task('other')] });
    const r = await svc.call('POST', '/v1/flows', changed);
    expect(r.status).toBe(409);
    expect((await svc.call('GET', '/v1/flows/unit-a/1')).body.spec.root).toEqual(f1.spec.root);
    expect((await svc.call('POST', '/v1/flows', flow('unit-a', '2', { sequence: [task('other')] }))).status).toBe(201);
    expect((await svc.call('GET', '/v1/flows/unit-a')).body.versions.map((v: any) => v.metadata.version)).toEqual(['1', '2']);
    expect((await svc.call('GET', '/v1/flows')).body.flows).toContainEqual({ name: 'unit-a', versions: ['1', '2'] });
  });

  it('nests units four levels deep and plans them with ids beneath each use', async () => {
    await svc.call('POST', '/v1/flows', flow('lvl-d', '1', { sequence: [{ id: 'leaf', task: { image: 'strata/echo' } }] }));
    await svc.call('POST', '/v1/flows', flow('lvl-c', '1', { sequence: [{ id: 'd', use: 'lvl-d@1' }] }));
    await svc.call('POST', '/v1/flows', flow('lvl-b', '1', { sequence: [{ id: 'c', use: 'lvl-c@1' }] }));
    expect((await svc.call('POST', '/v1/flows', flow('lvl-a', '1', { sequence: [{ id: 'b', use: 'lvl-b@1' }] }))).status).toBe(201);
    const r = await svc.call('POST', '/v1/plans?dryRun=true', { use: 'lvl-a@1' });
    expect(r.status).toBe(200);
    expect(r.body.order).toEqual([['b/c/d/leaf']]);
  });

  it('rejects a missing unit and a use cycle, naming the path, storing nothing', async () => {
    const missing = await svc.call('POST', '/v1/flows', flow('needs-x', '1', { sequence: [{ id: 'x', use: 'nope@1' }] }));
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('spec.root.sequence[0].use');
    const self = await svc.call('POST', '/v1/flows', flow('selfish', '1', { sequence: [{ id: 's', use: 'selfish@1' }] }));
    expect(self.status).toBe(422);
    expect(self.body.error.message).toContain('selfish@1 -> selfish@1');
    expect((await svc.call('GET', '/v1/flows/selfish')).status).toBe(404);
    expect((await svc.call('GET', '/v1/flows/needs-x')).status).toBe(404);
  });
});

describe('plans', () => {
  it('renders json, dot and mermaid', async () => {
    const f = flow('p', '1', { graph: { traversal: 'bfs', nodes: { a: task(), b: { ...task(), dependsOn: ['a'] } } } });
    const json = await svc.call('POST', '/v1/plans', f);
    expect(json.body.plan.graph.edges).toHaveLength(1);
    const dot = await svc.call('POST', '/v1/plans?format=dot', f);
    expect(dot.text).toMatch(/^digraph/);
    const mermaid = await svc.call('POST', '/v1/plans?format=mermaid', f);
    expect(mermaid.text).toMatch(/^flowchart TD/);
    expect((await svc.call('POST', '/v1/plans?format=svg', f)).status).toBe(400);
  });
});

describe('datasets', () => {
  it('turns the retail tree into a hierarchy: per-level operations, one small region per pod, the report unit after', async () => {
    await svc.call('POST', '/v1/flows', read('examples/retail/report-flow.yaml'));
    await svc.call('POST', '/v1/rules', read('examples/retail/rules.yaml'));
    const r = await svc.call('POST', '/v1/datasets?dryRun=true', read('examples/retail/dataset.yaml'));
    expect(r.status).toBe(200);
    expect(r.body.matchedRules[0]).toBe('retail-hierarchy');
    const nodes = new Map<string, any>(r.body.plan.graph.nodes.map((n: any) => [n.key, n.attributes]));
    expect(nodes.get('tree/us-west').kind).toBe('pod'); // 4 nodes <= threshold: one pod
    expect(nodes.get('tree/us-east').kind).toBe('task'); // 6 nodes: macro
    expect(nodes.get('tree/nyc').image).toBe('retail/store-sales');
    expect(nodes.get('tree/us').image).toBe('retail/rollup');
    expect(nodes.get('report').kind).toBe('use');
    const inside = nodes.get('tree/us-west').plan.nodes.map((n: any) => n.key);
    expect(inside).toEqual(['tree/us-west/us-west', 'tree/us-west/sf', 'tree/us-west/la', 'tree/us-west/sea']);
    const flat = r.body.order.flat();
    expect(flat.indexOf('tree/us')).toBeGreaterThan(flat.indexOf('tree/us-east'));
    expect(flat.indexOf('tree/world')).toBeGreaterThan(flat.indexOf('tree/us'));
    expect(flat[flat.length - 1]).toBe('report/publish');
  });

  it.each([
    ['table with partitions', { shape: 'table', partitions: ['p0', 'p1', 'p2'] }, ['map/0', 'map/1', 'map/2'], 'builtin-partitioned'],
    ['stream', { shape: 'stream', location: 'redis-stream://events' }, ['echo#0'], 'builtin-stream-ring'],
    ['files (fallback)', { shape: 'files', location: 'file:///data' }, ['describe'], 'builtin-fallback'],
    ['tree without a root (read first)', { shape: 'tree', location: 'file://examples/retail/data' }, ['read-tree'], 'builtin-tree-hierarchy'],
  ])('plans a %s dataset through the built-in rules', async (_d, spec, firstSteps, rule) => {
    const r = await svc.call('POST', '/v1/datasets?dryRun=true', { apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'ds-x' }, spec });
    expect(r.status).toBe(200);
    expect(r.body.matchedRules[0]).toBe(rule);
    expect(r.body.order[0]).toEqual(firstSteps);
  });

  it('honours traversal and pod-per-node placement from a user rule', async () => {
    const rule = { apiVersion: 'strata/v1', kind: 'Rule', metadata: { name: 'dfs-trees' }, spec: { priority: 50, when: { '==': [{ var: 'metadata.name' }, 'small-tree'] }, emit: { generator: 'hierarchy', with: { traversal: 'dfs', direction: 'down', operations: { default: { image: 'strata/echo' } } } } } };
    await svc.call('POST', '/v1/rules', rule);
    const ds = { apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'small-tree' }, spec: { shape: 'tree', root: { id: 'r', children: [{ id: 'a', children: [{ id: 'a1' }] }, { id: 'b' }] } } };
    const r = await svc.call('POST', '/v1/datasets?dryRun=true', ds);
    expect(r.body.order).toEqual([['r'], ['a'], ['a1'], ['b']]);
  });

  it('rejects a dataset whose rule gives a bad operation, naming it, storing nothing', async () => {
    const rule = { apiVersion: 'strata/v1', kind: 'Rule', metadata: { name: 'bad-op' }, spec: { priority: 60, when: { '==': [{ var: 'metadata.name' }, 'bad-op-tree'] }, emit: { generator: 'hierarchy', with: { operations: { default: { image: 'x', bogus: 1 } } } } } };
    // Written as it is, the operation is refused when the rule is registered (rules-plan.int.test.ts).
    const refused = await svc.call('POST', '/v1/rules', rule);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('spec.emit.with.operations.default');
    expect(refused.body.error.message).toContain('"bogus"');
    // One whose values are json-logic over the Dataset is known only at ingest: refused there.
    rule.spec.emit.with.operations.default.bogus = { var: 'metadata.name' } as unknown as number;
    expect((await svc.call('POST', '/v1/rules', rule)).status).toBe(201);
    const ds = { apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'bad-op-tree' }, spec: { shape: 'tree', root: { id: 'r', children: [{ id: 'a' }] } } };
    const r = await svc.call('POST', '/v1/datasets', ds);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('rule bad-op: with.operations');
    expect(r.body.error.message).toContain('"bogus"');
    expect((await svc.call('GET', '/v1/flows')).body.flows.map((f: any) => f.name)).not.toContain('bad-op-tree-plan');
  });

  it('registers the generated flow so a bigger system can use it', async () => {
    const ds = { apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'parts' }, spec: { shape: 'table', partitions: [1, 2] } };
    const r = await svc.call('POST', '/v1/datasets', ds);
    const ref = `${r.body.flow.name}@${r.body.flow.version}`;
    const bigger = flow('bigger', '1', { sequence: [{ id: 'sys', use: ref }, { id: 'after', task: { image: 'strata/echo' } }] });
    expect((await svc.call('POST', '/v1/flows', bigger)).status).toBe(201);
    const plan = await svc.call('POST', '/v1/plans?dryRun=true', { use: 'bigger@1' });
    expect(plan.body.order).toEqual([['sys/map/0', 'sys/map/1'], ['sys/reduce'], ['after']]);
  });
});

describe('restart', () => {
  it('keeps rules, flows and datasets across a restart of the service', async () => {
    const prefix = newPrefix('restart');
    const a = await startTestService({}, {}, prefix);
    await a.call('POST', '/v1/flows', read('examples/retail/report-flow.yaml'));
    await a.call('POST', '/v1/rules', read('examples/retail/rules.yaml'));
    await a.call('POST', '/v1/flows', flow('kept', '1', { sequence: [task()] }));
    await a.close();
    const b = await startTestService({}, {}, prefix);
    try {
      expect((await b.call('GET', '/v1/rules/retail-hierarchy')).status).toBe(200);
      expect((await b.call('GET', '/v1/flows/kept/1')).status).toBe(200);
    } finally {
      await b.close();
    }
  });
});

describe('service basics', () => {
  it('answers health, readiness, metrics and the OpenAPI document', async () => {
    expect((await svc.call('GET', '/healthz')).body.status).toBe('ok');
    expect((await svc.call('GET', '/readyz')).body.redis).toBe('ok');
    expect((await svc.call('GET', '/metrics')).text).toContain('strata_http_requests_total');
    const oa = await svc.call('GET', '/openapi.json');
    expect(Object.keys(oa.body.paths)).toContain('/v1/datasets');
  });

  it('rejects unknown content types and oversized bodies with 4xx JSON errors', async () => {
    expect((await svc.call('POST', '/v1/rules', 'x', { 'content-type': 'text/html' })).status).toBe(415);
    const small = await startTestService({ STRATA_MAX_BODY_BYTES: '1000' });
    try {
      const r = await small.call('POST', '/v1/flows', flow('big', '1', { sequence: Array.from({ length: 200 }, () => task()) }));
      expect(r.status).toBe(413);
      expect(r.body.error.code).toBe('too_large');
    } finally {
      await small.close();
    }
  });

  it('requires a bearer token when tokens are set', async () => {
    const secured = await startTestService({ STRATA_API_TOKENS: 'sekret-sekret-sekret,other-other-other' });
    try {
      expect((await secured.call('GET', '/v1/rules')).status).toBe(401);
      expect((await secured.call('GET', '/v1/rules', undefined, { authorization: 'Bearer wrong' })).status).toBe(401);
      expect((await secured.call('GET', '/v1/rules', undefined, { authorization: 'Bearer other-other-other' })).status).toBe(200);
      expect((await secured.call('GET', '/healthz')).status).toBe(200);
    } finally {
      await secured.close();
    }
  });
});
