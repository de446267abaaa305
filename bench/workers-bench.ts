/**
 * Issue 9: how throughput grows with the number of worker processes and their concurrency
 * on one Redis. A coordinator in this process, and 1, 2 then 4 `strata worker` processes
 * (each at concurrency 10) on one redis-server; a fan-out at concurrency 40 run through
 * them, of three kinds of step:
 * - no-op steps of 50 ms (bench/sleep-worker.ts: the no-op runtime's path and a timer):
 *   a step holds its slot 50 ms and costs only strata's own work, so throughput can grow
 *   with the steps in flight (at most workers x 10 / 0.05 s, printed beside) until strata's
 *   CPU or Redis is the limit;
 * - sleeping steps (`command: [sleep, 0.05]` on the local runtime): the same with a
 *   process started for each, whose start is the limit first on a loaded machine;
 * - no-op steps (the no-op runtime: strata's own cost, CPU-bound);
 * - real steps (`command: [true]` on the local runtime: a process start each, CPU-bound).
 * Then one worker process with the 50 ms no-op step at concurrency 1, 4, 10 and 20.
 * Printed: steps per second, Redis's CPU per step (the one resource all workers share)
 * and the load average of the machine after each.
 *
 * Nothing here waits without a bound: a worker is ready when it logs that it runs (it
 * fails the bench at once if it exits first), a run's end is heard on its event stream
 * (the run usually ends in a worker process, whose sync this process never sees), and a
 * worker that does not stop on SIGTERM is killed. A bound passed is reported as the
 * figure ("not measured: ...") instead of hanging the whole `npm run bench`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { loadConfig } from '../src/app/config.ts';
import { startRunParts } from '../src/app/run-parts.ts';
import { DefinitionsStore } from '../src/store/definitions-store.ts';
import { benchRedis } from './bench-redis.ts';
import { flowRunner, measured, printFigures, within, type Figure } from './measure.ts';

const READY_MS = 60_000;
const STOP_MS = 20_000;
/** A fan-out of `n` steps at concurrency `c`, each running `command` (the no-op runtime starts nothing). */
const fanOut = (n: number, command: string[], c = 40) => ({ fanOut: { over: Array.from({ length: n }, (_, i) => i), concurrency: c, do: { id: 'x', task: { image: 'strata/noop', command } } } });
/** How long a sleeping step sleeps, in seconds. */
const SLEEP_S = 0.05;
const SLEEP = ['sleep', String(SLEEP_S)];

interface Kind {
  label: string;
  /** `sleep`: bench/sleep-worker.ts, the no-op runtime with steps of SLEEP_S */
  runtime: 'noop' | 'local' | 'sleep';
  command: string[];
  /** steps in the measured fan-out */
  fan: number;
}
/** A run's bound: generous (a loaded machine runs real steps at tens a second), never unbounded. */
const runBoundMs = (root: unknown) => 120_000 + (root as ReturnType<typeof fanOut>).fanOut.over.length * 200;
const load = () => loadavg()[0].toFixed(1);

/** A `strata worker` process (the built one, as users run it), or bench/sleep-worker.ts (no-op steps that last STEP_MS). */
const WORKER = ['bin/strata.js', 'worker'];
const SLEEP_WORKER = ['--import', 'tsx', 'bench/sleep-worker.ts'];

/** Start a worker process; `ready` resolves once it logs that it runs. */
function startWorker(env: Record<string, string>, args = WORKER): { proc: ChildProcess; ready: Promise<void> } {
  const proc = spawn(process.execPath, args, { env: { ...process.env, ...env, STRATA_LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'] });
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

export async function workersBench(fan = 2000, counts = [1, 2, 4], concurrencies = [1, 4, 10, 20], only?: Array<Kind['runtime']>): Promise<Figure[]> {
  const { url, admin, home, handle, close } = await benchRedis('workers');
  const figures: Figure[] = [];
  const kinds: Kind[] = [
    { label: `no-op of ${SLEEP_S * 1000} ms`, runtime: 'sleep', command: ['true'], fan },
    { label: `sleeping (sleep ${SLEEP_S})`, runtime: 'local', command: SLEEP, fan: fan / 2 },
    { label: 'no-op', runtime: 'noop', command: ['true'], fan },
    { label: 'real (true)', runtime: 'local', command: ['true'], fan: fan / 2 },
  ];
  try {
    for (const kind of kinds.filter((k) => !only || only.includes(k.runtime))) {
      const prefix = `w${figures.length}`;
      const config = loadConfig({ PORT: '0', REDIS_URL: url, STRATA_PREFIX: prefix, STRATA_HOME: home });
      const parts = await startRunParts(config, handle, new DefinitionsStore(handle.connect(), `${prefix}:`), { coordinator: true, worker: false });
      const run = flowRunner(parts, { stream: true, boundMs: runBoundMs });
      /** `n` worker processes at concurrency `c` run a fan-out of `steps` at concurrency n x c. */
      const measure = async (name: string, n: number, c: number, steps: number, ideal?: number) => {
        const procs: ChildProcess[] = [];
        try {
          const env = { REDIS_URL: url, STRATA_PREFIX: prefix, STRATA_HOME: home, STRATA_RUNTIME: kind.runtime === 'sleep' ? 'noop' : kind.runtime, STRATA_WORKER_CONCURRENCY: String(c), STEP_MS: String(SLEEP_S * 1000) };
          const started = Array.from({ length: n }, () => startWorker(env, kind.runtime === 'sleep' ? SLEEP_WORKER : WORKER));
          procs.push(...started.map((w) => w.proc));
          await Promise.all(started.map((w) => w.ready));
          await run(fanOut(4 * n * c, kind.command, n * c)); // warm-up: every worker has taken steps
          const { ms, redisCpu } = await measured(admin, () => run(fanOut(steps, kind.command, n * c)));
          const beside = ideal ? `, at most ${ideal.toFixed(0)}` : '';
          figures.push({ name, value: steps / (ms / 1000), unit: `steps/s${beside} (Redis CPU ${(redisCpu / steps).toFixed(3)} ms/step, load ${load()})` });
        } catch (e) {
          figures.push({ name, value: NaN, unit: `not measured: ${(e as Error).message.slice(0, 300)}` });
        } finally {
          await stopWorkers(procs);
        }
      };
      try {
        for (const n of counts) {
          const ideal = kind.command === SLEEP || kind.runtime === 'sleep' ? (n * 10) / SLEEP_S : undefined;
          await measure(`${kind.label} fan-out of ${kind.fan}, ${n} worker process${n > 1 ? 'es' : ''} x 10`, n, 10, kind.fan, ideal);
        }
        // Concurrency in one worker process, with steps that cost the CPU only strata's work.
        if (kind.runtime === 'sleep') {
          for (const c of concurrencies) {
            const steps = Math.min(kind.fan, Math.max(100, Math.round((c / SLEEP_S) * 4)));
            await measure(`${kind.label} fan-out of ${steps}, 1 worker process x ${c}`, 1, c, steps, c / SLEEP_S);
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
  // `npx tsx bench/workers-bench.ts sleep noop` runs those kinds only.
  const only = process.argv.slice(2) as Array<Kind['runtime']>;
  printFigures(await workersBench(undefined, undefined, undefined, only.length ? only : undefined), 64);
}
