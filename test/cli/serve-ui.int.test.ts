/**
 * `strata serve` as a real process (the compiled build when `npm install` made one, as
 * `npm start` runs it) serves the web UI: the page and the bundles it names.
 */
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { spawnStrata, stop, until } from '../support/processes.ts';
import { usePrefixes, testHome } from '../support/test-service.ts';

const newPrefix = usePrefixes();

const started: Array<ReturnType<typeof spawnStrata>> = [];
afterAll(async () => {
  for (const p of started) await stop(p);
});

describe('strata serve', () => {
  it(`serves the web UI (${existsSync('dist/src/cli/main.js') ? 'compiled build' : 'sources'})`, async () => {
    const prefix = newPrefix('ui');
    const serve = spawnStrata(['serve'], { REDIS_URL: inject('redisUrl'), STRATA_PREFIX: prefix, STRATA_HOME: testHome(prefix), PORT: '0' });
    started.push(serve);
    const url = await until('the API to listen', () => /API on (http:\/\/[\d.:]+)/.exec(serve.output())?.[1]);
    const page = await fetch(`${url}/ui/runs`);
    expect(page.status, await page.clone().text()).toBe(200);
    const html = await page.text();
    const script = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(html)![1];
    expect((await fetch(url + script)).status).toBe(200);
  });
});
