/**
 * A process's run side (coordinator, and a worker if asked, on the no-op runtime) over a
 * redis-server of the test's own, for tests that count the commands Redis runs (MONITOR):
 * nothing else talks to that Redis.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/app/config.ts';
import type { RedisHandle } from '../../src/app/redis-connection.ts';
import { startRunParts, type RunParts } from '../../src/app/run-parts.ts';
import { DefinitionsStore } from '../../src/store/definitions-store.ts';
import { startRedisServer, type RedisServer } from '../../src/store/redis-server.ts';

export interface PrivateRunParts {
  server: RedisServer;
  parts: RunParts;
  /** a new connection to the test's Redis, closed by close() */
  connect(): Redis;
  close(): Promise<void>;
}

/** Start the run parts over a new redis-server; `env` adds to the configuration (STRATA_RUNTIME is noop). */
export async function startPrivateRunParts(o: { worker: boolean; env?: Record<string, string> }): Promise<PrivateRunParts> {
  const server = await startRedisServer();
  const home = await mkdtemp(join(tmpdir(), 'strata-run-parts-'));
  const clients: Redis[] = [];
  const connect = () => {
    const r = new Redis(server.url, { maxRetriesPerRequest: null });
    clients.push(r);
    return r;
  };
  const handle: RedisHandle = { url: server.url, connect, stop: async () => undefined, reachable: async () => true, abandon: () => undefined };
  const config = loadConfig({ PORT: '0', REDIS_URL: server.url, STRATA_HOME: home, STRATA_RUNTIME: 'noop', ...o.env });
  const parts = await startRunParts(config, handle, new DefinitionsStore(handle.connect(), 'strata:'), { coordinator: true, worker: o.worker });
  return {
    server,
    parts,
    connect,
    close: async () => {
      await parts.close();
      for (const c of clients) c.disconnect();
      await server.stop();
      await rm(home, { recursive: true, force: true });
    },
  };
}
