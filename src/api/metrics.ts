/**
 * Prometheus metrics (prom-client's default registry), named after Prometheus conventions:
 * `_total` counters, `_seconds` histograms, base units. Which process counts what:
 * docs/operating.md. The step queue's waiting and active jobs come from BullMQ's own
 * exporter (`bullmq_job_count`), appended to the same page.
 */
import { Counter, Gauge, Histogram, collectDefaultMetrics, register, type Metric } from 'prom-client';

let defaults = false;
/** Process metrics, registered once per process. */
export function enableDefaultMetrics(): void {
  if (!defaults) collectDefaultMetrics();
  defaults = true;
}

/** A metric registered once per process, however often its module is loaded (tests load it many times). */
function once<T extends Metric<string>>(name: string, make: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? make();
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14400];

export const httpRequests = once('strata_http_requests_total', () => new Counter({ name: 'strata_http_requests_total', help: 'HTTP requests by method, route and status', labelNames: ['method', 'route', 'status'] }));
export const httpDuration = once('strata_http_request_duration_seconds', () => new Histogram({ name: 'strata_http_request_duration_seconds', help: 'HTTP request duration by method, route (the route pattern) and status', labelNames: ['method', 'route', 'status'], buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] }));
export const runsStarted = once('strata_runs_started_total', () => new Counter({ name: 'strata_runs_started_total', help: 'runs started' }));
export const runsFinished = once('strata_runs_finished_total', () => new Counter({ name: 'strata_runs_finished_total', help: 'runs finished by status', labelNames: ['status'] }));
export const runDuration = once('strata_run_duration_seconds', () => new Histogram({ name: 'strata_run_duration_seconds', help: 'run duration from creation to end, by status', labelNames: ['status'], buckets: SECONDS }));
export const stepsFinished = once('strata_steps_finished_total', () => new Counter({ name: 'strata_steps_finished_total', help: 'macro step attempts finished by outcome', labelNames: ['status'] }));
export const stepDuration = once('strata_step_duration_seconds', () => new Histogram({ name: 'strata_step_duration_seconds', help: 'macro step attempt duration by outcome', labelNames: ['status'], buckets: SECONDS }));
export const stepsRunning = once('strata_steps_running', () => new Gauge({ name: 'strata_steps_running', help: 'macro step attempts running in this process' }));
export const schedulesFired = once('strata_schedule_runs_total', () => new Counter({ name: 'strata_schedule_runs_total', help: 'runs started by schedules, by schedule', labelNames: ['schedule'] }));
export const notifications = once('strata_notifications_total', () => new Counter({ name: 'strata_notifications_total', help: 'onEnd notifications by outcome (delivered, failed)', labelNames: ['outcome'] }));

/**
 * The metrics page: this process's metrics, then `extra` exporters' text (BullMQ's queue
 * counts). An exporter that fails (Redis away or frozen: the exporter is bounded by the
 * Redis command timeout, see RunParts.queueMetrics) fails the page, which answers 503 with
 * Retry-After like every route that needs Redis, rather than a page silently missing the queue.
 */
export async function metricsText(extra: Array<() => Promise<string>> = []): Promise<string> {
  const parts = [await register.metrics()];
  for (const e of extra) parts.push(await e());
  return parts.filter((p) => p.trim() !== '').join('\n');
}

export const METRICS_CONTENT_TYPE = register.contentType;
