/**
 * PodRuntime `noop`: every pod succeeds at once without starting anything. It measures
 * strata's own overhead (coordinator, queue, worker) in benchmarks; never the default.
 */
import type { PodOutcome, PodReport, PodRequest, PodRuntime } from './pod-runtime.ts';

export class NoopRuntime implements PodRuntime {
  readonly name = 'noop';
  readonly usesFiles = false;

  async run(_req: PodRequest, _onReport: (r: PodReport) => void, _signal: AbortSignal): Promise<PodOutcome> {
    return { ok: true, result: null };
  }
}
