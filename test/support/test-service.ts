/** Start a real strata service (real HTTP, real Redis from the global set-up) for a test file. */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, inject } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { startService, type Service, type ServiceParts } from '../../src/app/service.ts';

export interface TestService extends Service {
  prefix: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; text: string }>;
}

/**
 * A strata service on the test Redis with prefix `prefix` (a fresh one by default) and its home
 * `<os tmpdir>/strata-test-<prefix>`. A home this made for a fresh prefix is removed at close;
 * one for a prefix the caller gives is kept, for a test that starts strata again on it.
 */
export async function startTestService(env: Record<string, string> = {}, parts: ServiceParts = {}, prefix?: string): Promise<TestService> {
  const fresh = prefix === undefined;
  const p = prefix ?? `t-${randomUUID().slice(0, 8)}`;
  const home = testHome(p);
  const config = loadConfig({ PORT: '0', REDIS_URL: inject('redisUrl'), STRATA_PREFIX: p, STRATA_HOME: home, ...env });
  const svc = await startService(config, () => {}, parts);
  return {
    ...svc,
    prefix: p,
    async close(force?: boolean) {
      await svc.close(force);
      if (fresh && env.STRATA_HOME === undefined) rmSync(home, { recursive: true, force: true });
    },
    async call(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= typeof body === 'string' ? 'application/yaml' : 'application/json';
      }
      const res = await fetch(svc.url + path, init);
      const text = await res.text();
      let parsed: unknown = undefined;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: res.status, body: parsed, text };
    },
  };
}

/** The home a test service on prefix `prefix` is given: `<os tmpdir>/strata-test-<prefix>`. */
export function testHome(prefix: string): string {
  return join(tmpdir(), `strata-test-${prefix}`);
}

/**
 * Prefixes for a file of tests that start strata on a prefix of their own (to start it again on
 * the same prefix, or as a separate process): call at the top of the file; `newPrefix('crash')`
 * is `crash-<8 hex>`, and each such prefix's home (testHome) is removed after the file's tests.
 */
export function usePrefixes(): (name: string) => string {
  const made: string[] = [];
  afterAll(() => {
    for (const prefix of made.splice(0)) rmSync(testHome(prefix), { recursive: true, force: true });
  });
  return (name) => {
    const prefix = `${name}-${randomUUID().slice(0, 8)}`;
    made.push(prefix);
    return prefix;
  };
}
