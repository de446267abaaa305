/**
 * The Dataset and registry pages in a real headless Chromium against the real service,
 * with the retail example registered: the explain of every rule and the plan picture;
 * flows with where they are used; rules in the order tried; the token form when the API
 * asks for a token.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { useServiceAndBrowser } from '../support/service-and-browser.ts';
import { startTestService, type TestService } from '../support/test-service.ts';

const read = (p: string) => parse(readFileSync(p, 'utf8'));

let runId: string;
let planSteps: string[];
const ui = useServiceAndBrowser({ STRATA_IMAGE_MAP: 'examples/retail/images.json' });
beforeAll(async () => {
  await ui.svc.call('POST', '/v1/flows', read('examples/retail/report-flow.yaml'));
  await ui.svc.call('POST', '/v1/rules', read('examples/retail/rules.yaml'));
  const posted = await ui.svc.call('POST', '/v1/datasets?run=true', read('examples/retail/dataset.yaml'));
  runId = posted.body.runId;
  planSteps = posted.body.plan.graph.nodes.map((n: { key: string }) => n.key);
  await ui.svc.waitRun(runId, 60_000);
});

describe('Dataset page', () => {
  it('shows the document, the explain of every rule, the plan and the runs made from it', async () => {
    const explain = await ui.svc.call('POST', '/v1/rules/explain', read('examples/retail/dataset.yaml'));
    const page = await ui.chromium.page();
    await page.goto(`${ui.svc.url}/ui/datasets/retail-2026`);
    await page.waitForSelector('.plan-section [data-step="report/publish"]');
    const rows = await page.$$eval('tr[data-rule]', (trs) => trs.map((tr) => ({ name: tr.getAttribute('data-rule'), matched: tr.getAttribute('data-matched') === 'true', reason: tr.querySelector('.reason')!.textContent })));
    expect(rows).toEqual(explain.body.rules.map((r: { name: string; matched: boolean; reason: string }) => ({ name: r.name, matched: r.matched, reason: r.reason })));
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(rows.some((r) => !r.matched)).toBe(true);
    expect(await page.$eval('tr.chosen', (tr) => tr.getAttribute('data-rule'))).toBe('retail-hierarchy');
    // the plan: every step of the plan the rule makes, the pod holding its containers
    const shown = await page.$$eval('.plan-section [data-step]', (els) => els.map((e) => e.getAttribute('data-step')).sort());
    expect(shown).toEqual(expect.arrayContaining(planSteps.filter((s) => !s.includes('/us-west/'))));
    expect(await page.$$eval('.plan-section [data-step="tree/us-west"] [data-step]', (els) => els.length)).toBe(4);
    expect(await page.$eval('.document pre', (e) => e.textContent)).toContain('name: retail-2026');
    expect(await page.$$eval('tr[data-run]', (trs) => trs.map((t) => t.getAttribute('data-run')))).toContain(runId);
    await page.close();
  });
});

describe('runs page', () => {
  it('lists runs newest first with status, flow and Dataset, filters by status, and links to each run', async () => {
    const failing = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'failing', version: '1' }, spec: { root: { sequence: [{ id: 'x', task: { image: 'busybox', command: ['false'] } }] } } };
    const failed = (await ui.svc.call('POST', '/v1/runs', { flow: failing })).body.runId as string;
    await ui.svc.waitRun(failed);
    const page = await ui.chromium.page();
    await page.goto(`${ui.svc.url}/`);
    await page.waitForSelector(`tr[data-run="${failed}"]`);
    expect(page.url()).toBe(`${ui.svc.url}/ui/runs`);
    await page.waitForFunction((id) => document.querySelector(`tr[data-run="${id}"] td:last-child`)?.textContent !== '—', {}, runId);
    const rows = await page.$$eval('tr[data-run]', (trs) => trs.map((t) => { const td = [...t.querySelectorAll('td')].map((x) => x.textContent); return [t.getAttribute('data-run'), td[1], td[2], td[3], td[4], td[7]]; }));
    expect(rows[0]).toEqual([failed, 'failed', 'failing@1', '—', '', expect.stringMatching(/^(1 of 1|—)$/)]);
    expect(rows.find((r) => r[0] === runId)).toEqual([runId, 'succeeded', expect.stringMatching(/^retail-2026-plan@/), 'retail-2026', expect.stringContaining('team=analytics'), '22 of 22']);
    await page.select('select', 'failed');
    await page.waitForFunction((id) => document.querySelectorAll('tr[data-run]').length === 1 && document.querySelector(`tr[data-run="${id}"]`), {}, failed);
    expect(page.url()).toBe(`${ui.svc.url}/ui/runs?status=failed`);
    await page.click(`tr[data-run="${failed}"] a`);
    await page.waitForSelector('[data-step="x"][data-status="failed"]');
    await page.close();
  });
});

describe('registry pages', () => {
  it('lists flows with their versions and where each is used', async () => {
    const page = await ui.chromium.page();
    await page.goto(`${ui.svc.url}/ui/flows`);
    await page.waitForSelector('[data-flow-version="retail-report@1"]');
    const usedBy = await page.$eval('[data-flow-version="retail-report@1"] .used-by', (e) => e.textContent);
    expect(usedBy).toMatch(/flow retail-2026-plan@\w+/);
    expect(usedBy).toContain('rule retail-hierarchy');
    await page.close();
  });

  it('lists rules in the order they are tried', async () => {
    const rules = (await ui.svc.call('GET', '/v1/rules')).body.rules as Array<{ metadata: { name: string }; spec: { priority: number } }>;
    const expected = [...rules].sort((a, b) => b.spec.priority - a.spec.priority || a.metadata.name.localeCompare(b.metadata.name)).map((r) => r.metadata.name);
    const page = await ui.chromium.page();
    await page.goto(`${ui.svc.url}/ui/rules`);
    await page.waitForSelector('tr[data-rule]');
    expect(await page.$$eval('tr[data-rule]', (trs) => trs.map((t) => t.getAttribute('data-rule')))).toEqual(expected);
    expect(expected[0]).toBe('retail-hierarchy');
    // generators with their parameters, as the API describes them
    const gens = (await ui.svc.call('GET', '/v1/generators')).body.generators as Array<{ name: string; parameters: { properties?: Record<string, unknown> } }>;
    await page.waitForSelector('[data-generator="hierarchy"]');
    expect(await page.$$eval('[data-generator]', (els) => els.map((e) => e.getAttribute('data-generator')))).toEqual(gens.map((g) => g.name));
    const params = await page.$$eval('[data-generator="hierarchy"] tbody tr td:first-child code', (els) => els.map((e) => e.textContent));
    expect(params).toEqual(Object.keys(gens.find((g) => g.name === 'hierarchy')!.parameters.properties ?? {}));
    expect(params).toContain('placement');
    await page.close();
  });

  it('says so when the token given is refused, and takes another', async () => {
    const guarded: TestService = await startTestService({ STRATA_API_TOKENS: 'sesame-sesame-open' });
    try {
      const page = await ui.chromium.page();
      await page.goto(`${guarded.url}/ui/rules`);
      await page.waitForSelector('form.token input[name="token"]');
      expect(await page.$('form.token .error')).toBeNull();
      await page.type('form.token input[name="token"]', 'not-the-right-token');
      await Promise.all([page.waitForNavigation(), page.click('form.token button')]);
      await page.waitForSelector('form.token .error');
      expect(await page.$eval('form.token .error', (e) => e.textContent)).toMatch(/^The token given was refused: a valid bearer token is required/);
      await page.type('form.token input[name="token"]', 'sesame-sesame-open');
      await Promise.all([page.waitForNavigation(), page.click('form.token button')]);
      await page.waitForSelector('tr[data-rule]');
      await page.close();
    } finally {
      await guarded.close();
    }
  });

  it('asks for a token where the API wants one, and uses it', async () => {
    const guarded: TestService = await startTestService({ STRATA_API_TOKENS: 'sesame-sesame-open' });
    try {
      const page = await ui.chromium.page();
      await page.goto(`${guarded.url}/ui/rules`);
      await page.waitForSelector('form.token input[name="token"]');
      await page.type('form.token input[name="token"]', 'sesame-sesame-open');
      await Promise.all([page.waitForNavigation(), page.click('form.token button')]);
      await page.waitForSelector('tr[data-rule]');
      expect(await page.$$eval('tr[data-rule]', (trs) => trs.length)).toBeGreaterThanOrEqual(4);
      await page.close();
    } finally {
      await guarded.close();
    }
  });
});
