/**
 * A whole strata (run-service.ts) for a file of tests: started before its tests, closed
 * after them. Call at the top of the file, in place of the beforeAll/afterAll pair each
 * file wrote: `const svc = useRunService(env)`; `svc` then stands for the started service
 * (its calls go to it) inside tests and hooks that run after the file's beforeAll.
 */
import { afterAll, beforeAll } from 'vitest';
import type { RunPartsOptions } from '../../src/app/run-parts.ts';
import { startRunService, type RunTestService } from './run-service.ts';

/** `env` and `o` as startRunService takes them. */
export function useRunService(env: Record<string, string> = {}, o: Partial<RunPartsOptions> = {}): RunTestService {
  let started: RunTestService | undefined;
  beforeAll(async () => {
    started = await startRunService(env, o);
  });
  afterAll(async () => started?.close());
  return new Proxy({} as RunTestService, {
    get(_target, key) {
      if (!started) throw new Error(`useRunService: the service is not started (${String(key)} asked for outside a test or before the file's beforeAll)`);
      const value = (started as unknown as Record<string | symbol, unknown>)[key];
      return typeof value === 'function' ? value.bind(started) : value;
    },
  });
}

/**
 * The environment a `strata` CLI process reaches `svc` with: `{ STRATA_URL }`, read when a
 * test passes or spreads it (after the file's beforeAll has started the service).
 */
export function cliEnv(svc: RunTestService): Record<string, string> {
  return Object.defineProperty({}, 'STRATA_URL', { get: () => svc.url, enumerable: true }) as Record<string, string>;
}

/** The status of each of `ids` in `run`, keyed by id; `absent` for a step the run has not. */
export function stepStatuses(run: { steps: Record<string, { status: string }> }, ids: string[]): Record<string, string> {
  return Object.fromEntries(ids.map((id) => [id, run.steps[id]?.status ?? 'absent']));
}
