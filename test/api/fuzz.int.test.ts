/**
 * Issue 13: the API fuzzed with generated bad requests (test/api/support/fuzz-requests.ts)
 * across every route of its OpenAPI document, through real HTTP against the whole service
 * (API, worker threads, coordinator; no step worker, so runs a request happens to start stay
 * pending). Properties:
 *
 * - no answer is a 5xx, and every 4xx is a JSON error without a stack trace;
 * - /healthz, asked every 100 ms all along, always answers 200, and answers between the fuzz's
 *   requests, not only before and after them (how long it waits is a speed figure:
 *   `npm run bench -- fuzz` sends these requests and prints the longest /healthz wait);
 * - nothing stored before the fuzz changes (keys, hash fields, set members: what requests
 *   that happen to be valid add beside them is allowed; the step queue is left out).
 *
 * `npm test` sends FUZZ_RUNS requests (1,000 by default); `npm run fuzz` sends 10,000.
 */
import { request } from 'node:http';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRunService, type RunTestService } from '../support/run-service.ts';
import { badRequests, type FuzzRequest } from './support/fuzz-requests.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const MAX_BODY = 1024 * 1024;
const list = (n: number) => Array.from({ length: n }, (_, i) => i);

let svc: RunTestService;
let client: Redis;
let realRun: string;

/**
 * What is stored: each key's members (hash fields, set and list members) with their values.
 * The step queue's keys are left out: a request that happens to start a run queues its
 * first step there, beside (and in the same lists as) the steps queued before. So are the
 * due set and its wake key: the coordinators' own timetable, which moves as time passes
 * (the run started before is due a grace after its start and taken up then), not by
 * requests.
 */
async function stored(): Promise<Map<string, Map<string, string>>> {
  const out = new Map<string, Map<string, string>>();
  const timetable = new Set([`${svc.prefix}:runs:due`, `${svc.prefix}:runs:due:wake`]);
  for (const key of (await client.keys(`${svc.prefix}:*`)).filter((k) => !k.startsWith(`${svc.prefix}:bull:`) && !timetable.has(k))) {
    const type = await client.type(key);
    const m = new Map<string, string>();
    if (type === 'hash') for (const [f, v] of Object.entries(await client.hgetall(key))) m.set(f, v);
    else if (type === 'string') m.set('', (await client.get(key)) ?? '');
    else if (type === 'set') for (const v of await client.smembers(key)) m.set(v, '');
    else if (type === 'zset') { const z = await client.zrange(key, '0', '-1', 'WITHSCORES'); for (let i = 0; i < z.length; i += 2) m.set(z[i], z[i + 1]); }
    else if (type === 'list') (await client.lrange(key, 0, -1)).forEach((v, i) => m.set(String(i), v));
    else m.set('', type);
    out.set(key, m);
  }
  return out;
}

/** Every key and member of `before` still in `after` with the same value. */
function changes(before: Map<string, Map<string, string>>, after: Map<string, Map<string, string>>): string[] {
  const out: string[] = [];
  for (const [key, members] of before) {
    const now = after.get(key);
    if (!now) { out.push(`${key}: removed`); continue; }
    for (const [m, v] of members) if (now.get(m) !== v) out.push(`${key} ${m}: ${v.slice(0, 80)} -> ${now.get(m)?.slice(0, 80)}`);
  }
  return out;
}

/**
 * One request on a connection of its own (node:http, no agent): a server that answers a
 * body over the limit before reading it all closes that connection, which must not fail
 * the next request.
 */
function send(r: FuzzRequest): Promise<{ status: number; text: string }> {
  const url = new URL(svc.url);
  const body = r.body !== undefined && !['GET', 'HEAD'].includes(r.method) ? r.body : undefined;
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: r.method, path: r.path, agent: false, timeout: 60_000, headers: { ...r.headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
      res.on('error', reject);
    });
    // The server may answer and close before it has read a body it refuses.
    req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'EPIPE' || (e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
    req.on('timeout', () => req.destroy(new Error('no answer in 60 s')));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

beforeAll(async () => {
  svc = await startRunService({ STRATA_MAX_BODY_BYTES: String(MAX_BODY) }, { worker: false });
  client = svc.redis.connect();
  // What is stored before, and must stay as it is: a flow, rules (one that data makes
  // heavy, so Datasets evaluate it under the budget), a Dataset with its plan, a run.
  const kept = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'fuzz-kept', version: '1' }, spec: { root: { sequence: [{ id: 'a', task: { image: 'strata/echo' } }] } } };
  expect((await svc.call('POST', '/v1/flows', kept)).status).toBe(201);
  expect((await svc.call('POST', '/v1/rules', { apiVersion: 'strata/v1', kind: 'Rule', metadata: { name: 'fuzz-kept' }, spec: { priority: 5, when: { '==': [{ var: 'metadata.name' }, 'fuzz-kept'] }, emit: { use: 'fuzz-kept@1' } } })).status).toBe(201);
  const dataBomb = { some: [{ var: 'spec.partitions' }, { some: [list(300), { some: [list(300), { '==': [{ var: '' }, -1] }] }] }] };
  expect((await svc.call('POST', '/v1/rules', { apiVersion: 'strata/v1', kind: 'Rule', metadata: { name: 'fuzz-data-bomb' }, spec: { priority: 1, when: dataBomb, emit: { generator: 'pipeline' } } })).status).toBe(201);
  expect((await svc.call('POST', '/v1/datasets', { apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'fuzz-kept' }, spec: { shape: 'files' } })).status).toBe(200);
  realRun = (await svc.call('POST', '/v1/runs', { use: 'fuzz-kept@1' })).body.runId;
  expect(realRun).toMatch(/^r/);
});
afterAll(async () => {
  client?.disconnect();
  await svc?.close();
});

describe(`the API fuzzed with ${RUNS} bad requests`, () => {
  it('never answers 5xx, keeps /healthz answering 200 all along, and changes nothing stored', async () => {
    const openapi = (await (await fetch(`${svc.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const paths = Object.entries(openapi.paths).flatMap(([p, ops]) => Object.keys(ops).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((m) => [m, p] as [string, string]));
    expect(paths.length).toBeGreaterThan(15);
    const before = await stored();

    // /healthz all along, from this process, every 100 ms: at each answer, how many fuzz
    // requests had been answered.
    let answered = 0;
    const health: number[] = [];
    const unhealthy: string[] = [];
    let fuzzing = true;
    const prober = (async () => {
      while (fuzzing) {
        try {
          const r = await fetch(`${svc.url}/healthz`, { signal: AbortSignal.timeout(30_000) });
          if (r.status !== 200) unhealthy.push(`status ${r.status}`);
          await r.arrayBuffer();
        } catch (e) {
          unhealthy.push((e as Error).message);
        }
        health.push(answered);
        await new Promise((res) => setTimeout(res, 100));
      }
    })();

    const kinds = new Map<string, number>();
    const statuses = new Map<number, number>();
    const isReal = (r: FuzzRequest) => r.path.split(/[/?]/).includes(realRun) || /\/(fuzz-kept|fuzz-data-bomb)(\/|$|\?)/.test(r.path);
    try {
      await fc.assert(
        fc.asyncProperty(badRequests({ paths, realRun, maxBodyBytes: MAX_BODY }).filter((r) => !isReal(r)), async (r) => {
          const res = await send(r);
          answered++;
          kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const what = `${r.kind}: ${r.method} ${r.path.slice(0, 120)} ${JSON.stringify(r.headers)} ${(r.body ?? '').slice(0, 200)} -> ${res.status} ${res.text.slice(0, 300)}`;
          expect(res.status, what).toBeLessThan(500);
          if (res.status >= 400 && r.path.startsWith('/v1/')) {
            expect(JSON.parse(res.text).error.code, what).toBeTypeOf('string');
            expect(res.text, what).not.toMatch(/\n\s+at /);
          }
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    } finally {
      fuzzing = false;
      await prober;
    }

    expect(changes(before, await stored())).toEqual([]);
    expect(unhealthy).toEqual([]);
    // /healthz was answered between the fuzz's requests all along, not only at its ends:
    // at several distinct counts of answered fuzz requests strictly inside the run.
    const inside = new Set(health.filter((n) => n > 0 && n < RUNS));
    expect(inside.size, `fuzz requests answered at each /healthz answer: ${health.join(', ')}`).toBeGreaterThan(5);
    // Every kind of bad request was sent, and most were refused.
    expect([...kinds.keys()].sort()).toEqual(['alias bomb', 'bad idempotency key', 'bad query', 'content type', 'heavy json-logic', 'malformed text', 'odd id', 'over-deep', 'over-large', 'wrong type']);
    const refused = [...statuses].filter(([s]) => s >= 400).reduce((n, [, c]) => n + c, 0);
    expect(refused).toBeGreaterThan(RUNS * 0.8);
  }, Math.max(120_000, RUNS * 300));
});
