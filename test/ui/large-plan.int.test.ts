/**
 * A run whose plan is too large to draw at once (more than DRAW_LIMIT plan nodes) in a real
 * headless Chromium (issue 10/11/13 test report, fault 6: a 26 MB plan showed no graph and
 * no word why): the page says so with the plan's size, shows the run's counts, and offers
 * its parts; choosing one draws it.
 */
import { describe, expect, it } from 'vitest';
import { DRAW_LIMIT } from '../../ui/src/model/plan-parts.ts';
import { useServiceAndBrowser } from '../support/service-and-browser.ts';

const ui = useServiceAndBrowser();

describe('a run page of a plan too large to draw at once', () => {
  it('says so with its size, and draws the part chosen', async () => {
    // Three graphs that together pass the limit; the first step fails, so none of them runs (they end skipped).
    const per = Math.ceil(DRAW_LIMIT / 3) + 10;
    const graph = () => {
      const nodes: Record<string, unknown> = {};
      for (let i = 0; i < per; i++) nodes[`n${i}`] = { task: { image: 'strata/noop' }, ...(i > 0 ? { dependsOn: [`n${Math.floor((i - 1) / 10)}`] } : {}) };
      return { traversal: 'dependency', nodes };
    };
    const root = { sequence: [{ id: 'gate', task: { image: 'busybox', command: ['false'] } }, { id: 'a', graph: graph() }, { id: 'b', graph: graph() }, { id: 'c', graph: graph() }] };
    const posted = await ui.svc.call('POST', '/v1/runs', { flow: { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'large', version: '1' }, spec: { root } } });
    expect(posted.status).toBe(202);
    const run = await ui.svc.waitRun(posted.body.runId, 120_000);
    expect(run.status).toBe('failed');
    const total = 4 + 3 * per;

    const page = await ui.chromium.page();
    page.setDefaultTimeout(60_000);
    await page.goto(`${ui.svc.url}/ui/runs/${run.id}`);
    await page.waitForSelector('[data-too-large]');
    expect(await page.$eval('[data-too-large]', (e) => e.textContent)).toContain(`This run's plan has ${total.toLocaleString('en')} steps: too large to draw at once`);
    expect(Number(await page.$eval('[data-too-large]', (e) => e.getAttribute('data-too-large')))).toBe(total);
    // Nothing drawn yet; the parts offered with their sizes.
    expect(await page.$('.graph [data-step]')).toBeNull();
    const parts = await page.$$eval('.parts [data-part]', (els) => els.map((e) => [e.getAttribute('data-part'), e.textContent]));
    expect(parts.map(([id]) => id)).toEqual(['gate', 'a', 'b', 'c']);
    expect(parts[1][1]).toBe(`a graph · ${(per + 1).toLocaleString('en')} steps`);
    // The run's counts are there all along.
    await page.waitForFunction(() => document.querySelector('.run-head')?.textContent?.includes('skipped'));

    await page.click('.parts [data-part="b"]');
    await page.waitForSelector('.graph [data-step="b"]');
    expect(await page.$eval('.graph [data-step="b"]', (e) => e.getAttribute('data-status'))).toBe('skipped');
    expect(await page.$('.graph [data-step="a"]')).toBeNull();
    // Back to the whole run.
    await page.click('.trail [data-part=""]');
    await page.waitForFunction(() => !document.querySelector('.graph [data-step]'));
    await page.close();
  }, 240_000);
});
