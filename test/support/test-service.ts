/** Start a real strata service (real HTTP, real Redis from the global set-up) for a test file. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { startService, type Service, type ServiceParts } from '../../src/app/service.ts';

export interface TestService extends Service {
  prefix: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; text: string }>;
}

export async function startTestService(env: Record<string, string> = {}, parts: ServiceParts = {}, prefix = `t-${randomUUID().slice(0, 8)}`): Promise<TestService> {
  const config = loadConfig({ PORT: '0', REDIS_URL: inject('redisUrl'), STRATA_PREFIX: prefix, STRATA_HOME: join(tmpdir(), `strata-test-${prefix}`), ...env });
  const svc = await startService(config, () => {}, parts);
  return {
    ...svc,
    prefix,
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
