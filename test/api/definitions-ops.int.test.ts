/** Definitions as an operator handles them: generators with their parameters, deleting flows and rules, outcome words. */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/test-service.ts';

const flow = (name: string, version: string, root: unknown) => ({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name, version }, spec: { root } });
const rule = (name: string, emit: unknown, priority = 5) => ({ apiVersion: 'strata/v1', kind: 'Rule', metadata: { name }, spec: { priority, when: false, emit } });

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => svc?.close());

describe('generators', () => {
  it('lists every generator with a description and its parameters as a JSON Schema that checks a rule\'s with', async () => {
    const r = await svc.call('GET', '/v1/generators');
    expect(r.status).toBe(200);
    expect(r.body.generators.map((g: { name: string }) => g.name)).toEqual(['hierarchy', 'partition', 'pipeline', 'stream']);
    const hierarchy = r.body.generators.find((g: { name: string }) => g.name === 'hierarchy');
    expect(hierarchy.description).toContain('tree');
    expect(hierarchy.parameters.properties.traversal).toMatchObject({ enum: ['dfs', 'bfs', 'dependency'], default: 'dependency' });
    const check = new Ajv2020({ strict: false }).compile(hierarchy.parameters);
    expect(check({ traversal: 'bfs', threshold: 4 })).toBe(true);
    expect(check({ traversal: 'sideways' })).toBe(false);
  });
});

describe('deleting definitions', () => {
  it('deletes a flow version no other flow or rule uses; refuses one in use, naming the users', async () => {
    const leaf = flow('lib', '1', { task: { image: 'strata/echo' } });
    expect((await svc.call('POST', '/v1/flows', leaf)).status).toBe(201);
    expect((await svc.call('POST', '/v1/flows', flow('app', '1', { sequence: [{ id: 'u', use: 'lib@1' }] }))).status).toBe(201);
    expect((await svc.call('POST', '/v1/rules', rule('uses-lib', { use: 'lib@1' }))).status).toBe(201);
    const refused = await svc.call('DELETE', '/v1/flows/lib/1');
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe('lib@1 cannot be deleted: used by flow app@1, rule uses-lib');
    expect((await svc.call('DELETE', '/v1/flows/app/1')).body).toEqual({ deleted: ['app@1'], outcome: 'deleted' });
    expect((await svc.call('DELETE', '/v1/rules/uses-lib')).body).toEqual({ deleted: 'uses-lib', outcome: 'deleted' });
    expect((await svc.call('DELETE', '/v1/flows/lib')).body).toEqual({ deleted: ['lib@1'], outcome: 'deleted' });
    expect((await svc.call('GET', '/v1/flows/lib')).status).toBe(404);
    expect((await svc.call('GET', '/v1/flows')).body.flows.map((f: { name: string }) => f.name)).not.toContain('lib');
    expect((await svc.call('DELETE', '/v1/flows/lib/1')).status).toBe(404);
  });

  it('says created, unchanged and updated for rules as for flows', async () => {
    const r = rule('words', { task: { image: 'strata/echo' } });
    const first = await svc.call('POST', '/v1/rules', r);
    expect([first.status, first.body.outcome]).toEqual([201, 'created']);
    const same = await svc.call('POST', '/v1/rules', r);
    expect([same.status, same.body.outcome]).toEqual([200, 'unchanged']);
    const changed = await svc.call('POST', '/v1/rules', rule('words', { task: { image: 'strata/echo' } }, 6));
    expect([changed.status, changed.body.outcome]).toEqual([200, 'updated']);
    const f = flow('worded', '1', { task: { image: 'strata/echo' } });
    expect((await svc.call('POST', '/v1/flows', f)).body.outcome).toBe('created');
    expect((await svc.call('POST', '/v1/flows', f)).body.outcome).toBe('unchanged');
  });
});
