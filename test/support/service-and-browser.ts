/**
 * A whole strata (run-service.ts) and a headless Chromium (browser.ts) for a file of page
 * tests: both started before its tests, both closed after them. Call at the top of the
 * file; `ui.svc` and `ui.chromium` are set once the file's beforeAll has run.
 */
import { afterAll, beforeAll } from 'vitest';
import { startBrowser, type TestBrowser } from './browser.ts';
import { startRunService, type RunTestService } from './run-service.ts';

export interface ServiceAndBrowser {
  svc: RunTestService;
  chromium: TestBrowser;
}

/** `env`: the service's environment (as startRunService takes it). */
export function useServiceAndBrowser(env: Record<string, string> = {}): ServiceAndBrowser {
  const ui = {} as ServiceAndBrowser;
  beforeAll(async () => {
    [ui.svc, ui.chromium] = await Promise.all([startRunService(env), startBrowser()]);
  });
  afterAll(async () => {
    await ui.chromium?.close();
    await ui.svc?.close();
  });
  return ui;
}
