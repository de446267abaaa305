/**
 * Malformed requests across every endpoint that takes a body, generated with fast-check:
 * random JSON, random text, and valid documents with one part broken. Every answer must
 * be a 4xx JSON error (or a success for a mutation that happens to be valid), never a
 * 5xx, and a rejected request must leave Redis exactly as it was.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { snapshot } from '../support/redis-snapshot.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';
import { mutate } from './support/fuzz-requests.ts';

const read = (p: string) => parse(readFileSync(p, 'utf8'));
const VALID: Record<string, unknown> = {
  '/v1/datasets': read('examples/retail/dataset.yaml'),
  '/v1/rules': read('examples/retail/rules.yaml'),
  '/v1/rules/explain': read('examples/retail/dataset.yaml'),
  '/v1/flows': read('examples/retail/report-flow.yaml'),
  '/v1/plans': read('examples/retail/report-flow.yaml'),
  '/v1/runs': { flow: read('examples/retail/report-flow.yaml') },
};
const PATHS = Object.keys(VALID);

const weird = fc.oneof(fc.constant(null), fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.array(fc.anything(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.anything(), { maxKeys: 3 }), fc.constant('__proto__'), fc.constant({ __proto__: { x: 1 } }), fc.constant({ log: 'x' }), fc.constant({ var: 'constructor.constructor' }));

const bodies = fc.oneof(
  fc.record({ kind: fc.constant('json' as const), path: fc.constantFrom(...PATHS), body: fc.anything() }),
  fc.record({ kind: fc.constant('text' as const), path: fc.constantFrom(...PATHS), body: fc.string({ maxLength: 200 }) }),
  fc.record({ kind: fc.constant('mutant' as const), path: fc.constantFrom(...PATHS), picks: fc.array(fc.nat(50), { minLength: 1, maxLength: 6 }), replacement: weird, remove: fc.boolean() }),
);

/** Runs started by requests that happened to be valid go on writing while later ones are checked. */
const LIVE = /:(run:|runs|bull:)/;

let svc: RunTestService;
beforeAll(async () => {
  svc = await startRunService();
  // Some state that must survive every rejected request.
  await svc.call('POST', '/v1/flows', VALID['/v1/flows']);
  await svc.call('POST', '/v1/rules', VALID['/v1/rules']);
});
afterAll(async () => svc?.close());

const weirdSegment = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('..', '%2e%2e', '%00', '__proto__', 'constructor', 'a'.repeat(5000), '%ZZ', '🙂'));

describe('bad input', () => {
  it.each(['/v1/rules', '/v1/flows', '/v1/plans?dryRun=true', '/v1/datasets', '/v1/runs'])('answers deeply nested JSON and YAML on %s with 413, not a crash', async (path) => {
    const deep = `${'['.repeat(5000)}1${']'.repeat(5000)}`;
    const body = `{"apiVersion":"strata/v1","kind":"Rule","metadata":{"name":"deep"},"spec":{"when":true,"emit":{"generator":"pipeline","with":{"x":${deep}}}}}`;
    const json = await svc.call('POST', path, body, { 'content-type': 'application/json' });
    expect(json.status).toBe(413);
    const yaml = await svc.call('POST', path, `a: ${'['.repeat(3000)}${']'.repeat(3000)}`, { 'content-type': 'application/yaml' });
    expect(yaml.status).toBeGreaterThanOrEqual(400);
    expect(yaml.status).toBeLessThan(500);
  });

  it('answers GET and DELETE on every path with odd names without a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/v1/rules/', '/v1/flows/', '/v1/flows/x/', '/v1/runs/', '/v1/runs/x/steps/', '/v1/runs/'), weirdSegment, fc.constantFrom('GET', 'DELETE', 'POST'), async (base, seg, method) => {
        const r = await fetch(svc.url + base + encodeURIComponent(seg), { method });
        expect(r.status, `${method} ${base}${seg}`).toBeLessThan(500);
      }),
      { numRuns: 100, seed: 7 },
    );
  });

  it('answers 300 generated malformed requests with 4xx JSON errors and changes nothing on rejection', async () => {
    const client = svc.redis.connect();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(bodies, async (b) => {
        const before = await snapshot(client, svc.prefix, LIVE);
        let r;
        if (b.kind === 'text') r = await svc.call('POST', b.path, b.body === '' ? ' ' : b.body, { 'content-type': 'application/yaml' });
        else if (b.kind === 'json') r = await svc.call('POST', b.path, JSON.stringify(b.body) ?? 'null', { 'content-type': 'application/json' });
        else r = await svc.call('POST', b.path, mutate(VALID[b.path], b.picks, b.replacement, b.remove));
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        expect(r.status, `${b.path} ${JSON.stringify(b).slice(0, 300)} -> ${r.text.slice(0, 300)}`).toBeLessThan(500);
        if (r.status >= 400) {
          expect(r.body?.error?.code, r.text).toBeTypeOf('string');
          expect(r.text).not.toMatch(/\n\s+at /); // no stack trace
          expect(await snapshot(client, svc.prefix, LIVE)).toEqual(before);
        }
      }),
      { numRuns: 300, seed: 20261128 },
    );
    const rejected = [...statuses].filter(([s]) => s >= 400).reduce((n, [, c]) => n + c, 0);
    expect(rejected).toBeGreaterThanOrEqual(200);
  });
});
