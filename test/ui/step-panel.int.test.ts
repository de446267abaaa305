/**
 * The step panel in a real headless Chromium (issue 10/11/13 test report, fault 6): it
 * shows the step's declared inputs (name <- step:output, from the plan, fan-out items
 * included), and follows a running step's logs through the run's log stream: the lines
 * show as the step writes them, and the logs route is not read again and again; its
 * `attempt` row says a retry's attempt (the label `strata runs get` gives, src/run/attempt-label.ts;
 * a re-run after a takeover, `1 (run 2)`, is driven with real killed workers in
 * test/cli/executions.int.test.ts).
 */
import { tmpdir } from 'node:os';
import { rmSync, writeFileSync } from 'node:fs';
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { useServiceAndBrowser } from '../support/service-and-browser.ts';
import { requestsTo } from '../support/metrics.ts';

const ui = useServiceAndBrowser();

const flow = (root: unknown) => ({ flow: { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'panel', version: '1' }, spec: { root } } });
const sh = (script: string, extra: Record<string, unknown> = {}) => ({ task: { image: 'busybox', command: ['sh', '-c', script], ...extra } });

const requests = (route: RegExp) => requestsTo(ui.svc.url, route);

/** Run `root` to its success and open its page: the run's id and the page (closed by the caller). */
async function openRun(root: unknown): Promise<{ id: string; page: Page }> {
  const posted = await ui.svc.call('POST', '/v1/runs', flow(root));
  expect(posted.status, posted.text).toBe(202);
  const id = posted.body.runId as string;
  expect((await ui.svc.waitRun(id)).status).toBe('succeeded');
  const page = await ui.chromium.page();
  await page.goto(`${ui.svc.url}/ui/runs/${id}`);
  return { id, page };
}

describe('step panel', () => {
  it('shows a step\'s declared inputs, for a fan-out item too', async () => {
    const root = {
      sequence: [
        { id: 'make', ...sh('echo 1 > $STRATA_OUTPUTS/data; echo 2 > $STRATA_OUTPUTS/more', { outputs: ['data', 'more'] }) },
        { id: 'use', ...sh('cat $STRATA_INPUTS/table', { inputs: { table: 'make:data', extra: 'make:more' } }) },
        { id: 'fan', fanOut: { over: [1, 2], do: sh('cat $STRATA_INPUTS/table', { inputs: { table: 'make:data' } }) } },
      ],
    };
    const { page } = await openRun(root);
    await page.waitForSelector('[data-step="use"]');
    await page.click('[data-step="use"]');
    await page.waitForSelector('[data-panel-step="use"] [data-input="table"]');
    const inputs = await page.$$eval('.step-panel [data-input]', (els) => els.map((e) => e.textContent));
    expect(inputs).toEqual(['table ← make:data', 'extra ← make:more']);
    await page.click('[data-step="fan/1"]');
    await page.waitForSelector('[data-panel-step="fan/1"] [data-input="table"]');
    expect(await page.$$eval('.step-panel [data-input]', (els) => els.map((e) => e.textContent))).toEqual(['table ← make:data']);
    await page.click('[data-step="make"]');
    await page.waitForSelector('[data-panel-step="make"]');
    expect(await page.$('.step-panel [data-input]')).toBeNull();
    expect(await page.$eval('.step-panel', (e) => e.textContent)).toContain('none declared');
    await page.close();
  });

  it('follows a running step\'s logs through the run\'s log stream, never reading the logs again and again', async () => {
    const gate = `${tmpdir()}/strata-ui-panel-${Date.now()}`;
    const id = (await ui.svc.call('POST', '/v1/runs', flow({ sequence: [{ id: 'talk', ...sh(`echo first line; while [ ! -f ${gate} ]; do sleep 0.05; done; echo second line`) }] }))).body.runId as string;
    const page = await ui.chromium.page();
    await page.goto(`${ui.svc.url}/ui/runs/${id}`);
    await page.waitForFunction(() => document.querySelector('[data-step="talk"]')?.getAttribute('data-status') === 'running');
    const polled = await requests(/\/steps\/.*\/logs$/);
    const streamed = await requests(/^\/v1\/runs\/:id\/logs$/);
    await page.click('[data-step="talk"]');
    await page.waitForFunction(() => document.querySelector('.step-panel pre.logs')?.textContent === 'first line\n');
    // However long the step runs now, the panel asks nothing more of the API for its logs.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await requests(/\/steps\/.*\/logs$/)).toBe(polled);
    writeFileSync(gate, '');
    await page.waitForFunction(() => document.querySelector('.step-panel pre.logs')?.textContent === 'first line\nsecond line\n');
    await page.waitForSelector('[data-panel-status="succeeded"]');
    expect(await requests(/\/steps\/.*\/logs$/)).toBe(polled);
    // (Counted when a request ends: streams of pages closed before may be counted late, so only "more".)
    expect(await requests(/^\/v1\/runs\/:id\/logs$/)).toBeGreaterThan(streamed);
    await page.close();
  });

  it('says a retried step\'s attempt, and a step that ran once as 1', async () => {
    const mark = `${tmpdir()}/strata-ui-attempt-${Date.now()}`;
    const root = { sequence: [
      { id: 'once', ...sh('true') },
      { id: 'flaky', ...sh(`if [ -e ${mark} ]; then exit 0; fi; touch ${mark}; exit 3`), retry: { limit: 2 } },
    ] };
    const { page } = await openRun(root);
    await page.waitForSelector('[data-step="flaky"]');
    await page.click('[data-step="flaky"]');
    await page.waitForSelector('[data-panel-step="flaky"] [data-panel-status="succeeded"]');
    expect(await page.$eval('.step-panel [data-panel-attempt]', (e) => e.textContent)).toBe('2');
    await page.click('[data-step="once"]');
    await page.waitForSelector('[data-panel-step="once"] [data-panel-status="succeeded"]');
    expect(await page.$eval('.step-panel [data-panel-attempt]', (e) => e.textContent)).toBe('1');
    await page.close();
    rmSync(mark, { force: true });
  });

  it('says its run is gone when the run was deleted while the page was open, and stops following the log', async () => {
    const { id, page } = await openRun({ sequence: [{ id: 'said', ...sh('echo kept') }] });
    // The panel opens the step's log stream when the step is clicked, after the page has loaded.
    const logStreams: number[] = [];
    page.on('response', (r) => void (new URL(r.url()).pathname === `/v1/runs/${id}/logs` && logStreams.push(r.status())));
    await page.waitForSelector('[data-step="said"][data-status="succeeded"]');
    expect((await ui.svc.call('DELETE', `/v1/runs/${id}`)).status).toBe(200);
    await page.click('[data-step="said"]');
    await page.waitForSelector('[data-panel-step="said"] [data-panel-refused]');
    expect(await page.$eval('[data-panel-refused]', (e) => e.textContent)).toBe(`no run "${id}"`);
    // Refused once, and not asked again: the log stream was answered 404 and followed no further.
    expect(logStreams).toEqual([404]);
    expect(await page.$eval('.step-panel h3:last-of-type', (e) => e.textContent)).toBe('logs ');
    await page.close();
  });
});
