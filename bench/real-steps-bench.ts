/**
 * Issue 9: real steps against bare process spawns, measured side by side in one process.
 * A step is `task: { command: [true] }` run through the local runtime, the path a user's
 * step takes (coordinator, BullMQ, worker, step files, process group, watchdog); the
 * comparison is a small Node process spawning `true` the same number of times at the same
 * concurrency (bare-spawns.ts: strata's containers are started by small processes too).
 *
 * - chain: a sequence of CHAIN steps, per step, against CHAIN spawns one after another;
 * - fan-out: FAN steps at concurrency c (the fan-out's `concurrency` and the worker's),
 *   against FAN spawns with c at a time, for several c.
 *
 * Every container of the local runtime starts in a mount namespace of its own made by
 * bubblewrap (a /tmp of its own), so each comparison is made twice: with `true` spawned
 * bare, and with `true` started by a bare `bwrap` with the same mounts (bare-spawns.ts).
 * The first says what a user pays against a bare process; the second what strata adds to
 * bubblewrap's own cost.
 *
 * Besides wall time, the process's CPU time (user + system, this process and the children
 * it reaped) and Redis's are printed per step: on a shared machine they move less.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/app/config.ts';
import { startRunParts, type RunParts } from '../src/app/run-parts.ts';
import type { RedisHandle } from '../src/app/redis-connection.ts';
import { DefinitionsStore } from '../src/store/definitions-store.ts';
import { startRedisServer } from '../src/store/redis-server.ts';
import { bareBwrapArgv, bareSpawns, bareSpawnsMeasured } from './bare-spawns.ts';
import { flowRunner, measured, printFigures, type Figure } from './measure.ts';

const real = (id: string) => ({ id, task: { image: 'strata/noop', command: ['true'] } });

interface Instance {
  parts: RunParts;
  run(root: unknown): Promise<number>;
  close(): Promise<void>;
}

/** A coordinator and a local-runtime worker at concurrency `c` on `url`, in this process. */
async function instance(url: string, home: string, c: number): Promise<Instance> {
  const clients: Redis[] = [];
  const handle: RedisHandle = { url, connect: () => { const r = new Redis(url, { maxRetriesPerRequest: null }); clients.push(r); return r; }, stop: async () => undefined, reachable: async () => true, abandon: () => undefined };
  const config = loadConfig({ PORT: '0', REDIS_URL: url, STRATA_PREFIX: `real${c}`, STRATA_HOME: home, STRATA_WORKER_CONCURRENCY: String(c) });
  const parts = await startRunParts(config, handle, new DefinitionsStore(handle.connect(), `real${c}:`), { coordinator: true, worker: true });
  await parts.worker!.worker.waitUntilReady();
  return {
    parts,
    run: flowRunner(parts),
    async close() {
      await parts.close();
      await Promise.all(clients.map((r) => r.quit().catch(() => r.disconnect())));
    },
  };
}

export async function realStepsBench(chain = 100, fan = 1000, concurrencies = [1, 2, 4, 10, 20]): Promise<Figure[]> {
  const server = await startRedisServer();
  const admin = new Redis(server.url);
  const home = await mkdtemp(join(tmpdir(), 'strata-bench-real-'));
  const figures: Figure[] = [];
  try {
    // --- chain ---
    const bwrap = bareBwrapArgv(home);
    const one = await instance(server.url, home, 1);
    await one.run({ sequence: Array.from({ length: 10 }, (_, i) => real(`w${i}`)) }); // warm-up
    await bareSpawns(20, 1);
    await bareSpawns(20, 1, bwrap);
    const { ms: bareChain, cpu: bareChainCpu } = await bareSpawnsMeasured(chain, 1);
    const { ms: bwrapChain, cpu: bwrapChainCpu } = await bareSpawnsMeasured(chain, 1, bwrap);
    const { result: strataChain, cpu: chainCpu, redisCpu: chainRedisCpu } = await measured(admin, () =>
      one.run({ sequence: Array.from({ length: chain }, (_, i) => real(`s${i}`)) }),
    );
    await one.close();
    figures.push(
      { name: `chain of ${chain} real steps: strata per step`, value: strataChain / chain, unit: 'ms' },
      { name: `chain of ${chain}: bare spawn per step`, value: bareChain / chain, unit: 'ms' },
      { name: `chain of ${chain}: bare bwrap spawn per step`, value: bwrapChain / chain, unit: 'ms' },
      { name: 'chain ratio strata/bare (target <= 2)', value: strataChain / bareChain, unit: 'x' },
      { name: 'chain ratio strata/bare bwrap', value: strataChain / bwrapChain, unit: 'x' },
      { name: 'chain ratio bare bwrap/bare (bubblewrap\'s own)', value: bwrapChain / bareChain, unit: 'x' },
      { name: 'chain: CPU of this process per strata step (user+sys)', value: chainCpu / chain, unit: 'ms' },
      { name: 'chain: CPU per bare spawn / bare bwrap (the spawning process and the programs)', value: bareChainCpu / chain, unit: `ms / ${(bwrapChainCpu / chain).toFixed(2)} ms` },
      { name: 'chain: Redis CPU per strata step', value: chainRedisCpu / chain, unit: 'ms' },
    );
    // --- fan-out at several concurrencies ---
    for (const c of concurrencies) {
      const inst = await instance(server.url, home, c);
      await inst.run({ fanOut: { over: Array.from({ length: 2 * c }, (_, i) => i), concurrency: c, do: real('w') } }); // warm-up
      const bare = await bareSpawns(fan, c);
      const bareBwrap = await bareSpawns(fan, c, bwrap);
      const { result: strata, cpu: fanCpu, redisCpu: fanRedisCpu } = await measured(admin, () =>
        inst.run({ fanOut: { over: Array.from({ length: fan }, (_, i) => i), concurrency: c, do: real('x') } }),
      );
      await inst.close();
      const target = c === 10 ? ' (target >= 500 steps/s, ratio <= 2)' : '';
      figures.push(
        { name: `fan-out of ${fan} at ${c}: strata steps/s${target}`, value: fan / (strata / 1000), unit: 'steps/s' },
        { name: `fan-out of ${fan} at ${c}: bare spawns/s`, value: fan / (bare / 1000), unit: 'spawns/s' },
        { name: `fan-out of ${fan} at ${c}: bare bwrap spawns/s`, value: fan / (bareBwrap / 1000), unit: 'spawns/s' },
        { name: `fan-out of ${fan} at ${c}: ratio strata/bare`, value: strata / bare, unit: 'x' },
        { name: `fan-out of ${fan} at ${c}: ratio strata/bare bwrap`, value: strata / bareBwrap, unit: 'x' },
        { name: `fan-out of ${fan} at ${c}: CPU per step, this process / Redis`, value: fanCpu / fan, unit: `ms / ${(fanRedisCpu / fan).toFixed(3)} ms` },
      );
    }
  } finally {
    await admin.quit();
    await server.stop();
    await rm(home, { recursive: true, force: true });
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [chain, fan, ...cs] = process.argv.slice(2).map(Number);
  printFigures(await realStepsBench(chain || undefined, fan || undefined, cs.length ? cs : undefined), 64);
}
