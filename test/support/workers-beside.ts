/**
 * A test service that runs no step worker (startRunService `worker: false`), with real
 * `strata worker` processes beside it on its Redis, prefix and home: a plain one, or one
 * whose Redis writes fail in a given way (faulty-worker.mjs). For the tests of what a worker
 * process does alone (its asks, its early answers, the limits it folds a run with). Call
 * `useWorkersBeside()` at the top of a file: everything it started is stopped after the
 * file's tests, last first, as is what `later` is given.
 */
import { afterAll, inject } from 'vitest';
import { spawnStrata, stop } from './processes.ts';
import { startRunService, type RunTestService } from './run-service.ts';
import type { RunPartsOptions } from '../../src/app/run-parts.ts';

/** faulty-worker.mjs: every enqueue and commit refused (`fail`) or held (`hang`); the first append of an ask refused (`ask-once`). */
export type Fault = 'fail' | 'hang' | 'ask-once';
export type WorkerProcess = ReturnType<typeof spawnStrata>;

export interface WorkersBeside {
  /** A service without a worker (`env`, `o` as startRunService takes them), and the environment a worker beside it takes (`workerEnv` added). */
  service(env?: Record<string, string>, o?: Partial<RunPartsOptions>, workerEnv?: Record<string, string>): Promise<{ svc: RunTestService; env: Record<string, string> }>;
  /** A real `strata worker` with `env`; with a fault, faulty-worker.mjs in its place. */
  worker(env: Record<string, string>, fault?: Fault): WorkerProcess;
  /** Undo `u` after the file's tests too (a queue to close). */
  later(u: () => Promise<unknown> | unknown): void;
}

/** Services and workers for a file of tests, each stopped after its tests. */
export function useWorkersBeside(): WorkersBeside {
  const undo: Array<() => Promise<unknown> | unknown> = [];
  afterAll(async () => {
    for (const u of undo.splice(0).reverse()) await Promise.resolve().then(u).catch(() => undefined);
  });
  return {
    async service(env = {}, o = {}, workerEnv = {}) {
      const svc = await startRunService(env, { ...o, worker: false });
      undo.push(() => svc.close());
      return { svc, env: { ...workerEnv, REDIS_URL: inject('redisUrl'), STRATA_PREFIX: svc.prefix, STRATA_HOME: svc.home } };
    },
    worker(env, fault) {
      const w = spawnStrata(['worker'], env, fault ? { entry: ['test/support/faulty-worker.mjs', fault] } : {});
      undo.push(() => stop(w));
      return w;
    },
    later(u) {
      undo.push(u);
    },
  };
}

/** A pod whose flow fans out over `params.ns`, each item a container appending a line to `${dir}/ran` (linesIn(dir, 'ran') counts them). */
export function podFanningOut(dir: string): { id: string; pod: { flow: unknown } } {
  return { id: 'p', pod: { flow: { id: 'g', fanOut: { over: { var: 'params.ns' }, do: { id: 't', task: { image: 'alpine', command: ['sh', '-c', `echo x >> ${dir}/ran`] } } } } } };
}
