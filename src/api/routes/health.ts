/** Health, readiness (Redis reachable) and Prometheus metrics. */
import { Hono } from 'hono';
import { RETRY_AFTER_SECONDS } from '../../errors/strata-error.ts';
import type { ApiDeps } from '../deps.ts';
import { METRICS_CONTENT_TYPE, metricsText } from '../metrics.ts';

export function healthRoutes(deps: ApiDeps): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    try {
      await Promise.race([deps.redis.ping(), new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 1000))]);
      return c.json({ status: 'ready', redis: 'ok' });
    } catch (e) {
      // Like every 503 for Redis away or busy: when to ask again.
      return c.json({ status: 'not ready', redis: (e as Error).message }, 503, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
    }
  });
  app.get('/metrics', async (c) => c.text(await metricsText(deps.queueMetrics ? [deps.queueMetrics] : []), 200, { 'content-type': METRICS_CONTENT_TYPE }));
  return app;
}
