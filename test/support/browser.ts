/**
 * A real headless Chromium for page tests, benchmarks and screenshots: Debian's chromium
 * (scripts/ensure-chromium.mjs installs it; STRATA_CHROMIUM names another) driven by
 * puppeteer-core, with a fresh profile directory each time and nothing reaching out
 * (no background networking, updates, sync or QUIC).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export interface TestBrowser {
  browser: Browser;
  page(width?: number, height?: number): Promise<Page>;
  close(): Promise<void>;
}

export async function startBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'strata-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: process.env.STRATA_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', `--user-data-dir=${profile}`],
  });
  return {
    browser,
    async page(width = 1400, height = 900) {
      const page = await browser.newPage();
      await page.setViewport({ width, height });
      page.setDefaultTimeout(20_000);
      return page;
    },
    async close() {
      await browser.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
