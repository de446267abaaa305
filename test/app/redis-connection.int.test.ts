/**
 * A request's Redis connection gives up on a command after STRATA_REDIS_TIMEOUT_MS of
 * Redis's silence, not of the process's own work (Argo tester 7, R12: while the service's
 * thread was held by a big run, every command waiting on Redis "timed out" though Redis had
 * answered, and requests were answered 503, which is for Redis away). Real redis-servers;
 * the process's thread is held on purpose for ten times the timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { requestConnection } from '../../src/app/redis-connection.ts';
import { startRedisServer, type RedisServer } from '../../src/store/redis-server.ts';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

const ready = (r: Redis) => new Promise<void>((res) => (r.status === 'ready' ? res() : r.once('ready', () => res())));

/** Hold this process's thread for `ms` (as a big fold or a big JSON did). */
function hold(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy on purpose
  }
}

describe('a request connection', () => {
  it('takes the answers Redis gave while the process was busy past the timeout', async () => {
    const r = requestConnection(server.url, 100);
    await ready(r);
    await r.set('k', 'v');
    const asked = Array.from({ length: 5 }, () => r.get('k').then((v) => ({ v }), (e: Error) => ({ error: e.message })));
    hold(1000);
    expect(await Promise.all(asked)).toEqual(Array.from({ length: 5 }, () => ({ v: 'v' })));
    r.disconnect();
  });

  it('still gives up on a Redis that does not answer within the timeout', async () => {
    const r = requestConnection(server.url, 100);
    const admin = new Redis(server.url);
    await ready(r);
    // Redis holds every client's commands for 1.5 s: silent, as a frozen one.
    await admin.client('PAUSE', 1500, 'ALL');
    const outcome = await r.get('k').then(() => 'answered', (e: Error) => e.message);
    expect(outcome).toBe('Command timed out');
    admin.disconnect();
    r.disconnect();
  });
});
