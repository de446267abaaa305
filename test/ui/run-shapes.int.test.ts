/**
 * The run picture's shapes in headless Chromium: a generate step holding the unit it
 * generated (appearing live), a cycle's members by round, a large fan-out as one box with
 * counts that opens on a click; and Retry from the page carrying a failed run on.
 */
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { useServiceAndBrowser } from '../support/service-and-browser.ts';

const flow = (root: unknown) => ({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'shapes', version: '1' }, spec: { root } });
const sh = (cmd: string) => ({ image: 'busybox', command: ['sh', '-c', cmd] });

const ui = useServiceAndBrowser();

async function runTo(root: unknown, status = 'succeeded') {
  const id = (await ui.svc.call('POST', '/v1/runs', { flow: flow(root) })).body.runId as string;
  const run = await ui.svc.waitRun(id, 60_000);
  expect(run.status).toBe(status);
  return run;
}

describe('run picture shapes', () => {
  it('shows the unit a generate step generated inside the step', async () => {
    const ds = { apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'found' }, spec: { shape: 'table', partitions: ['x', 'y'] } };
    const run = await runTo({ sequence: [{ id: 'discover', generate: sh(`cat > $STRATA_OUTPUTS/result.json <<'EOF'\n${JSON.stringify(ds)}\nEOF`) }, { id: 'after', task: sh('true') }] });
    const page = await ui.chromium.page();
    await page.goto(`${ui.svc.url}/ui/runs/${run.id}`);
    await page.waitForSelector('[data-step="discover"] [data-step="discover/reduce"]');
    const inside = await page.$$eval('[data-step="discover"] [data-step]', (els) => els.map((e) => e.getAttribute('data-step')).sort());
    expect(inside).toEqual(Object.keys(run.steps).filter((s) => s.startsWith('discover/')).sort());
    expect(await page.$$eval('[data-step]', (els) => els.length)).toBe(Object.keys(run.steps).length);
    await page.close();
  });

  it('groups a cycle\'s members by round inside the cycle', async () => {
    const run = await runTo({ sequence: [{ id: 'ring', cycle: { ring: [{ id: 'a', task: sh('true') }, { id: 'b', task: sh('true') }], rounds: 3 } }] });
    const page = await ui.chromium.page();
    await page.goto(`${ui.svc.url}/ui/runs/${run.id}`);
    await page.waitForSelector('[data-step="ring/b#2"]');
    expect(await page.$$eval('[data-step="ring"] .kind-round', (els) => els.map((e) => [...e.querySelectorAll('[data-step]')].map((s) => s.getAttribute('data-step')))))
      .toEqual([['ring/a#0', 'ring/b#0'], ['ring/a#1', 'ring/b#1'], ['ring/a#2', 'ring/b#2']]);
    await page.close();
  });

  it('shows a fan-out of 60 items as one box with counts by status, opened by a click', async () => {
    const run = await runTo({ sequence: [{ id: 'fan', fanOut: { over: Array.from({ length: 60 }, (_, i) => i), concurrency: 20, do: { task: sh('true') } } }] });
    const page = await ui.chromium.page();
    await page.goto(`${ui.svc.url}/ui/runs/${run.id}`);
    await page.waitForSelector('[data-step="fan"].summary');
    expect(await page.$eval('[data-step="fan"] [data-count-status="succeeded"]', (e) => e.textContent)).toBe('60 succeeded');
    expect(await page.$$eval('[data-step="fan"] [data-step]', (els) => els.length)).toBe(0);
    await page.click('[data-step="fan"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-step="fan"] [data-step]').length === 60);
    expect(await page.$$eval('[data-step="fan"] [data-step]', (els) => els.every((e) => e.getAttribute('data-status') === 'succeeded'))).toBe(true);
    await page.close();
  });

  it('shows a fan-out of 500 items as one box, opened a hundred at a time, the rest in a "more" box with its count', { timeout: 180_000 }, async () => {
    const run = await runTo({ sequence: [{ id: 'big', fanOut: { over: Array.from({ length: 500 }, (_, i) => i), concurrency: 50, do: { task: sh('true') } } }] });
    expect(Object.keys(run.steps).filter((s) => s.startsWith('big/'))).toHaveLength(500);
    const page = await ui.chromium.page();
    await page.goto(`${ui.svc.url}/ui/runs/${run.id}`);
    await page.waitForSelector('[data-step="big"].summary');
    expect(await page.$eval('[data-step="big"] [data-count-status="succeeded"]', (e) => e.textContent)).toBe('500 succeeded');
    await page.click('[data-step="big"]');
    await page.waitForSelector('[data-step="big"] [data-kind="more"]');
    const shown = () => page.$$eval('[data-step="big"] [data-step^="big/"]', (els) => els.length);
    expect(await shown()).toBe(100);
    expect(await page.$eval('[data-step="big"] [data-kind="more"]', (e) => e.textContent)).toContain('400 more');
    await page.click('[data-step="big"] [data-kind="more"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-step="big"] [data-step^="big/"]').length === 200);
    expect(await page.$eval('[data-step="big"] [data-kind="more"]', (e) => e.textContent)).toContain('300 more');
    await page.close();
  });

  it('retries a failed run from its page: the failed step runs again and the run succeeds', async () => {
    const marker = `${tmpdir()}/strata-ui-retry-${Date.now()}`;
    const run = await runTo({ sequence: [{ id: 'ok', task: sh('true') }, { id: 'flaky', task: sh(`[ -f ${marker} ] || { touch ${marker}; exit 3; }`) }] }, 'failed');
    const page = await ui.chromium.page();
    await page.goto(`${ui.svc.url}/ui/runs/${run.id}`);
    await page.waitForSelector('[data-step="flaky"][data-status="failed"]');
    await page.click('button.retry');
    await page.waitForFunction(() => document.querySelector('[data-run-status]')?.textContent === 'succeeded', { timeout: 30_000 });
    expect(await page.$eval('[data-step="flaky"]', (e) => e.getAttribute('data-status'))).toBe('succeeded');
    const after = (await ui.svc.call('GET', `/v1/runs/${run.id}`)).body;
    expect(after.steps.ok.attempts).toBe(1);
    expect(after.steps.flaky.status).toBe('succeeded');
    await page.close();
  });
});
