/**
 * src/app/serve.ts through real HTTP: the server keeps an idle kept-alive connection longer
 * than Node's default 5 s and says so in `Keep-Alive: timeout=N`, which clients (undici,
 * Node's Agent) read to close first, so a client that pauses (a busy machine, a proxy's
 * pool) does not reuse a connection the server is closing at that moment (ECONNRESET; seen
 * as a failed /healthz probe of test/api/heavy-requests in CI on a loaded machine).
 */
import { request, Agent } from 'node:http';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEEP_ALIVE_MS, listen, type Served } from '../../src/app/serve.ts';

let served: Served;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
beforeAll(async () => {
  const app = new Hono();
  app.get('/healthz', (c) => c.text('ok'));
  served = await listen(app, 0, '127.0.0.1');
});
afterAll(async () => {
  agent.destroy();
  await served?.close();
});

function get(): Promise<{ keepAlive: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${served.url}/healthz`, { agent }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ keepAlive: res.headers['keep-alive'] as string | undefined, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('listen', () => {
  it('tells clients how long an idle connection is kept, longer than common proxies keep theirs', async () => {
    const r = await get();
    expect(r.body).toBe('ok');
    expect(r.keepAlive).toBe(`timeout=${KEEP_ALIVE_MS / 1000}`);
    expect(KEEP_ALIVE_MS).toBeGreaterThan(60_000);
  });
});
