/** A worker's /metrics on a port of its own (STRATA_METRICS_PORT), for Prometheus to scrape. */
import { Hono } from 'hono';
import { errorResponse } from '../api/error-handler.ts';
import { METRICS_CONTENT_TYPE, metricsText } from '../api/metrics.ts';
import { listen, type Served } from './serve.ts';

export function serveMetrics(port: number, host: string, queueMetrics?: () => Promise<string>): Promise<Served> {
  const app = new Hono();
  // Redis away: 503 with Retry-After, as the API answers.
  app.onError((err, c) => errorResponse(err, c));
  app.get('/metrics', async (c) => c.text(await metricsText(queueMetrics ? [queueMetrics] : []), 200, { 'content-type': METRICS_CONTENT_TYPE }));
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  return listen(app, port, host, 'STRATA_METRICS_PORT');
}
