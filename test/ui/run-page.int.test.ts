/**
 * The run page in a real headless Chromium against the real service: the retail example's
 * 22 steps with their final statuses, the pod tree/us-west holding its containers; a run
 * in progress repainting its boxes without a reload, in the order its steps ran.
 */
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startRunService } from '../support/run-service.ts';
import { useServiceAndBrowser } from '../support/service-and-browser.ts';

const read = (p: string) => parse(readFileSync(p, 'utf8'));

/** A TCP proxy to `target`; `cut()` closes every connection through it, as a server restarting would. */
async function cuttableProxy(target: URL): Promise<{ url: string; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const outbound = connect(Number(target.port), target.hostname);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const cut = () => {
    for (const s of sockets) s.destroy();
  };
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, cut, close: () => new Promise((r) => (cut(), server.close(() => r()))) };
}

const ui = useServiceAndBrowser({ STRATA_IMAGE_MAP: 'examples/retail/images.json' });

describe('run page', () => {
  it('shows every step of the retail run with its final status, the pod tree/us-west holding its containers', async () => {
    expect((await ui.svc.call('POST', '/v1/flows', read('examples/retail/report-flow.yaml'))).status).toBe(201);
    expect((await ui.svc.call('POST', '/v1/rules', read('examples/retail/rules.yaml'))).status).toBe(201);
    const posted = await ui.svc.call('POST', '/v1/datasets?run=true', read('examples/retail/dataset.yaml'));
    const run = await ui.svc.waitRun(posted.body.runId, 60_000);
    expect(run.status).toBe('succeeded');
    expect(Object.keys(run.steps)).toHaveLength(22);

    const page = await ui.chromium.page();
    await page.goto(`${ui.svc.url}/ui/runs/${run.id}`);
    await page.waitForFunction((n) => document.querySelectorAll('[data-step]').length >= n, {}, 22);
    const shown = await page.$$eval('[data-step]', (els) => els.map((e) => [e.getAttribute('data-step'), e.getAttribute('data-status')]));
    expect(Object.fromEntries(shown)).toEqual(Object.fromEntries(Object.entries(run.steps).map(([id, s]) => [id, s.status])));
    // macro and micro in one picture: the pod's element holds its containers' elements
    const inPod = await page.$$eval('[data-step="tree/us-west"] [data-step]', (els) => els.map((e) => e.getAttribute('data-step')).sort());
    expect(inPod).toEqual(['tree/us-west/la', 'tree/us-west/sea', 'tree/us-west/sf', 'tree/us-west/us-west']);
    // and the graph holds every tree node, the use unit its step
    expect(await page.$$eval('[data-step="tree"] [data-step]', (els) => els.length)).toBe(19);
    expect(await page.$eval('[data-step="report"]', (e) => !!e.querySelector('[data-step="report/publish"]'))).toBe(true);
    expect(await page.$eval('[data-run-status]', (e) => e.textContent)).toBe('succeeded');
    // a step's panel: its record, its result, its logs
    await page.click('[data-step="tree/us-west/sf"]');
    await page.waitForSelector('[data-panel-step="tree/us-west/sf"] [data-panel-status="succeeded"]');
    await page.waitForFunction(() => document.querySelector('.step-panel pre.result')?.textContent?.includes('cents'));
    const result = JSON.parse((await page.$eval('.step-panel pre.result', (e) => e.textContent))!);
    expect(result).toEqual(run.steps['tree/us-west/sf'].result);
    const logs = (await ui.svc.call('GET', `/v1/runs/${run.id}/steps/tree/us-west/sf/logs`)).text;
    await page.waitForFunction((t) => document.querySelector('.step-panel pre.logs')?.textContent === (t || '—'), {}, logs);
    await page.close();
  });

  it('follows a running step\'s logs in its panel', async () => {
    const gate = `${tmpdir()}/strata-ui-logs-${Date.now()}`;
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'talk', version: '1' }, spec: { root: { sequence: [{ id: 'talk', task: { image: 'busybox', command: ['sh', '-c', `echo first line; while [ ! -f ${gate} ]; do sleep 0.05; done; echo second line; sleep 0.5`] } }] } } };
    const id = (await ui.svc.call('POST', '/v1/runs', { flow })).body.runId as string;
    const page = await ui.chromium.page();
    await page.goto(`${ui.svc.url}/ui/runs/${id}`);
    await page.waitForFunction(() => document.querySelector('[data-step="talk"]')?.getAttribute('data-status') === 'running');
    await page.click('[data-step="talk"]');
    await page.waitForFunction(() => document.querySelector('.step-panel pre.logs')?.textContent?.includes('first line'));
    writeFileSync(gate, '');
    await page.waitForFunction(() => document.querySelector('.step-panel pre.logs')?.textContent?.includes('second line'));
    await page.waitForSelector('[data-panel-status="succeeded"]');
    await page.close();
  });

  it('cancels a running run from its page', async () => {
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'long', version: '1' }, spec: { root: { sequence: [{ id: 'wait', task: { image: 'busybox', command: ['sleep', '30'] } }, { id: 'never', task: { image: 'busybox', command: ['true'] } }] } } };
    const id = (await ui.svc.call('POST', '/v1/runs', { flow })).body.runId as string;
    const page = await ui.chromium.page();
    await page.goto(`${ui.svc.url}/ui/runs/${id}`);
    await page.waitForFunction(() => document.querySelector('[data-step="wait"]')?.getAttribute('data-status') === 'running');
    await page.click('button.cancel');
    await page.waitForFunction(() => document.querySelector('[data-run-status]')?.textContent === 'cancelled');
    expect(await page.$eval('[data-step="wait"]', (e) => e.getAttribute('data-status'))).toBe('cancelled');
    expect((await ui.svc.call('GET', `/v1/runs/${id}`)).body.status).toBe('cancelled');
    await page.close();
  });

  it('repaints boxes as the run goes, without a reload, in the order the steps ran', async () => {
    const gate = `${tmpdir()}/strata-ui-gate-${Date.now()}`;
    const sh = (cmd: string) => ({ image: 'busybox', command: ['sh', '-c', cmd] });
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'live', version: '1' }, spec: { root: { sequence: [
      { id: 'gate', task: sh(`while [ ! -f ${gate} ]; do sleep 0.05; done`) },
      { id: 'a', task: sh('sleep 0.3') },
      { id: 'b', task: sh('sleep 0.3') },
      { id: 'c', task: sh('sleep 0.3') },
    ] } } };
    const started = await ui.svc.call('POST', '/v1/runs', { flow });
    expect(started.status).toBe(202);
    const id = started.body.runId as string;
    const page = await ui.chromium.page();
    await page.goto(`${ui.svc.url}/ui/runs/${id}`);
    await page.waitForSelector('[data-step="c"]');
    await page.waitForFunction(() => document.querySelector('[data-step="gate"]')?.getAttribute('data-status') === 'running');
    // Record every status change from here on; a reload would lose the marker and the record.
    await page.evaluate(() => {
      const w = window as unknown as { changes: string[]; marker: number };
      w.marker = 1;
      w.changes = [];
      new MutationObserver((records) => {
        for (const r of records) {
          const el = r.target as Element;
          if (r.oldValue === el.getAttribute('data-status')) continue; // written again, unchanged
          w.changes.push(`${el.getAttribute('data-step')}:${el.getAttribute('data-status')}`);
        }
      }).observe(document.body, { subtree: true, attributes: true, attributeOldValue: true, attributeFilter: ['data-status'] });
    });
    writeFileSync(gate, '');
    await page.waitForFunction(() => document.querySelector('[data-run-status]')?.textContent === 'succeeded', { timeout: 30_000 });
    const changes = await page.evaluate(() => (window as unknown as { changes: string[]; marker: number }).marker === 1 && (window as unknown as { changes: string[] }).changes);
    // The run's own record of what happened, in order: its server-sent events.
    const text = await (await fetch(`${ui.svc.url}/v1/runs/${id}/events`)).text();
    const events = text.split('\n\n').filter((b) => /^event: step$/m.test(b)).map((b) => JSON.parse(/^data: (.*)$/m.exec(b)![1]) as { step: string; status: string });
    const since = events.findIndex((e) => e.step === 'gate' && e.status === 'running') + 1;
    expect(changes).toEqual(events.slice(since).map((e) => `${e.step}:${e.status}`));
    expect(changes).toHaveLength(7); // gate done, then a, b, c each running and done
    await page.close();
  });

  // docs/runs.md, Superseded steps: a composite run again whole whose fan-out made 3 items, then 1.
  it('greys the steps of an earlier attempt as superseded, live and on a reload, never failed beside a run that succeeded', async () => {
    const gate = `${tmpdir()}/strata-ui-superseded-gate-${Date.now()}`;
    const counter = `${tmpdir()}/strata-ui-superseded-list-${Date.now()}`;
    const sh = (cmd: string) => ({ image: 'busybox', command: ['sh', '-c', cmd] });
    const again = `${gate}-again`;
    // Its second run waits for `again`: meanwhile the page shows the first attempt superseded, live.
    const list = { id: 'list', task: { ...sh(`echo x >> ${counter}; if [ "$(wc -l < ${counter})" -eq 1 ]; then echo "[0,1,2]"; else while [ ! -f ${again} ]; do sleep 0.05; done; echo "[0]"; fi`), result: 'stdout' } };
    const fan = { id: 'fan', fanOut: { over: { result: './list' }, do: { task: sh('test "$STRATA_ITEM" != 2') } } };
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'superseded-ui', version: '1' }, spec: { root: { sequence: [
      { id: 'gate', task: sh(`while [ ! -f ${gate} ]; do sleep 0.05; done`) },
      { id: 'grp', retryWhole: { limit: 1 }, sequence: [list, fan] },
    ] } } };
    const started = await ui.svc.call('POST', '/v1/runs', { flow });
    expect(started.status).toBe(202);
    const id = started.body.runId as string;
    const page = await ui.chromium.page();
    await page.goto(`${ui.svc.url}/ui/runs/${id}`);
    await page.waitForFunction(() => document.querySelector('[data-step="gate"]')?.getAttribute('data-status') === 'running');
    writeFileSync(gate, '');
    // Live (no reload), while the second attempt runs: the supersede event greyed the first attempt's steps.
    await page.waitForFunction(() => ['grp/fan/0', 'grp/fan/1', 'grp/fan/2'].every((s) => document.querySelector(`[data-step="${s}"]`)?.getAttribute('data-status') === 'superseded') && document.querySelector('[data-step="grp/list"]')?.getAttribute('data-status') === 'running', { timeout: 30_000 });
    expect(await page.$eval('[data-run-status]', (e) => e.textContent)).toBe('running');
    writeFileSync(again, '');
    await page.waitForFunction(() => document.querySelector('[data-run-status]')?.textContent === 'succeeded', { timeout: 30_000 });
    const run = await ui.svc.waitRun(id);
    expect([run.steps['grp/fan/1'].status, run.steps['grp/fan/2'].status]).toEqual(['superseded', 'superseded']);
    const painted = async () => Object.fromEntries(await page.$$eval('[data-step]', (els) => els.map((e) => [e.getAttribute('data-step'), e.getAttribute('data-status')])));
    // The second attempt's steps painted over it: what the run's view says.
    await page.waitForFunction(() => document.querySelector('[data-step="grp/fan/0"]')?.getAttribute('data-status') === 'succeeded', { timeout: 10_000 });
    expect(await painted()).toEqual(Object.fromEntries(Object.entries(run.steps).map(([step, s]) => [step, s.status])));
    await page.reload();
    await page.waitForSelector('[data-step="grp/fan/2"]');
    expect(await painted()).toEqual(Object.fromEntries(Object.entries(run.steps).map(([step, s]) => [step, s.status])));
    await page.close();
    for (const f of [gate, again, counter]) rmSync(f, { force: true });
  });

  it('shows hostile text as text: HTML in labels, a step\'s error and result, right-to-left and very long text', async () => {
    const html = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const rtl = '\u202Eevil\u202C \u05E9\u05DC\u05D5\u05DD';
    const long = 'x'.repeat(5000);
    const sh = (script: string) => ({ image: 'busybox', command: ['sh', '-c', script] });
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'hostile', version: '1' }, spec: { root: { sequence: [
      { id: 'says', task: { ...sh(`printf '%s' '${JSON.stringify({ html, rtl, long })}' > $STRATA_OUTPUTS/result.json`) } },
      { id: 'fails', task: sh(`echo '${html}'; echo '${html}' >&2; exit 3`) },
    ] } } };
    // Labels are held to Kubernetes' rule (src/flow/labels.ts): HTML in one is refused. A run
    // stored before the rule may hold any label text: it stands in for one, written where a run keeps its labels.
    const refused = await ui.svc.call('POST', '/v1/runs', { flow, labels: { team: html } });
    expect(refused.status, refused.text).toBe(400);
    const posted = await ui.svc.call('POST', '/v1/runs', { flow });
    expect(posted.status, posted.text).toBe(202);
    const id = posted.body.runId as string;
    const run = await ui.svc.waitRun(id, 60_000);
    expect(run.status).toBe('failed');
    await ui.svc.redis.connect().hset(`${ui.svc.prefix}:run:${id}`, 'labels', JSON.stringify({ team: html, rtl, long: long.slice(0, 60) }));
    const page = await ui.chromium.page();
    await page.goto(`${ui.svc.url}/ui/runs`);
    await page.waitForSelector(`a[href="/ui/runs/${id}"]`);
    const row = await page.$eval(`tr:has(a[href="/ui/runs/${id}"])`, (e) => e.textContent ?? '');
    expect(row).toContain(`team=${html}`);
    expect(row).toContain(`rtl=${rtl}`);
    await page.goto(`${ui.svc.url}/ui/runs/${id}`);
    await page.waitForSelector('[data-step="fails"][data-status="failed"]');
    await page.click('[data-step="fails"]');
    await page.waitForSelector('[data-panel-step="fails"] .error');
    expect(await page.$eval('[data-panel-step="fails"] dd.error', (e) => e.textContent)).toBe(run.steps.fails.error);
    await page.waitForFunction((h) => document.querySelector('.step-panel pre.logs')?.textContent?.includes(h), {}, html);
    await page.click('[data-step="says"]');
    await page.waitForFunction((l) => document.querySelector('[data-panel-step="says"] pre.result')?.textContent?.includes(l), {}, long);
    expect(JSON.parse(await page.$eval('[data-panel-step="says"] pre.result', (e) => e.textContent ?? ''))).toEqual({ html, rtl, long });
    // Nothing of it became markup: no image, no script ran.
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.$$eval('img[src="x"], script:not([src])', (els) => els.length)).toBe(0);
    await page.close();
  });

  it('asks for a token when its event stream comes back refused (401), and follows the run again with the one given', async () => {
    const TOKEN = 'sesame-sesame-open';
    const guarded = await startRunService({ STRATA_API_TOKENS: TOKEN });
    const gate = `${tmpdir()}/strata-ui-401-${Date.now()}`;
    const cleanups: Array<() => Promise<void>> = [];
    try {
      const auth = { authorization: `Bearer ${TOKEN}` };
      const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'guarded', version: '1' }, spec: { root: { sequence: [
        { id: 'wait', task: { image: 'busybox', command: ['sh', '-c', `while [ ! -f ${gate} ]; do sleep 0.05; done`] } },
      ] } } };
      const posted = await guarded.call('POST', '/v1/runs', { flow }, auth);
      expect(posted.status, posted.text).toBe(202);
      const id = posted.body.runId as string;
      // The page reaches the API through a proxy whose connections the test can cut.
      const proxy = await cuttableProxy(new URL(guarded.url));
      cleanups.push(() => proxy.close());
      const page = await ui.chromium.page();
      await page.goto(`${proxy.url}/ui/runs`);
      await page.evaluate((t) => sessionStorage.setItem('strata-token', t), TOKEN);
      await page.goto(`${proxy.url}/ui/runs/${id}`);
      await page.waitForFunction(() => document.querySelector('[data-step="wait"]')?.getAttribute('data-status') === 'running');
      // The token is no longer one the API takes (as after a restart with other tokens), and the stream drops.
      await page.evaluate(() => sessionStorage.setItem('strata-token', 'an-old-token-gone-now'));
      proxy.cut();
      await page.waitForSelector('form.token input[name="token"]');
      expect(await page.$eval('p.error[role="alert"]', (e) => e.textContent)).toMatch(/^The token given was refused: /);
      await page.type('form.token input[name="token"]', TOKEN);
      await Promise.all([page.waitForNavigation(), page.click('form.token button')]);
      await page.waitForFunction(() => document.querySelector('[data-step="wait"]')?.getAttribute('data-status') === 'running');
      writeFileSync(gate, '');
      await page.waitForFunction(() => document.querySelector('[data-step="wait"]')?.getAttribute('data-status') === 'succeeded');
      await page.close();
    } finally {
      writeFileSync(gate, '');
      for (const c of cleanups.splice(0)) await c();
      await guarded.close();
    }
  });

  it('carries on after its event stream drops mid-run: what happened meanwhile is read back (Last-Event-ID), without a reload', async () => {
    const gate = `${tmpdir()}/strata-ui-drop-${Date.now()}`;
    const proxy = await cuttableProxy(new URL(ui.svc.url));
    try {
      const sh = (script: string) => ({ image: 'busybox', command: ['sh', '-c', script] });
      const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'dropped', version: '1' }, spec: { root: { sequence: [
        { id: 'first', task: sh(`while [ ! -f ${gate} ]; do sleep 0.05; done`) },
        { id: 'fan', fanOut: { over: [1, 2, 3], do: { task: sh('true') } } },
        { id: 'last', task: sh('true') },
      ] } } };
      const id = (await ui.svc.call('POST', '/v1/runs', { flow })).body.runId as string;
      const page = await ui.chromium.page();
      await page.goto(`${proxy.url}/ui/runs/${id}`);
      await page.waitForFunction(() => document.querySelector('[data-step="first"]')?.getAttribute('data-status') === 'running');
      const marker = await page.evaluate(() => ((window as unknown as { __same: number }).__same = 1));
      proxy.cut();
      writeFileSync(gate, '');
      const run = await ui.svc.waitRun(id, 60_000);
      expect(run.status).toBe('succeeded');
      await page.waitForSelector('[data-run-status="succeeded"]');
      await page.waitForFunction(() => document.querySelector('[data-step="last"]')?.getAttribute('data-status') === 'succeeded');
      for (const step of ['first', 'fan', 'last']) expect(await page.$eval(`[data-step="${step}"]`, (e) => e.getAttribute('data-status')), step).toBe('succeeded');
      // The same page all along: no reload.
      expect(await page.evaluate(() => (window as unknown as { __same?: number }).__same)).toBe(marker);
      await page.close();
    } finally {
      writeFileSync(gate, '');
      await proxy.close();
    }
  });
});
