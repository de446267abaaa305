/** Redis for a strata process: REDIS_URL, or a local redis-server with its data under STRATA_HOME. */
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startRedisServer, type RedisServer } from '../store/redis-server.ts';
import type { Config } from './config.ts';

export interface RedisHandle {
  url: string;
  server?: RedisServer;
  /** a new connection; `requests: true` for one that serves requests and must fail fast when Redis is away */
  connect(opts?: { requests?: boolean }): Redis;
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
    connect(opts = {}) {
      // No auto-pipelining: with Lua scripts it breaks in ioredis 6 ("results[i] is not iterable").
      // BullMQ's connections wait for Redis forever (maxRetriesPerRequest null); a request
      // gives up after two retries and is answered 503.
      const r = new Redis(url!, { maxRetriesPerRequest: opts.requests ? 2 : null });
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
