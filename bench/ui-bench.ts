/**
 * Issue 11: the run page of 10,000-step runs in headless Chromium (test/support/browser.ts):
 * time to first render (navigation start to the picture's first step box, read in the
 * page), the longest main-thread task while it loads (layout runs in a worker), the page's
 * JavaScript heap and DOM size, and the browser's memory (PSS of all its processes). Two
 * shapes: a dependency graph of 10,000 tasks (a tree, 10 children a node) and a fan-out of
 * 10,000 items; the retail run (22 steps) beside them for scale. Steps run on the no-op
 * runtime: only the page is measured here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import type { Page } from 'puppeteer-core';
import { parse } from 'yaml';
import { loadConfig } from '../src/app/config.ts';
import { startRunParts } from '../src/app/run-parts.ts';
import { startService } from '../src/app/service.ts';
import { startRedisServer } from '../src/store/redis-server.ts';
import { NoopRuntime } from '../runtime/noop-runtime.ts';
import { readProcStat } from '../runtime/local/proc-stat.ts';
import { startBrowser } from '../test/support/browser.ts';

export interface Figure {
  name: string;
  value: number;
  unit: string;
}

/**
 * Memory of a process and all its descendants, in MB: the sum of their proportional set
 * sizes (Linux /proc/PID/smaps_rollup `Pss`), so pages the processes share count once.
 */
function treePssMb(pid: number): number {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const ppid = readProcStat(Number(d))?.ppid;
    // undefined: gone meanwhile
    if (ppid !== undefined) children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
  }
  let kb = 0;
  const walk = (p: number) => {
    try {
      kb += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return kb / 1024;
}

async function measure(page: Page, url: string): Promise<{ firstRender: number; longTask: number; heapMb: number; nodes: number }> {
  await page.evaluateOnNewDocument(() => {
    const w = window as unknown as { longest: number };
    w.longest = 0;
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) w.longest = Math.max(w.longest, e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(url);
  await page.waitForSelector('.graph [data-step]', { timeout: 120_000 });
  const firstRender = await page.evaluate(() => performance.now());
  if (process.env.STRATA_BENCH_MARKS) console.log(await page.evaluate(() => performance.getEntriesByType('mark').map((m) => `${m.name} ${m.startTime.toFixed(0)}`).join(', ')));
  await new Promise((r) => setTimeout(r, 1000));
  const longTask = await page.evaluate(() => (window as unknown as { longest: number }).longest);
  const m = await page.metrics();
  return { firstRender, longTask, heapMb: (m.JSHeapUsedSize ?? 0) / 2 ** 20, nodes: m.Nodes ?? 0 };
}

export async function uiBench(n = 10_000): Promise<Figure[]> {
  const server = await startRedisServer();
  const config = loadConfig({ PORT: '0', REDIS_URL: server.url, STRATA_PREFIX: 'ui-bench', STRATA_HOME: '/tmp/strata-ui-bench', STRATA_WORKER_CONCURRENCY: '16', STRATA_IMAGE_MAP: 'examples/retail/images.json' });
  const svc = await startService(config, () => {}, {
    runs: async (redis, defs, builtinRules) => {
      const parts = await startRunParts(config, redis, defs, { coordinator: true, worker: true, builtinRules, runtime: new NoopRuntime() });
      return { port: parts.port!, close: () => parts.close() };
    },
  });
  const admin = new Redis(server.url);
  const chromium = await startBrowser();
  const post = async (path: string, body: unknown) => {
    const res = await fetch(svc.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { runId: string };
  };
  const finish = async (id: string) => {
    for (;;) {
      const status = await admin.hget(`ui-bench:run:${id}`, 'status');
      if (status === 'succeeded' || status === 'failed' || status === 'cancelled') return status;
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const flow = (root: unknown) => ({ flow: { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'ui-bench', version: '1' }, spec: { root } } });
  const task = { task: { image: 'strata/noop' } };
  const figures: Figure[] = [];
  try {
    const nodes: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) nodes[`n${i}`] = { ...task, ...(i > 0 ? { dependsOn: [`n${Math.floor((i - 1) / 10)}`] } : {}) };
    const shapes: Array<[string, string]> = [];
    const graph = await post('/v1/runs', flow({ sequence: [{ id: 'tree', graph: { traversal: 'dependency', nodes } }] }));
    await finish(graph.runId);
    shapes.push([`dependency graph of ${n.toLocaleString('en')} tasks`, graph.runId]);
    const fan = await post('/v1/runs', flow({ sequence: [{ id: 'fan', fanOut: { over: Array.from({ length: n }, (_, i) => i), concurrency: 16, do: task } }] }));
    await finish(fan.runId);
    shapes.push([`fan-out of ${n.toLocaleString('en')} items`, fan.runId]);
    const read = (p: string) => parse(readFileSync(p, 'utf8'));
    await post('/v1/flows', read('examples/retail/report-flow.yaml'));
    await post('/v1/rules', read('examples/retail/rules.yaml'));
    const retail = await post('/v1/datasets?run=true', read('examples/retail/dataset.yaml'));
    await finish(retail.runId);
    shapes.push(['retail example (22 steps)', retail.runId]);

    const browserPid = chromium.browser.process()!.pid!;
    const first: number[] = [];
    for (const [name, id] of shapes) {
      const page = await chromium.page();
      const m = await measure(page, `${svc.url}/ui/runs/${id}`);
      first.push(m.firstRender);
      figures.push(
        { name: `${name}: time to first render`, value: m.firstRender, unit: 'ms' },
        { name: `${name}: longest main-thread task`, value: m.longTask, unit: 'ms' },
        { name: `${name}: page JS heap`, value: m.heapMb, unit: 'MB' },
        { name: `${name}: DOM nodes`, value: m.nodes, unit: '' },
        { name: `${name}: browser memory (PSS of all its processes)`, value: treePssMb(browserPid), unit: 'MB' },
      );
      if (name.startsWith('dependency')) {
        // Opening the summary: the first page of 100 tasks laid out by ELK.
        const t = await page.evaluate(() => performance.now());
        await page.click('[data-step="tree"]');
        await page.waitForFunction(() => document.querySelectorAll('[data-step="tree"] [data-step]').length >= 100, { timeout: 120_000 });
        figures.push({ name: `${name}: open the summary, 100 tasks laid out`, value: (await page.evaluate(() => performance.now())) - t, unit: 'ms' });
      }
      await page.close();
    }
    // Side by side in one browser: what 10,000 steps cost over 22 (the machine's load cancels out).
    figures.push({ name: 'first render, 10,000-step graph / 22-step retail run', value: first[0] / first[2], unit: 'x' }, { name: 'first render, 10,000-item fan-out / 22-step retail run', value: first[1] / first[2], unit: 'x' });
  } finally {
    await chromium.close();
    await admin.quit();
    await svc.close();
    await server.stop();
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const f of await uiBench()) console.log(`${f.name.padEnd(70)} ${Number.isInteger(f.value) ? f.value : f.value.toFixed(1)} ${f.unit}`);
}
