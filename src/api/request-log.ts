/**
 * One log line and one duration sample per request: method, route (the matched pattern,
 * `/v1/runs/:id`, so metrics do not grow a series per run), status and milliseconds.
 * Probes and scrapes (/healthz, /readyz, /metrics) log at debug level.
 */
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { LogPort } from './deps.ts';
import { httpDuration, httpRequests } from './metrics.ts';

const QUIET = new Set(['/healthz', '/readyz', '/metrics']);

export function requestLog(log?: LogPort): MiddlewareHandler {
  return async (c, next) => {
    const began = performance.now();
    await next();
    const ms = performance.now() - began;
    // The last matched pattern is the route's; a request no route took is `unmatched`.
    let route = routePath(c, -1);
    if (!route || route === '*' || route === '/*') route = 'unmatched';
    const labels = { method: c.req.method, route, status: String(c.res.status) };
    httpRequests.inc(labels);
    httpDuration.observe(labels, ms / 1000);
    const fields = { event: 'http.request', ...labels, ms: Math.round(ms * 10) / 10 };
    if (QUIET.has(c.req.path)) log?.debug(fields, `${c.req.method} ${c.req.path} ${c.res.status}`);
    else log?.info(fields, `${c.req.method} ${c.req.path} ${c.res.status} ${fields.ms} ms`);
  };
}
