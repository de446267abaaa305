/**
 * The RunObserver of a strata process: one structured log line per run start and end and
 * per step start and end, the run and step metrics, and the run-end hooks (onEnd
 * notifications). Fields of each line: docs/operating.md.
 */
import { runDuration, runsFinished, runsStarted, stepDuration, stepsFinished, stepsRunning } from '../api/metrics.ts';
import type { RunStatus } from '../engine/types.ts';
import type { RunObserver } from '../run/run-observer.ts';
import type { RunStore } from '../store/run-store.ts';
import type { Logger } from './logger.ts';

export interface TelemetryDeps {
  log: Logger;
  /** read when a run ends, for its duration and flow */
  store: () => RunStore | undefined;
  /** called after the end is logged and counted (notifications) */
  onEnd?: (runId: string, status: RunStatus) => void;
}

export function runTelemetry(d: TelemetryDeps): RunObserver {
  return {
    runStarted(run) {
      runsStarted.inc();
      d.log.info({ event: 'run.start', run: run.id, flow: run.flow, labels: run.labels }, `run ${run.id} started (${run.flow})`);
    },
    runEnded(runId, status) {
      void (async () => {
        const fields = await d.store()?.redis.hmget(d.store()!.key(runId), 'flow', 'createdAt', 'finishedAt', 'error').catch(() => undefined);
        const [flow, createdAt, finishedAt, error] = fields ?? [];
        const ms = createdAt && finishedAt ? Date.parse(finishedAt) - Date.parse(createdAt) : undefined;
        runsFinished.inc({ status });
        if (ms !== undefined) runDuration.observe({ status }, ms / 1000);
        const line = { event: 'run.end', run: runId, flow, status, durationMs: ms, ...(error ? { error } : {}) };
        if (status === 'failed') d.log.warn(line, `run ${runId} ${status}${error ? `: ${error}` : ''}`);
        else d.log.info(line, `run ${runId} ${status}`);
        d.onEnd?.(runId, status);
      })();
    },
    stepStarted(s) {
      stepsRunning.inc();
      d.log.info({ event: 'step.start', run: s.runId, step: s.step, attempt: s.attempt }, `step ${s.step} of ${s.runId} started (attempt ${s.attempt})`);
    },
    stepEnded(s) {
      stepsRunning.dec();
      stepsFinished.inc({ status: s.outcome });
      stepDuration.observe({ status: s.outcome }, s.durationMs / 1000);
      const line = { event: 'step.end', run: s.runId, step: s.step, attempt: s.attempt, durationMs: s.durationMs, outcome: s.outcome, ...(s.error ? { error: s.error } : {}) };
      d.log.info(line, `step ${s.step} of ${s.runId} ${s.outcome} in ${s.durationMs} ms`);
    },
  };
}
