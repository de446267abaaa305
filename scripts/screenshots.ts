/**
 * `npm run screenshots`: the pictures in docs/ and the README, made the way the browser
 * tests see the pages: a real strata (own redis-server, coordinator, worker, local runtime
 * with the retail example's image map) runs the retail example, and headless Chromium
 * (test/support/browser.ts) photographs its run page and its Dataset page.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { loadConfig } from '../src/app/config.ts';
import { startRunParts } from '../src/app/run-parts.ts';
import { startService } from '../src/app/service.ts';
import { startRedisServer } from '../src/store/redis-server.ts';
import { startBrowser } from '../test/support/browser.ts';

const read = (p: string) => parse(readFileSync(p, 'utf8'));

const server = await startRedisServer();
const config = loadConfig({ PORT: '0', REDIS_URL: server.url, STRATA_PREFIX: 'shots', STRATA_HOME: '/tmp/strata-screenshots', STRATA_IMAGE_MAP: 'examples/retail/images.json' });
const svc = await startService(config, () => {}, {
  runs: async (redis, defs, builtinRules) => {
    const parts = await startRunParts(config, redis, defs, { coordinator: true, worker: true, builtinRules });
    return { port: parts.port!, close: () => parts.close() };
  },
});
const chromium = await startBrowser();
try {
  const post = async (path: string, body: unknown) => {
    const res = await fetch(svc.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<{ runId?: string }>;
  };
  await post('/v1/flows', read('examples/retail/report-flow.yaml'));
  await post('/v1/rules', read('examples/retail/rules.yaml'));
  const { runId } = await post('/v1/datasets?run=true', read('examples/retail/dataset.yaml'));
  for (let i = 0; ; i++) {
    const run = (await (await fetch(`${svc.url}/v1/runs/${runId}`)).json()) as { status: string };
    if (['succeeded', 'failed', 'cancelled'].includes(run.status)) break;
    if (i > 600) throw new Error('the retail run did not end');
    await new Promise((r) => setTimeout(r, 100));
  }
  const page = await chromium.page(1600, 1000);
  await page.goto(`${svc.url}/ui/runs/${runId}`);
  await page.waitForFunction(() => document.querySelectorAll('[data-step]').length >= 22);
  await page.click('[data-step="tree/us-west/sf"]');
  await page.waitForSelector('[data-panel-step="tree/us-west/sf"] pre.result');
  await new Promise((r) => setTimeout(r, 500));
  await page.screenshot({ path: 'docs/ui-run.png' });
  await page.goto(`${svc.url}/ui/datasets/retail-2026`);
  await page.waitForSelector('.plan-section [data-step="tree/us-west/sf"]');
  await page.screenshot({ path: 'docs/ui-dataset.png', fullPage: true });
  console.log('docs/ui-run.png, docs/ui-dataset.png');
} finally {
  await chromium.close();
  await svc.close();
  await server.stop();
}
