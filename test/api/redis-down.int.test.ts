/** Redis going away: requests are answered 503 (not hung, not 500), health stays up, readiness goes down. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { startService } from '../../src/app/service.ts';
import { startRedisServer } from '../../src/store/redis-server.ts';
import { until } from '../support/processes.ts';

describe('Redis away', () => {
  it('answers 503 with a sentence and comes back when Redis does', async () => {
    const redis = await startRedisServer();
    const svc = await startService(loadConfig({ PORT: '0', REDIS_URL: redis.url, STRATA_PREFIX: 'down' }), () => {});
    try {
      expect((await fetch(`${svc.url}/v1/rules`)).status).toBe(200);
      await redis.stop();
      const r = await fetch(`${svc.url}/v1/rules`);
      expect(r.status).toBe(503);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('unavailable');
      expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${svc.url}/readyz`)).status).toBe(503);
      const again = await startRedisServer({ port: redis.port });
      try {
        await until('the API to answer again', async () => (await fetch(`${svc.url}/v1/rules`)).status === 200, 15_000);
      } finally {
        await again.stop();
      }
    } finally {
      await svc.close().catch(() => undefined);
    }
  });
});
