/** Prometheus metrics of the API and the coordinator (prom-client default registry). */
import { Counter, collectDefaultMetrics, register } from 'prom-client';

let defaults = false;
/** Process metrics, registered once per process. */
export function enableDefaultMetrics(): void {
  if (!defaults) collectDefaultMetrics();
  defaults = true;
}

function counter(name: string, help: string, labelNames: string[]): Counter<string> {
  return (register.getSingleMetric(name) as Counter<string> | undefined) ?? new Counter({ name, help, labelNames });
}

export const httpRequests = counter('strata_http_requests_total', 'HTTP requests by method and status', ['method', 'status']);
export const stepsFinished = counter('strata_steps_finished_total', 'steps finished by status', ['status']);
