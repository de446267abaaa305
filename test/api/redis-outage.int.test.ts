/**
 * Issue 13, fault 4: while Redis is down (killed) or frozen (SIGSTOP: the connection stays
 * open and nothing answers), every route answers 503 with a sentence and `Retry-After`
 * instead of waiting for Redis; an open event stream waits the outage out; a client that retries a start
 * under one Idempotency-Key gets one run.
 *
 * Each request is given a liveness limit (LIMIT_MS): without the fix the runs routes wait
 * for Redis for as long as it is away, so they would never answer here. The limit is not
 * a speed figure; it only turns "hangs" into a failure instead of a test timeout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { startRunParts } from '../../src/app/run-parts.ts';
import { startService, type Service } from '../../src/app/service.ts';
import { startRedisServer, type RedisServer } from '../../src/store/redis-server.ts';
import { until } from '../support/processes.ts';

const LIMIT_MS = 15_000;
const flow = (name: string) => ({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name, version: '1' }, spec: { root: { sequence: [{ id: 'a', task: { image: 'strata/echo' } }] } } });
const dataset = { apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'parts' }, spec: { shape: 'table', partitions: [1, 2] } };

let dir: string;
let redis: RedisServer;
let svc: Service;
let runId: string;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(svc.url + path, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(LIMIT_MS),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Every route that needs Redis, as a request. */
const routes = (): Array<[string, string, unknown?, Record<string, string>?]> => [
  ['GET', '/v1/runs'],
  ['GET', `/v1/runs/${runId}`],
  ['POST', '/v1/runs', { flow: flow('during') }],
  ['POST', '/v1/runs', { use: 'kept@1' }],
  ['POST', `/v1/runs/${runId}/cancel`],
  ['GET', `/v1/runs/${runId}/events`],
  ['GET', `/v1/runs/${runId}/steps/a/logs`],
  ['GET', '/v1/rules'],
  ['GET', '/v1/rules/builtin-fallback'],
  ['POST', '/v1/rules', { apiVersion: 'strata/v1', kind: 'Rule', metadata: { name: 'r' }, spec: { when: true, emit: { generator: 'pipeline' } } }],
  ['DELETE', '/v1/rules/r'],
  ['POST', '/v1/rules/explain', dataset],
  ['GET', '/v1/flows'],
  ['GET', '/v1/flows/kept'],
  ['GET', '/v1/flows/kept/1'],
  ['POST', '/v1/flows', flow('other')],
  ['POST', '/v1/plans', { use: 'kept@1' }],
  ['POST', '/v1/datasets', dataset],
  ['POST', '/v1/datasets?run=true', dataset],
  ['GET', '/metrics'],
  ['GET', '/v1/runs?status=running'],
  ['GET', `/v1/runs/${runId}/plan`],
  ['GET', `/v1/runs/${runId}/progress`],
  ['POST', `/v1/runs/${runId}/retry`],
  ['POST', `/v1/runs/${runId}/resubmit`],
  ['DELETE', `/v1/runs/${runId}`],
  ['GET', `/v1/runs/${runId}/steps/a/artifacts`],
  ['GET', `/v1/runs/${runId}/steps/a/artifacts/out.txt`],
  ['GET', '/v1/datasets'],
  ['GET', '/v1/datasets/parts'],
  ['DELETE', '/v1/flows/other'],
  ['POST', '/v1/schedules', { apiVersion: 'strata/v1', kind: 'Schedule', metadata: { name: 's' }, spec: { schedule: '0 3 * * *', use: 'kept@1' } }],
  ['GET', '/v1/schedules'],
  ['GET', '/v1/schedules/s'],
  ['DELETE', '/v1/schedules/s'],
  ['POST', '/v1/hooks', { apiVersion: 'strata/v1', kind: 'Hook', metadata: { name: 'h' }, spec: { use: 'kept@1' } }],
  ['GET', '/v1/hooks'],
  ['GET', '/v1/hooks/h'],
  ['DELETE', '/v1/hooks/h'],
  ['POST', '/v1/hooks/h', { x: 1 }, { authorization: 'Bearer sometoken' }],
];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'strata-outage-'));
  redis = await startRedisServer({ dir: join(dir, 'redis'), persist: true });
  // A short Redis command timeout, so the frozen case is quick to see.
  const config = loadConfig({ PORT: '0', REDIS_URL: redis.url, STRATA_PREFIX: 'outage', STRATA_HOME: join(dir, 'home'), STRATA_REDIS_TIMEOUT_MS: '1000' });
  svc = await startService(config, () => {}, {
    runs: async (r, defs, builtinRules) => {
      const parts = await startRunParts(config, r, defs, { coordinator: true, worker: false, builtinRules, graceMs: 500 });
      return { port: parts.port!, queueMetrics: parts.queueMetrics, close: () => parts.close() };
    },
  });
  expect((await call('POST', '/v1/flows', flow('kept'))).status).toBe(201);
  const started = await call('POST', '/v1/runs', { use: 'kept@1' });
  expect(started.status).toBe(202);
  runId = started.body.runId;
});

afterAll(async () => {
  await svc?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Bring Redis back on the same port with the same data. */
async function restart(): Promise<void> {
  redis = await startRedisServer({ dir: join(dir, 'redis'), port: redis.port, persist: true });
  await until('the API to reach Redis again', async () => (await call('GET', '/v1/rules')).status === 200 && (await call('GET', '/v1/runs')).status === 200, LIMIT_MS);
}

function expect503(what: string, r: { status: number; body: any; headers: Headers }): void {
  expect(r.status, `${what}: ${JSON.stringify(r.body).slice(0, 300)}`).toBe(503);
  expect(r.body.error.code, what).toBe('unavailable');
  expect(r.body.error.message, what).toMatch(/Redis/);
  expect(Number(r.headers.get('retry-after')), `${what}: Retry-After`).toBeGreaterThan(0);
}

describe('Redis killed', () => {
  it('answers 503 with Retry-After on every route that needs Redis; health stays up, readiness goes down', async () => {
    await redis.stop();
    for (const [method, path, body, headers] of routes()) expect503(`${method} ${path}`, await call(method, path, body, headers));
    expect((await call('GET', '/healthz')).status).toBe(200);
    expect((await call('GET', '/readyz')).status).toBe(503);
    await restart();
  });

  it('keeps an open event stream through the outage and goes on when Redis is back', async () => {
    const res = await fetch(`${svc.url}/v1/runs/${runId}/events`, { signal: AbortSignal.timeout(LIMIT_MS * 2) });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = new TextDecoder().decode((await reader.read()).value); // the stream is open
    await redis.stop();
    await restart();
    expect((await call('POST', `/v1/runs/${runId}/cancel`)).status).toBe(200);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain('"status":"cancelled"');
    expect(text).toContain('event: end');
  });

  it('makes one run of a start retried under one Idempotency-Key across the outage', async () => {
    const before = (await call('GET', '/v1/runs')).body.runs.length;
    const headers = { 'idempotency-key': 'outage-retry-1' };
    await redis.stop();
    for (let i = 0; i < 3; i++) expect503('retried start', await call('POST', '/v1/runs', { use: 'kept@1' }, headers));
    await restart();
    // The client goes on retrying as Retry-After says, until its start is accepted.
    const first = await until('the start to be accepted', async () => {
      const r = await call('POST', '/v1/runs', { use: 'kept@1' }, headers);
      return r.status === 503 ? undefined : r;
    }, LIMIT_MS);
    expect(first.status).toBe(202);
    const again = await Promise.all([1, 2, 3].map(() => call('POST', '/v1/runs', { use: 'kept@1' }, headers)));
    for (const r of again) {
      expect(r.status).toBe(202);
      expect(r.body.runId).toBe(first.body.runId);
      expect(r.headers.get('idempotent-replayed')).toBe('true');
    }
    expect((await call('GET', '/v1/runs')).body.runs.length).toBe(before + 1);
  });
});

describe('Redis frozen (SIGSTOP: connected, never answering)', () => {
  it('answers 503 with Retry-After instead of waiting', async () => {
    redis.process.kill('SIGSTOP');
    try {
      // All at once: each waits out the command timeout, one after another they would take the routes' count of it.
      const answers = await Promise.all(routes().map(async ([method, path, body, headers]) => [`${method} ${path}`, await call(method, path, body, headers)] as const));
      for (const [what, r] of answers) expect503(what, r);
      expect((await call('GET', '/healthz')).status).toBe(200);
    } finally {
      redis.process.kill('SIGCONT');
    }
    await until('the API to answer again', async () => (await call('GET', `/v1/runs/${runId}`)).status === 200, LIMIT_MS);
  });
});
