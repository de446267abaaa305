/**
 * The two ways a container starts, side by side in one process (docs/performance.md, Fifteenth
 * pass): a chain of N real steps (`true`) through the local runtime whose launcher is the one
 * in C (runtime/process/launcher.c) against the one in TypeScript (STRATA_NATIVE_LAUNCHER=0,
 * as where no C compiler built it), alternated for R rounds. For each: wall time a step, and
 * the CPU a step of this process and everything it reaped (the launcher, bubblewrap, `true`:
 * the launcher is reaped when its runtime closes, so the chain's CPU is measured to then).
 * Not part of `npm run bench`:
 *
 *   node scripts/build.mjs && node --import tsx bench/launcher-ab.ts R N
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/app/config.ts';
import { startRunParts } from '../src/app/run-parts.ts';
import type { RedisHandle } from '../src/app/redis-connection.ts';
import { DefinitionsStore } from '../src/store/definitions-store.ts';
import { startRedisServer } from '../src/store/redis-server.ts';
import { nativeLauncher } from '../runtime/process/launcher-client.ts';
import { cpuMs } from './cpu-time.mjs';
import { flowRunner, redisCpuMs } from './measure.ts';

const [rounds, n] = [Number(process.argv[2] ?? 6), Number(process.argv[3] ?? 100)];
if (!nativeLauncher()) throw new Error('no launcher in C: build first (node scripts/build.mjs, with a C compiler)');
const real = (id: string) => ({ id, task: { image: 'strata/noop', command: ['true'] } });
const server = await startRedisServer();
const admin = new Redis(server.url);
const home = await mkdtemp(join(tmpdir(), 'strata-launcher-ab-'));
let k = 0;

/** One chain of n steps on a fresh coordinator and worker, with the launcher `native` says. */
async function chain(native: boolean): Promise<{ wall: number; cpu: number; redis: number }> {
  if (native) delete process.env.STRATA_NATIVE_LAUNCHER;
  else process.env.STRATA_NATIVE_LAUNCHER = '0';
  const clients: Redis[] = [];
  const url = server.url;
  const handle: RedisHandle = { url, connect: () => { const r = new Redis(url, { maxRetriesPerRequest: null }); clients.push(r); return r; }, stop: async () => undefined, reachable: async () => true, abandon: () => undefined };
  const prefix = `ab${k++}`;
  const config = loadConfig({ PORT: '0', REDIS_URL: url, STRATA_PREFIX: prefix, STRATA_HOME: home, STRATA_WORKER_CONCURRENCY: '1' });
  const parts = await startRunParts(config, handle, new DefinitionsStore(handle.connect(), `${prefix}:`), { coordinator: true, worker: true });
  await parts.worker!.worker.waitUntilReady();
  const run = flowRunner(parts);
  await run({ sequence: Array.from({ length: 5 }, (_, i) => real(`w${i}`)) }); // warm-up
  const cpu0 = cpuMs();
  const redis0 = await redisCpuMs(admin);
  const t0 = performance.now();
  await run({ sequence: Array.from({ length: n }, (_, i) => real(`s${i}`)) });
  const wall = performance.now() - t0;
  const redis = (await redisCpuMs(admin)) - redis0;
  await parts.close();
  await Promise.all(clients.map((r) => r.quit().catch(() => r.disconnect())));
  return { wall: wall / n, cpu: (cpuMs() - cpu0) / n, redis: redis / n };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const res: Record<'ts' | 'c', Array<{ wall: number; cpu: number; redis: number }>> = { ts: [], c: [] };
try {
  for (let r = 0; r < rounds; r++) {
    const order: Array<'ts' | 'c'> = r % 2 === 0 ? ['ts', 'c'] : ['c', 'ts'];
    for (const side of order) res[side].push(await chain(side === 'c'));
    const f = (side: 'ts' | 'c') => `wall ${res[side][r].wall.toFixed(2)} cpu ${res[side][r].cpu.toFixed(2)} redis ${res[side][r].redis.toFixed(2)}`;
    console.log(`round ${r}: TypeScript launcher ${f('ts')} | C launcher ${f('c')} (ms a step; load ${loadavg()[0].toFixed(1)})`);
  }
  for (const side of ['ts', 'c'] as const) console.log(`${side === 'c' ? 'C' : 'TypeScript'} launcher, medians a step: wall ${median(res[side].map((x) => x.wall)).toFixed(2)} ms, CPU ${median(res[side].map((x) => x.cpu)).toFixed(2)} ms`);
  for (const key of ['wall', 'cpu'] as const) {
    const lower = res.c.filter((x, r) => x[key] < res.ts[r][key]).length;
    console.log(`C against TypeScript, ${key}: lower in ${lower} of ${rounds} rounds, median difference ${median(res.c.map((x, r) => x[key] - res.ts[r][key])).toFixed(2)} ms`);
  }
} finally {
  admin.disconnect();
  await server.stop();
  await rm(home, { recursive: true, force: true });
}
