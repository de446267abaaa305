/** Redis for a strata process: REDIS_URL, or a local redis-server with its data under STRATA_HOME. */
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startRedisServer, type RedisServer } from '../store/redis-server.ts';
import type { Config } from './config.ts';

export interface RedisHandle {
  url: string;
  server?: RedisServer;
  connect(): Redis;
  stop(): Promise<void>;
}

export async function openRedis(config: Config, say: (s: string) => void): Promise<RedisHandle> {
  let server: RedisServer | undefined;
  let url = config.redisUrl;
  if (!url) {
    server = await startRedisServer({ dir: join(config.home, 'redis'), persist: true });
    url = server.url;
    say(`started redis-server on ${url} with its data in ${join(config.home, 'redis')}`);
  }
  const clients: Redis[] = [];
  return {
    url,
    server,
    connect() {
      // No auto-pipelining: with Lua scripts it breaks in ioredis 6 ("results[i] is not iterable").
      const r = new Redis(url!, { maxRetriesPerRequest: null });
      r.on('error', () => {}); // reconnects by itself; readiness reports the state
      clients.push(r);
      return r;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
      await server?.stop();
    },
  };
}
