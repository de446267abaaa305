/** What a benchmark runs on: a redis-server of its own, an admin connection, a home directory, and connections it closes. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { RedisHandle } from '../src/app/redis-connection.ts';
import { startRedisServer } from '../src/store/redis-server.ts';

export interface BenchRedis {
  url: string;
  /** for INFO, CONFIG: not counted as the work's */
  admin: Redis;
  /** a STRATA_HOME under the temporary directory, removed by close */
  home: string;
  /** connections for strata's parts and BullMQ (each waits for Redis as long as it takes) */
  handle: RedisHandle;
  /** Close every connection made, stop the server, remove the home. */
  close(): Promise<void>;
}

/** Start a redis-server and a home named after `name` (strata-bench-<name>-*). */
export async function benchRedis(name: string): Promise<BenchRedis> {
  const server = await startRedisServer();
  const home = await mkdtemp(join(tmpdir(), `strata-bench-${name}-`));
  const admin = new Redis(server.url);
  const clients: Redis[] = [];
  const handle: RedisHandle = { url: server.url, connect: () => { const r = new Redis(server.url, { maxRetriesPerRequest: null }); clients.push(r); return r; }, stop: async () => undefined, reachable: async () => true, abandon: () => undefined };
  return {
    url: server.url, admin, home, handle,
    async close() {
      await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
      await admin.quit();
      await server.stop();
      await rm(home, { recursive: true, force: true });
    },
  };
}
