/**
 * Issue 11: what 100 idle viewers of one run cost Redis, before and after events were
 * pushed. One strata service (API and coordinator) on its own redis-server holds a run that
 * does not move; Redis commands per second are counted (INFO commandstats) over a window
 * with no viewer, with 100 viewers polling as the API did before (LRANGE of the events
 * list and HGET of the run's status every 100 ms each; that loop is kept here as the
 * baseline), and with 100 real SSE connections to the service as it is now.
 */
import { Redis } from 'ioredis';
import { loadConfig } from '../src/app/config.ts';
import { startRunParts } from '../src/app/run-parts.ts';
import { startService } from '../src/app/service.ts';
import { RunStore } from '../src/store/run-store.ts';
import { startRedisServer } from '../src/store/redis-server.ts';

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

/** Commands per second over `ms`, counted by the server. */
async function rate(admin: Redis, ms: number): Promise<number> {
  const a = await commandCount(admin);
  await new Promise((r) => setTimeout(r, ms));
  return ((await commandCount(admin)) - a) / (ms / 1000);
}

/** The viewer loop the API ran before events were pushed (src/coordinator/runs-service.ts until issue 11). */
function pollingViewer(store: RunStore, id: string, stop: { now: boolean }): Promise<void> {
  return (async () => {
    let from = 0;
    while (!stop.now) {
      const events = await store.events(id, from);
      await store.status(id);
      from += events.length;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
}

export async function sseBench(viewers = 100, windowMs = 5000): Promise<Figure[]> {
  const server = await startRedisServer();
  const admin = new Redis(server.url);
  const prefix = 'sse-bench';
  const home = '/tmp/strata-sse-bench';
  const config = loadConfig({ PORT: '0', REDIS_URL: server.url, STRATA_PREFIX: prefix, STRATA_HOME: home });
  const svc = await startService(config, () => {}, {
    runs: async (redis, defs, builtinRules) => {
      const parts = await startRunParts(config, redis, defs, { coordinator: true, worker: false, builtinRules });
      return { port: parts.port!, close: () => parts.close() };
    },
  });
  const store = new RunStore(admin, `${prefix}:`);
  const id = 'idle-run';
  await store.create(id, 'idle@1', { root: { kind: 'sequence', seg: '', children: [] }, params: {} }, ['a'], {});
  await store.commit(id, [{ i: 0, steps: [{ type: 'status', step: 'a', status: 'running' }], run: { status: 'running' } }], true);
  const aborts: AbortController[] = [];
  try {
    // The run was written behind the coordinator's back: it takes it up once its sync grace
    // (STRATA_SYNC_GRACE_MS, 5 s) has passed, about 80 commands once. Measured before that
    // (as this did), the idle service's figure was that one-time work, 13 commands/s, not its rest.
    while ((await admin.zscore(`${prefix}:runs:due`, id)) !== null) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    const idle = await rate(admin, windowMs);

    const stop = { now: false };
    const loops = Array.from({ length: viewers }, () => pollingViewer(store, id, stop));
    await new Promise((r) => setTimeout(r, 300));
    const polled = await rate(admin, windowMs);
    stop.now = true;
    await Promise.all(loops);

    const connected: Promise<unknown>[] = [];
    for (let i = 0; i < viewers; i++) {
      const ac = new AbortController();
      aborts.push(ac);
      connected.push(fetch(`${svc.url}/v1/runs/${id}/events`, { signal: ac.signal }).then(async (res) => {
        const reader = res.body!.getReader();
        await reader.read(); // the backlog: the viewer is following
        void (async () => { for (;;) if ((await reader.read().catch(() => ({ done: true }))).done) return; })();
      }));
    }
    await Promise.all(connected);
    await new Promise((r) => setTimeout(r, 300));
    const pushed = await rate(admin, windowMs);
    return [
      { name: 'Redis commands/s, no viewer (the idle service: BullMQ)', value: idle, unit: 'cmd/s' },
      { name: `${viewers} idle viewers, before: polling every 100 ms`, value: polled - idle, unit: 'cmd/s' },
      { name: `${viewers} idle viewers, after: SSE pushed from one subscription`, value: Math.max(0, pushed - idle), unit: 'cmd/s' },
    ];
  } finally {
    for (const ac of aborts) ac.abort();
    await svc.close();
    await admin.quit();
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const f of await sseBench()) console.log(`${f.name.padEnd(64)} ${f.value.toFixed(2)} ${f.unit}`);
}
