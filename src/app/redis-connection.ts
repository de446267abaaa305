/** Redis for a strata process: REDIS_URL, or a local redis-server with its data under STRATA_HOME. */
import { join } from 'node:path';
import { Redis, type Command } from 'ioredis';
import { openHomeRedis, type HomeRedis } from '../store/home-redis.ts';
import type { Config } from './config.ts';

export interface RedisHandle {
  url: string;
  /** the STRATA_HOME's local redis-server, when REDIS_URL is unset (shared with the home's other processes) */
  server?: HomeRedis;
  /**
   * A new connection. `requests: true` for one that serves requests: it refuses commands at
   * once while it is not connected and gives up on a command after `commandTimeoutMs`, so
   * a request is answered 503 instead of waiting for Redis (see docs/api-safety.md).
   */
  connect(opts?: { requests?: boolean }): Redis;
  /** Whether Redis answers a PING within half a second (a stop that finds it away does not wait for it). */
  reachable(): Promise<boolean>;
  /** Close every connection (waiting for Redis to take the last commands), then let go of the local server. */
  stop(): Promise<void>;
  /** Drop every connection at once, whatever Redis's state (a stop that cannot wait). */
  abandon(): void;
}

export async function openRedis(config: Config, say: (s: string) => void): Promise<RedisHandle> {
  let server: HomeRedis | undefined;
  let url = config.redisUrl;
  if (!url) {
    server = await openHomeRedis(join(config.home, 'redis'), say);
    url = server.url;
    say(`${server.started ? 'started' : 'using'} the redis-server of ${config.home} on ${url} (its data in ${join(config.home, 'redis')})`);
  }
  const clients: Redis[] = [];
  // A connection that lost the home's server has it started again should it be gone
  // (HomeRedis.keep, which looks once at a time and at most once a second), only while Redis is away.
  const keep = () => {
    server?.keep().catch((e: unknown) => say(`could not start the redis-server of ${config.home} again: ${(e as Error).message}`));
  };
  return {
    url,
    server,
    connect(opts = {}) {
      // No auto-pipelining: with Lua scripts it breaks in ioredis 6 ("results[i] is not iterable").
      // BullMQ's connections wait for Redis forever (maxRetriesPerRequest null). A request's
      // connection has no offline queue (a command sent while Redis is away fails at once)
      // and a command timeout (a Redis that accepts the connection but never answers, a
      // frozen one or a lost network, fails too); nothing is resent behind the caller's back.
      const r = opts.requests ? requestConnection(url!, config.redisTimeoutMs) : new Redis(url!, { maxRetriesPerRequest: null });
      r.on('error', () => {}); // reconnects by itself; readiness reports the state
      r.on('reconnecting', keep);
      clients.push(r);
      return r;
    },
    async reachable() {
      const probe = clients.find((c) => c.status === 'ready');
      if (!probe) return false;
      const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), 500).unref());
      return Promise.race([probe.ping().then(() => true, () => false), timeout]);
    },
    async stop() {
      await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
      await server?.release();
    },
    abandon() {
      for (const c of clients) c.disconnect();
    },
  };
}

/**
 * A connection for serving requests (see RedisHandle.connect): no offline queue, nothing
 * resent, and a command timeout that counts Redis's silence, not the process's own work.
 * ioredis's `commandTimeout` rejects a command from a timer; after a long go of the
 * process's thread (a big run's fold, Argo tester 7's R12) the timers' turn of the event
 * loop comes before the turn that reads the socket, so every command waiting then "timed
 * out" though Redis had answered, and requests were answered 503 (which is for Redis away).
 * Here the timer looks once more after that read (setImmediate runs after it) before it
 * gives up.
 */
export function requestConnection(url: string, commandTimeoutMs: number): Redis {
  // Reconnects every half second at most, so requests are served again soon after Redis is back.
  const redis = new Redis(url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, autoResendUnfulfilledCommands: false, retryStrategy: (times) => Math.min(times * 50, 500) });
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = (command: Command, stream?: Parameters<Redis['sendCommand']>[1]) => {
    const sent = send(command, stream);
    if (!command.isSettled) {
      const timer = setTimeout(() => setImmediate(() => command.isSettled || command.reject(new Error('Command timed out'))), commandTimeoutMs);
      const clear = () => clearTimeout(timer);
      command.promise.then(clear, clear);
    }
    return sent;
  };
  return redis;
}

/** Resolves once `client` is connected, or after `timeoutMs` whatever its state (a request then gets a 503). */
export function whenReady(client: Redis, timeoutMs = 5000): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    client.once('ready', done);
  });
}
