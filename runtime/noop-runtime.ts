/**
 * PodRuntime `noop`: every pod succeeds at once without starting anything. It measures
 * strata's own overhead in benchmarks; never the default. A step run through it takes the
 * path of a real step (coordinator, queue, worker, its inputs and outputs directories, the
 * keeping of its outputs) minus the program: it reads as one that exited 0 and wrote nothing.
 */
import type { PodOutcome, PodReport, PodRequest, PodRuntime } from './pod-runtime.ts';

export class NoopRuntime implements PodRuntime {
  readonly name = 'noop';

  async run(_req: PodRequest, _onReport: (r: PodReport) => void, _signal: AbortSignal): Promise<PodOutcome> {
    return { ok: true, exitCode: 0 };
  }
}
