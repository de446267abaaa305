/** What the benchmarks measure besides wall time: CPU time of this process and of Redis, Redis commands and memory. */
import { cpuMs } from './cpu-time.mjs';
import type { Redis } from 'ioredis';
import type { RunParts } from '../src/app/run-parts.ts';
import { validateFlowDocument } from '../src/flow/flow-document.ts';
import { compileFlow } from '../src/plan/compile.ts';

export interface Figure {
  name: string;
  value: number;
  unit: string;
}

/** Redis's own CPU time (INFO cpu: used_cpu_user + used_cpu_sys), in ms. */
export async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const user = Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? 0);
  const sys = Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? 0);
  return (user + sys) * 1000;
}

/** Commands Redis has run since its counters were reset (INFO commandstats), INFO and CONFIG left out. */
export async function commandCount(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  let total = 0;
  for (const m of info.matchAll(/cmdstat_(\w+):calls=(\d+)/g)) if (m[1] !== 'info' && m[1] !== 'config') total += Number(m[2]);
  return total;
}

/** Redis's used memory in bytes (INFO memory). */
export async function redisMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

/** What `work` cost: its wall time, and the CPU time spent meanwhile by this process (with reaped children) and by Redis, all in ms. */
export async function measured<T>(redis: Redis, work: () => Promise<T>): Promise<{ result: T; ms: number; cpu: number; redisCpu: number }> {
  const cpu = cpuMs();
  const rcpu = await redisCpuMs(redis);
  const t = performance.now();
  const result = await work();
  const ms = performance.now() - t;
  return { result, ms, cpu: cpuMs() - cpu, redisCpu: (await redisCpuMs(redis)) - rcpu };
}

/** `p`, or a rejection naming `what` once `ms` have passed (a bench reports a bound passed rather than hang). */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not over after ${ms / 1000} s`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

export interface FlowRunnerOptions {
  /**
   * Hear a run's end on its event stream (`parts.port.follow`) instead of through
   * `onRunDone`, which only fires in the process whose sync ended the run: needed when
   * workers in other processes run the steps (and usually end the run).
   */
  stream?: boolean;
  /** reject a run not over after this many ms (default: wait as long as it takes) */
  boundMs?: (root: unknown) => number;
}

/**
 * A runner of flows on `parts`' coordinator: `run(root)` wraps `root` in a Flow named
 * `bench`, starts it, waits for its end (through `onRunDone`, which it takes over, or
 * the run's event stream) and resolves with the wall time from start to end in ms; a run
 * that does not succeed rejects.
 */
export function flowRunner(parts: RunParts, o: FlowRunnerOptions = {}): (root: unknown) => Promise<number> {
  const waiters = new Map<string, () => void>();
  const finished = new Set<string>();
  if (!o.stream) {
    parts.sys.ports.onRunDone = (id) => {
      finished.add(id);
      waiters.get(id)?.();
    };
  }
  return async (root) => {
    const doc = validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'bench', version: '1' }, spec: { root } });
    const compiled = compileFlow(doc);
    const start = performance.now();
    const id = await parts.coordinator!.startRun(doc, compiled, {}, {});
    let following: Promise<() => void> | undefined;
    const ended = new Promise<void>((res, rej) => {
      if (!o.stream) return finished.has(id) ? res() : void waiters.set(id, res);
      // From event 0: an end that came before the stream was followed is in the backlog.
      following = parts.port!.follow(id, 0, (events) => {
        if (events.some((e) => e.run && ['succeeded', 'failed', 'cancelled'].includes(e.status))) res();
      });
      following.catch(rej);
    });
    try {
      await (o.boundMs ? within(ended, o.boundMs(root), `run ${id}`) : ended);
    } finally {
      waiters.delete(id);
      void following?.then((stop) => stop(), () => undefined);
    }
    const status = await parts.sys.store.status(id);
    if (status !== 'succeeded') throw new Error(`bench run ${id} ended ${status}`);
    return performance.now() - start;
  };
}

/** Prints figures one a line, names padded to `width`, values to two decimals (a file run on its own). */
export function printFigures(figures: Figure[], width = 48): void {
  for (const f of figures) console.log(`${f.name.padEnd(width)} ${f.value.toFixed(2)} ${f.unit}`);
}
