/**
 * Issue 9: how throughput grows with the number of worker processes on one Redis. A
 * coordinator in this process, and 1, 2 then 4 `strata worker` processes (each at
 * concurrency 10) on one redis-server; a fan-out of FAN steps at concurrency 40 run
 * through them, for the no-op runtime (strata's own cost) and for real steps
 * (`command: [true]` on the local runtime). Printed: steps per second, and Redis's CPU per
 * step (the one resource all workers share).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/app/config.ts';
import type { RedisHandle } from '../src/app/redis-connection.ts';
import { startRunParts } from '../src/app/run-parts.ts';
import { validateFlowDocument } from '../src/flow/flow-document.ts';
import { compileFlow } from '../src/plan/compile.ts';
import { DefinitionsStore } from '../src/store/definitions-store.ts';
import { startRedisServer } from '../src/store/redis-server.ts';
import { redisCpuMs, type Figure } from './measure.ts';

/** Start `n` worker processes (the warm-up run that follows waits for them). */
function workers(n: number, env: Record<string, string>): ChildProcess[] {
  return Array.from({ length: n }, () => spawn(process.execPath, ['bin/strata.js', 'worker'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] }));
}

export async function workersBench(fan = 2000, counts = [1, 2, 4]): Promise<Figure[]> {
  const server = await startRedisServer();
  const admin = new Redis(server.url);
  const home = await mkdtemp(join(tmpdir(), 'strata-bench-workers-'));
  const clients: Redis[] = [];
  const handle: RedisHandle = { url: server.url, connect: () => { const r = new Redis(server.url, { maxRetriesPerRequest: null }); clients.push(r); return r; }, stop: async () => undefined, reachable: async () => true, abandon: () => undefined };
  const figures: Figure[] = [];
  try {
    for (const runtime of ['noop', 'local'] as const) {
      const prefix = `w${runtime}`;
      const config = loadConfig({ PORT: '0', REDIS_URL: server.url, STRATA_PREFIX: prefix, STRATA_HOME: home });
      const parts = await startRunParts(config, handle, new DefinitionsStore(handle.connect(), `${prefix}:`), { coordinator: true, worker: false });
      const ended = new Set<string>();
      const waiters = new Map<string, () => void>();
      parts.sys.ports.onRunDone = (id) => {
        ended.add(id);
        waiters.get(id)?.();
      };
      const run = async (n: number) => {
        const doc = validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'bench', version: '1' }, spec: { root: { fanOut: { over: Array.from({ length: n }, (_, i) => i), concurrency: 40, do: { id: 'x', task: { image: 'strata/noop', command: ['true'] } } } } } });
        const t0 = performance.now();
        const id = await parts.coordinator!.startRun(doc, compileFlow(doc), {}, {});
        if (!ended.has(id)) await new Promise<void>((res) => waiters.set(id, res));
        return performance.now() - t0;
      };
      for (const n of counts) {
        const procs = workers(n, { REDIS_URL: server.url, STRATA_PREFIX: prefix, STRATA_HOME: home, STRATA_RUNTIME: runtime, STRATA_WORKER_CONCURRENCY: '10', STRATA_LOG_LEVEL: 'warn' });
        try {
          await run(40 * n); // warm-up: every worker started and took jobs
          await new Promise((r) => setTimeout(r, 2000)); // a late starter is up too
          const cpu0 = await redisCpuMs(admin);
          const ms = await run(fan);
          const redisCpu = (await redisCpuMs(admin)) - cpu0;
          figures.push({ name: `${runtime === 'noop' ? 'no-op' : 'real'} fan-out of ${fan}, ${n} worker process${n > 1 ? 'es' : ''} x 10`, value: fan / (ms / 1000), unit: `steps/s (Redis CPU ${(redisCpu / fan).toFixed(3)} ms/step)` });
        } finally {
          for (const p of procs) p.kill('SIGTERM');
          await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
        }
      }
      await parts.close();
    }
  } finally {
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
    await admin.quit();
    await server.stop();
    await rm(home, { recursive: true, force: true });
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const f of await workersBench()) console.log(`${f.name.padEnd(64)} ${f.value.toFixed(1)} ${f.unit}`);
}
