/**
 * Issue 9: how throughput grows with the number of worker processes on one Redis. A
 * coordinator in this process, and 1, 2 then 4 `strata worker` processes (each at
 * concurrency 10) on one redis-server; a fan-out of FAN steps at concurrency 40 run
 * through them, for the no-op runtime (strata's own cost) and for real steps
 * (`command: [true]` on the local runtime). Printed: steps per second, and Redis's CPU per
 * step (the one resource all workers share).
 *
 * Nothing here waits without a bound: a worker is ready when it logs that it runs (it
 * fails the bench at once if it exits first), a run's end is heard on its event stream
 * (the run usually ends in a worker process, whose sync this process never sees), and a
 * worker that does not stop on SIGTERM is killed. A bound passed is reported as the
 * figure ("not measured: ...") instead of hanging the whole `npm run bench`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { loadConfig } from '../src/app/config.ts';
import { startRunParts } from '../src/app/run-parts.ts';
import { DefinitionsStore } from '../src/store/definitions-store.ts';
import { benchRedis } from './bench-redis.ts';
import { flowRunner, measured, printFigures, within, type Figure } from './measure.ts';

const READY_MS = 60_000;
const STOP_MS = 20_000;
/** A fan-out of `n` steps at concurrency 40, each a `command: [true]` task (the no-op runtime starts nothing). */
const fanOut = (n: number) => ({ fanOut: { over: Array.from({ length: n }, (_, i) => i), concurrency: 40, do: { id: 'x', task: { image: 'strata/noop', command: ['true'] } } } });
/** A run's bound: generous (a loaded machine runs real steps at tens a second), never unbounded. */
const runBoundMs = (root: unknown) => 120_000 + (root as ReturnType<typeof fanOut>).fanOut.over.length * 200;

/** Start a `strata worker` process (the built one, as users run it); `ready` resolves once it logs that it runs. */
function startWorker(env: Record<string, string>): { proc: ChildProcess; ready: Promise<void> } {
  const proc = spawn(process.execPath, ['bin/strata.js', 'worker'], { env: { ...process.env, ...env, STRATA_LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let tail = '';
  const ready = new Promise<void>((resolve, reject) => {
    proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      tail = (tail + chunk).slice(-4000);
      if (tail.includes('worker running')) resolve();
    });
    proc.once('exit', (code, signal) => reject(new Error(`a worker exited before it ran (${signal ?? `code ${code}`}): ${tail.slice(-1000)}`)));
    proc.once('error', reject);
  });
  return { proc, ready: within(ready, READY_MS, 'a worker process starting') };
}

/** SIGTERM, then SIGKILL for a worker still there after STOP_MS; resolves once every one has exited. */
async function stopWorkers(procs: ChildProcess[]): Promise<void> {
  await Promise.all(procs.map(async (p) => {
    if (p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await within(exited, STOP_MS, 'a worker stopping').catch(() => {
      p.kill('SIGKILL');
      return exited;
    });
  }));
}

export async function workersBench(fan = 2000, counts = [1, 2, 4]): Promise<Figure[]> {
  const { url, admin, home, handle, close } = await benchRedis('workers');
  const figures: Figure[] = [];
  try {
    for (const runtime of ['noop', 'local'] as const) {
      const prefix = `w${runtime}`;
      const config = loadConfig({ PORT: '0', REDIS_URL: url, STRATA_PREFIX: prefix, STRATA_HOME: home });
      const parts = await startRunParts(config, handle, new DefinitionsStore(handle.connect(), `${prefix}:`), { coordinator: true, worker: false });
      const run = flowRunner(parts, { stream: true, boundMs: runBoundMs });
      try {
        for (const n of counts) {
          const name = `${runtime === 'noop' ? 'no-op' : 'real'} fan-out of ${fan}, ${n} worker process${n > 1 ? 'es' : ''} x 10`;
          const procs: ChildProcess[] = [];
          try {
            const env = { REDIS_URL: url, STRATA_PREFIX: prefix, STRATA_HOME: home, STRATA_RUNTIME: runtime, STRATA_WORKER_CONCURRENCY: '10' };
            const started = Array.from({ length: n }, () => startWorker(env));
            procs.push(...started.map((w) => w.proc));
            await Promise.all(started.map((w) => w.ready));
            await run(fanOut(4 * n * 10)); // warm-up: every worker has taken steps
            const { ms, redisCpu } = await measured(admin, () => run(fanOut(fan)));
            figures.push({ name, value: fan / (ms / 1000), unit: `steps/s (Redis CPU ${(redisCpu / fan).toFixed(3)} ms/step)` });
          } catch (e) {
            figures.push({ name, value: NaN, unit: `not measured: ${(e as Error).message.slice(0, 300)}` });
          } finally {
            await stopWorkers(procs);
          }
        }
      } finally {
        await parts.close();
      }
    }
  } finally {
    await close();
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printFigures(await workersBench(), 64);
}
