/**
 * Issue 13, fault 7: with no tokens (loopback mode) a web page must not be able to drive
 * strata. Requests are sent as a browser would send them for a page on another site: a
 * form post (text/plain, Origin of the page), and a DNS-rebinding page (the page's own
 * name in Host and Origin, resolving to 127.0.0.1). Raw node:http, so Host and Origin are
 * exactly what a browser would put there.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRunService, type RunTestService } from '../support/run-service.ts';
import { startTestService, type TestService } from '../support/test-service.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

function raw(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode!, headers: res.headers, body: parsed });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const shRun = JSON.stringify({ flow: { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'page', version: '1' }, spec: { root: { task: { image: 'x', command: ['sh', '-c', 'true'] } } } } });

let svc: RunTestService;
let host: string;
const runCount = async () => (await svc.call('GET', '/v1/runs')).body.runs.length;

beforeAll(async () => {
  svc = await startRunService({ STRATA_ALLOWED_ORIGINS: 'http://localhost:3000' });
  host = new URL(svc.url).host;
});
afterAll(async () => svc?.close());

describe('loopback mode against web pages', () => {
  it('refuses a cross-site form post (text/plain, the page\'s Origin) and starts nothing', async () => {
    const before = await runCount();
    const r = await raw(svc.url, 'POST', '/v1/runs', { host, origin: 'http://evil.example', 'content-type': 'text/plain' }, shRun);
    expect(r.status).toBe(403);
    expect(r.body.error.message).toContain('http://evil.example');
    const noType = await raw(svc.url, 'POST', '/v1/runs', { host }, shRun);
    expect(noType.status).toBe(415);
    expect(noType.body.error.message).toMatch(/Content-Type/);
    const plain = await raw(svc.url, 'POST', '/v1/runs', { host, 'content-type': 'text/plain' }, shRun);
    expect(plain.status).toBe(415);
    const cancel = await raw(svc.url, 'POST', '/v1/runs/r00000000aaaa/cancel', { host, origin: 'http://evil.example' });
    expect(cancel.status).toBe(403);
    expect(await runCount()).toBe(before);
  });

  it('refuses a DNS-rebinding page: its own name in Host (and in Origin)', async () => {
    const before = await runCount();
    const rebound = `evil.example:${new URL(svc.url).port}`;
    const post = await raw(svc.url, 'POST', '/v1/runs', { host: rebound, origin: `http://${rebound}`, 'content-type': 'application/json' }, shRun);
    expect(post.status).toBe(403);
    expect(post.body.error.message).toMatch(/loopback/);
    const read = await raw(svc.url, 'GET', '/v1/runs', { host: rebound });
    expect(read.status).toBe(403);
    expect((await raw(svc.url, 'GET', '/healthz', { host: rebound })).status).toBe(403);
    expect(await runCount()).toBe(before);
  });

  it('serves loopback names, same-origin pages and allowed origins (with CORS headers)', async () => {
    const port = new URL(svc.url).port;
    for (const h of [host, `localhost:${port}`, `app.localhost:${port}`, `127.0.0.2:${port}`, `[::1]:${port}`]) {
      expect((await raw(svc.url, 'GET', '/v1/rules', { host: h })).status, h).toBe(200);
    }
    const same = await raw(svc.url, 'POST', '/v1/plans', { host, origin: `http://${host}`, 'content-type': 'application/json' }, JSON.stringify(JSON.parse(shRun).flow));
    expect(same.status).toBe(200);
    const preflight = await raw(svc.url, 'OPTIONS', '/v1/runs', { host, origin: 'http://localhost:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    const allowed = await raw(svc.url, 'GET', '/v1/rules', { host, origin: 'http://localhost:3000' });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    const otherPort = await raw(svc.url, 'OPTIONS', '/v1/runs', { host, origin: 'http://localhost:3001', 'access-control-request-method': 'POST' });
    expect(otherPort.status).toBe(403);
  });
});

describe('with tokens', () => {
  let secured: TestService;
  beforeAll(async () => {
    secured = await startTestService({ STRATA_API_TOKENS: 'sekret-sekret-sekret' });
  });
  afterAll(async () => secured?.close());

  it('serves any Host name but still refuses other origins', async () => {
    const auth = { authorization: 'Bearer sekret-sekret-sekret' };
    expect((await raw(secured.url, 'GET', '/v1/rules', { ...auth, host: 'strata.example.com' })).status).toBe(200);
    expect((await raw(secured.url, 'GET', '/v1/rules', { ...auth, host: 'strata.example.com', origin: 'https://strata.example.com' })).status).toBe(200);
    expect((await raw(secured.url, 'GET', '/v1/rules', { ...auth, host: 'strata.example.com', origin: 'https://evil.example' })).status).toBe(403);
  });
});
