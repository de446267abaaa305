/** Running one flow root at a level (test/support/levels.ts) through a real service: POST /v1/runs, then wait for its end. */
import type { RunView } from '../../src/run/run-view.ts';
import type { Level } from './levels.ts';
import type { RunTestService } from './run-service.ts';

export interface LevelRun {
  run: RunView;
  /** the run's steps inside the level, keyed by their id there (the pod's prefix taken off) */
  steps: RunView['steps'];
}

export interface LevelRunOptions {
  /** the Flow's name (`f` when not given) */
  name?: string;
  params?: Record<string, unknown>;
  /** the run's own exit handler (spec.onExit), at the macro level only: inside a pod there is none */
  onExit?: unknown;
  timeoutMs?: number;
}

/**
 * Post a Flow whose root is `root` at `level` (the run's root, or the inside of pod `p`) to
 * `svc`, which must answer 202, and wait for the run's end (30 s by default).
 */
export async function runAtLevel(svc: RunTestService, level: Level, root: unknown, o: LevelRunOptions = {}): Promise<LevelRun> {
  const spec = { ...(o.params ? { params: o.params } : {}), root: level.wrap(root), ...(o.onExit && level.prefix === '' ? { onExit: o.onExit } : {}) };
  const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: o.name ?? 'f', version: '1' }, spec };
  const run = await svc.runToEnd({ flow }, { timeoutMs: o.timeoutMs ?? 30_000 });
  const steps = Object.fromEntries(Object.entries(run.steps).filter(([id]) => id.startsWith(level.prefix)).map(([id, s]) => [id.slice(level.prefix.length), s]));
  return { run, steps };
}
