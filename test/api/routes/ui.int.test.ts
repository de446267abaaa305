/**
 * The web UI's static pages over real HTTP: `/` redirects to the runs page, every page
 * path of the contract answers the one page, hashed assets are served for good, nothing
 * outside ui/dist is reachable, and with tokens the pages load without one while /v1 still
 * asks for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../support/test-service.ts';

let open: TestService;
let guarded: TestService;
beforeAll(async () => {
  [open, guarded] = await Promise.all([startTestService(), startTestService({ STRATA_API_TOKENS: 'sesame-sesame-open' })]);
});
afterAll(async () => {
  await open?.close();
  await guarded?.close();
});

describe('web UI routes', () => {
  it('redirects / to /ui/runs', async () => {
    const res = await fetch(`${open.url}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/ui/runs');
  });

  it.each(['/ui/runs', '/ui/runs/r123', '/ui/datasets/retail-2026', '/ui/flows', '/ui/flows/retail-report', '/ui/rules'])('answers %s with the page', async (path) => {
    const res = await fetch(open.url + path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('<div id="app">');
  });

  it('serves the bundles the page names, to be kept for good, and nothing outside the build', async () => {
    const html = await (await fetch(`${open.url}/ui/runs`)).text();
    const script = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(html)![1];
    const res = await fetch(open.url + script);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect((await res.text()).length).toBeGreaterThan(1000);
    for (const path of ['/ui/assets/../../package.json', '/ui/assets/%2e%2e/%2e%2e/package.json', '/ui/assets/nope.js', '/ui/nope', '/ui/runs/a/b']) {
      const r = await fetch(open.url + path);
      expect(r.status, path).toBe(404);
      expect((await r.json()).error.code).toBe('not_found');
    }
  });

  it('serves the pages without a token where the API asks for one', async () => {
    expect((await fetch(`${guarded.url}/ui/runs`)).status).toBe(200);
    expect((await fetch(`${guarded.url}/v1/rules`)).status).toBe(401);
    expect((await fetch(`${guarded.url}/v1/rules`, { headers: { authorization: 'Bearer sesame-sesame-open' } })).status).toBe(200);
  });
});
