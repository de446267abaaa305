/** The operator's port over strata's real stores (real Redis, a real coordinator and worker). */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { operatorPort } from '../../src/app/operator-port.ts';
import { refused } from '../../runtime/kubernetes/operator/actions.ts';
import { loadConfig } from '../../src/app/config.ts';
import { openRedis, type RedisHandle } from '../../src/app/redis-connection.ts';
import { startRunParts, type RunParts } from '../../src/app/run-parts.ts';
import { GENERATOR_NAMES } from '../../generators/index.ts';
import { loadBuiltinRules, rulesInForce } from '../../src/store/builtin-rules.ts';
import { DefinitionsStore } from '../../src/store/definitions-store.ts';
import type { StrataPort } from '../../runtime/kubernetes/operator/strata-port.ts';
import { until } from '../support/processes.ts';
import { usePrefixes, testHome } from '../support/test-service.ts';

const newPrefix = usePrefixes();

const read = (p: string) => parse(readFileSync(p, 'utf8'));
let redis: RedisHandle;
let parts: RunParts;
let port: StrataPort;
let defs: DefinitionsStore;

beforeAll(async () => {
  const prefix = newPrefix('op');
  const config = loadConfig({ REDIS_URL: inject('redisUrl'), STRATA_PREFIX: prefix, STRATA_HOME: testHome(prefix), STRATA_IMAGE_MAP: 'examples/retail/images.json' });
  redis = await openRedis(config, () => {});
  const client = redis.connect();
  defs = new DefinitionsStore(client, `${prefix}:`);
  parts = await startRunParts(config, redis, defs, { coordinator: true, worker: true, graceMs: 500 });
  const builtin = loadBuiltinRules(GENERATOR_NAMES);
  port = operatorPort({ defs, rules: () => rulesInForce(defs, builtin), sys: parts.sys, coordinator: parts.coordinator!, redis: client, prefix });
});
afterAll(async () => {
  await parts?.close();
  await redis?.stop();
});

describe('operator port', () => {
  it('registers rules and flows, submits a dataset once per key, follows and cancels runs', async () => {
    await port.registerFlow(read('examples/retail/report-flow.yaml'));
    await expect(port.registerFlow({ ...read('examples/retail/report-flow.yaml'), spec: { root: { task: { image: 'other' } } } })).rejects.toMatchObject({ code: 'conflict' });
    await port.registerRule(read('examples/retail/rules.yaml'));
    expect(await defs.getRule('retail-hierarchy')).toBeDefined();
    const first = await port.submitDataset(read('examples/retail/dataset.yaml'), { key: 'uid-1/1' });
    const again = await port.submitDataset(read('examples/retail/dataset.yaml'), { key: 'uid-1/1' });
    expect(again.runId).toBe(first.runId);
    const done = await until('the run to end', async () => {
      const v = await port.getRun(first.runId);
      return v && v.status !== 'running' && v.status !== 'pending' ? v : undefined;
    }, 30_000);
    expect(done.status).toBe('succeeded');
    expect(done.steps['report/publish'].status).toBe('succeeded');
    await port.cancelRun(first.runId); // already ended: no error
    expect(await port.getRun('nope')).toBeUndefined();
    await port.removeRule('retail-hierarchy');
    expect(await defs.getRule('retail-hierarchy')).toBeUndefined();
  });

  it('refuses a bad rule with strata\'s reason', async () => {
    await expect(port.registerRule({ apiVersion: 'strata/v1', kind: 'Rule', metadata: { name: 'bad' }, spec: { when: { nope: 1 }, emit: { generator: 'pipeline' } } })).rejects.toMatchObject({ code: 'invalid_document' });
  });

  // As POST /v1/rules: a rule whose emitted node can never be planned, or uses a flow not registered, is not stored.
  it('refuses a rule whose emitted node can never be planned, naming the place; nothing stored', async () => {
    const task = { image: 'alpine', command: ['true'] };
    const rule = (name: string, emit: Record<string, unknown>) => ({ apiVersion: 'strata/v1' as const, kind: 'Rule' as const, metadata: { name }, spec: { when: true, emit } as unknown as Record<string, never> });
    await expect(port.registerRule(rule('never', { sequence: [{ id: 'a', task }, { id: 'fan', fanOut: { over: { var: 'results.list' }, do: { task } } }] }))).rejects.toMatchObject({ code: 'invalid_document', message: 'spec.emit.sequence[1].fanOut.over: results.list: no step "list"' });
    await expect(port.registerRule(rule('unknown-unit', { sequence: [{ id: 'u', use: 'nowhere@1' }] }))).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('spec.emit.sequence[0].use') });
    expect(await defs.getRule('never')).toBeUndefined();
    expect(await defs.getRule('unknown-unit')).toBeUndefined();
  });
});

describe('operator port: bad documents', () => {
  // What the CRDs' schemas let through (spec an object, anything in it) and strata refuses:
  // each must be refused with a code that answers 4xx, which the operator writes as Invalid
  // or Failed; anything else it takes for a fault that may pass, and tries again for ever.
  const doc = (kind: 'Rule' | 'Flow' | 'Dataset', spec: unknown, version?: string) => ({ apiVersion: 'strata/v1' as const, kind, metadata: { name: 'bad', ...(version ? { version } : {}) }, spec: spec as never });
  const cases: Array<[string, () => Promise<unknown>]> = [
    ['rule {}', () => port.registerRule(doc('Rule', {}))],
    ['rule emit []', () => port.registerRule(doc('Rule', { priority: 1, when: { '==': [1, 1] }, emit: [] }))],
    ['rule priority text', () => port.registerRule(doc('Rule', { priority: 'high', when: { '==': [1, 1] }, emit: { generator: 'hierarchy' } }))],
    ['flow {}', () => port.registerFlow(doc('Flow', {}, '1'))],
    ['flow no version', () => port.registerFlow(doc('Flow', { root: { task: { image: 'x' } } }))],
    ['flow root text', () => port.registerFlow(doc('Flow', { root: 'x' }, '1'))],
    ['flow root null', () => port.registerFlow(doc('Flow', { root: null }, '1'))],
    ['flow steps of nulls', () => port.registerFlow(doc('Flow', { root: { sequence: [null, 5] } }, '1'))],
    ['dataset {}', () => port.submitDataset(doc('Dataset', {}), { key: 'bad/1' })],
    ['dataset location 5', () => port.submitDataset(doc('Dataset', { location: 5, format: 'json' }), { key: 'bad/2' })],
    ['dataset ftp', () => port.submitDataset(doc('Dataset', { location: 'ftp://x/y', format: 'json', shape: 'tree' }), { key: 'bad/3' })],
  ];
  for (const [what, call] of cases) {
    it(`refuses ${what} with a 4xx code`, async () => {
      const e = await call().then(() => undefined, (x: unknown) => x);
      expect(e).toBeInstanceOf(Error);
      expect(refused(e)).toBe(true);
    });
  }
});
