/**
 * The per-step cost of a no-op fan-out, for profiling (docs/performance.md, "The cost of
 * a step"): only strata's part of benchmark (b), a fan-out of FAN no-op steps at
 * concurrency 10, coordinator and worker in this process, after a warm-up. Prints Redis's
 * commands per step by name (INFO commandstats), the bytes Redis read and wrote per step
 * (INFO stats: total_net_input_bytes, total_net_output_bytes) and the CPU per step of this
 * process and of Redis. With COUNT=1, the commands clients send (MONITOR lines not from a
 * script) are counted instead, by name and by whose keys they name (strata's run keys or
 * BullMQ's `<prefix>:bull:`): round trips, where the INFO counts include what scripts run
 * inside Redis (MONITOR slows Redis: times are not to be read then). With PROFILE=<file>, the measured fan-out alone is profiled
 * (V8's sampling profiler through node:inspector, as `node --cpu-prof` does for a whole
 * process) into <file>, a .cpuprofile that Chrome's DevTools open.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { Redis } from 'ioredis';
import { loadConfig } from '../src/app/config.ts';
import { startRunParts } from '../src/app/run-parts.ts';
import { DefinitionsStore } from '../src/store/definitions-store.ts';
import { NoopRuntime } from '../runtime/noop-runtime.ts';
import { benchRedis } from './bench-redis.ts';
import { flowRunner, measured } from './measure.ts';
import { monitorRedis } from '../test/support/redis-monitor.ts';

// REAL=1: real steps (`command: [true]` on the local runtime) instead of no-op ones.
const real = process.env.REAL === '1';
const noop = (id: string) => ({ id, task: { image: 'strata/noop', ...(real ? { command: ['true'] } : {}) } });
// SHAPE=chain: a sequence of FAN steps instead of the fan-out.
const chain = process.env.SHAPE === 'chain';
const shape = (n: number, id: string) => (chain ? { sequence: Array.from({ length: n }, (_, i) => noop(`${id}${i}`)) } : { fanOut: { over: Array.from({ length: n }, (_, i) => i), concurrency: 10, do: noop(id) } });

/** Calls per command name since the last RESETSTAT (INFO and CONFIG left out). */
export async function commandsByName(redis: Redis): Promise<Map<string, number>> {
  const info = await redis.info('commandstats');
  const by = new Map<string, number>();
  for (const m of info.matchAll(/cmdstat_([\w|]+):calls=(\d+)/g)) if (m[1] !== 'info' && m[1] !== 'config') by.set(m[1], Number(m[2]));
  return by;
}

/** Bytes Redis has read from and written to its clients since the last RESETSTAT. */
export async function netBytes(redis: Redis): Promise<{ input: number; output: number }> {
  const info = await redis.info('stats');
  return { input: Number(/total_net_input_bytes:(\d+)/.exec(info)?.[1] ?? 0), output: Number(/total_net_output_bytes:(\d+)/.exec(info)?.[1] ?? 0) };
}

/** Client commands from now on (MONITOR, test/support/redis-monitor.ts), counted as `<bull|strata|other> <name>` when read. */
async function clientCommands(url: string, prefix: string, detail: boolean): Promise<{ counts(): Map<string, number>; stop(): void }> {
  const m = await monitorRedis(url);
  return {
    counts() {
      const counts = new Map<string, number>();
      for (const { from, args } of m.seen) {
        if (from === 'lua') continue;
        const key = args[0].startsWith('eval') ? (Number(args[2]) > 0 ? args[3] : '') : (args[1] ?? '');
        const whose = key.startsWith(`${prefix}:bull:`) ? 'bull' : key.startsWith(`${prefix}:`) ? 'strata' : 'other';
        // COUNT=2: a script is named by its number of keys and its first key's last part (which script it is).
        const name = detail && args[0] === 'evalsha' ? `${args[0]} ${args[2]}:${key.split(':').pop()}` : args[0];
        counts.set(`${whose} ${name}`, (counts.get(`${whose} ${name}`) ?? 0) + 1);
      }
      return counts;
    },
    stop: () => m.stop(),
  };
}

const fan = Number(process.env.FAN ?? 2000);
const { url, admin, home, handle, close } = await benchRedis('profile');
try {
  const config = loadConfig({ PORT: '0', REDIS_URL: url, STRATA_PREFIX: 'bench', STRATA_HOME: home, STRATA_WORKER_CONCURRENCY: process.env.CONC ?? '10' });
  const parts = await startRunParts(config, handle, new DefinitionsStore(handle.connect(), 'bench:'), { coordinator: true, worker: true, ...(real ? {} : { runtime: new NoopRuntime() }) });
  await parts.worker!.worker.waitUntilReady();
  const run = flowRunner(parts);
  await run(shape(chain ? 50 : 200, 'w'));
  const session = process.env.PROFILE ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
  }
  const monitor = process.env.COUNT ? await clientCommands(url, 'bench', process.env.COUNT === '2') : undefined;
  await admin.config('RESETSTAT');
  const { ms, cpu, redisCpu } = await measured(admin, () => run(shape(fan, 'x')));
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(process.env.PROFILE!, JSON.stringify(profile));
    session.disconnect();
  }
  monitor?.stop();
  const by = await commandsByName(admin);
  const bytes = await netBytes(admin);
  await parts.close();
  console.log(`${chain ? 'chain' : 'fan-out'} of ${fan} ${real ? 'real' : 'no-op'} steps${chain ? '' : ' at 10'}: ${ms.toFixed(0)} ms, CPU ${(cpu / fan).toFixed(3)} ms/step here, Redis ${(redisCpu / fan).toFixed(3)} ms/step`);
  console.log(`bytes per step: to Redis ${(bytes.input / fan).toFixed(0)}, from Redis ${(bytes.output / fan).toFixed(0)}`);
  let total = 0;
  for (const [name, calls] of [...by].sort((a, b) => b[1] - a[1])) {
    total += calls;
    console.log(`${name.padEnd(24)} ${(calls / fan).toFixed(2)}`);
  }
  console.log(`${'total'.padEnd(24)} ${(total / fan).toFixed(2)}`);
  if (monitor) {
    console.log('client commands (round trips at most) per step:');
    let sum = 0;
    for (const [name, calls] of [...monitor.counts()].sort((a, b) => b[1] - a[1])) {
      sum += calls;
      console.log(`${name.padEnd(24)} ${(calls / fan).toFixed(2)}`);
    }
    console.log(`${'total'.padEnd(24)} ${(sum / fan).toFixed(2)}`);
  }
} finally {
  await close();
}
