/**
 * Issue 4 figures, measured side by side in one process on one Redis:
 * (a) a chain of 200 no-op macro steps against 200 bare BullMQ jobs each added after the
 *     previous one completed; (b) a fan-out of 2,000 no-op steps at concurrency 10 against
 *     2,000 bare jobs on a Worker at concurrency 10; (c) Redis commands per step against
 *     per bare job (INFO commandstats). A no-op step goes through the coordinator, BullMQ
 *     and a worker, but its runtime starts nothing.
 */
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/app/config.ts';
import { startRunParts } from '../src/app/run-parts.ts';
import type { RedisHandle } from '../src/app/redis-connection.ts';
import { validateFlowDocument } from '../src/flow/flow-document.ts';
import { compileFlow } from '../src/plan/compile.ts';
import { DefinitionsStore } from '../src/store/definitions-store.ts';
import { startRedisServer } from '../src/store/redis-server.ts';
import { NoopRuntime } from '../runtime/noop-runtime.ts';

export interface Figure {
  name: string;
  value: number;
  unit: string;
}

async function commandCount(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  let total = 0;
  for (const m of info.matchAll(/cmdstat_(\w+):calls=(\d+)/g)) if (m[1] !== 'info' && m[1] !== 'config') total += Number(m[2]);
  return total;
}

const noop = (id: string) => ({ id, task: { image: 'strata/noop' } });

export async function runsBench(chain = 200, fan = 2000): Promise<Figure[]> {
  const server = await startRedisServer();
  const admin = new Redis(server.url);
  const clients: Redis[] = [];
  const handle: RedisHandle = { url: server.url, connect: () => { const r = new Redis(server.url, { maxRetriesPerRequest: null }); clients.push(r); return r; }, stop: async () => undefined, reachable: async () => true, abandon: () => undefined };
  const figures: Figure[] = [];
  try {
    // --- bare BullMQ ---
    const bareConn = handle.connect();
    const bareQueue = new Queue('bare', { connection: bareConn });
    let onDone: (() => void) | undefined;
    let completed = 0;
    const bareWorker = new Worker('bare', async () => null, { connection: handle.connect(), concurrency: 10 });
    bareWorker.on('completed', () => {
      completed++;
      onDone?.();
    });
    await bareWorker.waitUntilReady();
    // warm-up
    for (let i = 0; i < 20; i++) await new Promise<void>((res) => { onDone = res; void bareQueue.add('j', {}, { removeOnComplete: true }); });

    await admin.config('RESETSTAT');
    let t = performance.now();
    for (let i = 0; i < chain; i++) {
      await new Promise<void>((res) => {
        onDone = res;
        void bareQueue.add('j', { i }, { removeOnComplete: { count: 100_000 } });
      });
    }
    const bareChainMs = performance.now() - t;
    const bareChainCmds = (await commandCount(admin)) / chain;

    completed = 0;
    t = performance.now();
    const all = new Promise<void>((res) => { onDone = () => { if (completed >= fan) res(); }; });
    await bareQueue.addBulk(Array.from({ length: fan }, (_, i) => ({ name: 'j', data: { i }, opts: { removeOnComplete: { count: 100_000 } } })));
    await all;
    const bareFanMs = performance.now() - t;
    await bareWorker.close();
    await bareQueue.close();

    // --- strata ---
    const config = loadConfig({ PORT: '0', REDIS_URL: server.url, STRATA_PREFIX: 'bench', STRATA_HOME: '/tmp/strata-bench', STRATA_WORKER_CONCURRENCY: '10' });
    const defs = new DefinitionsStore(handle.connect(), 'bench:');
    const parts = await startRunParts(config, handle, defs, { coordinator: true, worker: true, runtime: new NoopRuntime(), sweepMs: 60_000 });
    await parts.worker!.worker.waitUntilReady();
    const waiters = new Map<string, () => void>();
    const finished = new Set<string>();
    parts.sys.ports.onRunDone = (id) => {
      finished.add(id);
      waiters.get(id)?.();
    };
    const runFlow = async (root: unknown) => {
      const doc = validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'bench', version: '1' }, spec: { root } });
      const compiled = compileFlow(doc);
      const start = performance.now();
      const id = await parts.coordinator!.startRun(doc, compiled, {}, {});
      if (!finished.has(id)) await new Promise<void>((res) => waiters.set(id, res));
      const status = await parts.sys.store.status(id);
      if (status !== 'succeeded') throw new Error(`bench run ${id} ended ${status}`);
      return performance.now() - start;
    };
    await runFlow({ sequence: Array.from({ length: 20 }, (_, i) => noop(`w${i}`)) }); // warm-up

    await admin.config('RESETSTAT');
    const strataChainMs = await runFlow({ sequence: Array.from({ length: chain }, (_, i) => noop(`s${i}`)) });
    const strataChainCmds = (await commandCount(admin)) / chain;
    const strataFanMs = await runFlow({ fanOut: { over: Array.from({ length: fan }, (_, i) => i), concurrency: 10, do: noop('x') } });
    await parts.close();

    figures.push(
      { name: `(a) chain of ${chain}: strata per step`, value: strataChainMs / chain, unit: 'ms' },
      { name: `(a) chain of ${chain}: bare BullMQ per job`, value: bareChainMs / chain, unit: 'ms' },
      { name: '(a) ratio strata/bare (target <= 1.5)', value: strataChainMs / bareChainMs, unit: 'x' },
      { name: `(b) fan-out of ${fan} at 10: strata`, value: strataFanMs, unit: 'ms' },
      { name: `(b) fan-out of ${fan} at 10: bare BullMQ`, value: bareFanMs, unit: 'ms' },
      { name: '(b) ratio strata/bare (target <= 1.5)', value: strataFanMs / bareFanMs, unit: 'x' },
      { name: '(c) Redis commands per strata step', value: strataChainCmds, unit: 'cmds' },
      { name: '(c) Redis commands per bare job', value: bareChainCmds, unit: 'cmds' },
      { name: '(c) ratio strata/bare (target <= 3)', value: strataChainCmds / bareChainCmds, unit: 'x' },
    );
  } finally {
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
    await admin.quit();
    await server.stop();
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await runsBench();
  for (const f of figures) console.log(`${f.name.padEnd(48)} ${f.value.toFixed(2)} ${f.unit}`);
}
