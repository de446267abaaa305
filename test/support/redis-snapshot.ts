/** Everything stored under a key prefix, as one comparable value (for "nothing changed" checks). */
import type { Redis } from 'ioredis';

export async function snapshot(redis: Redis, prefix: string, skip?: RegExp): Promise<Record<string, unknown>> {
  const keys = (await redis.keys(`${prefix}*`)).filter((k) => !skip || !skip.test(k)).sort();
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const type = await redis.type(k);
    if (type === 'hash') out[k] = await redis.hgetall(k);
    else if (type === 'string') out[k] = await redis.get(k);
    else if (type === 'set') out[k] = (await redis.smembers(k)).sort();
    else if (type === 'list') out[k] = await redis.lrange(k, 0, -1);
    else if (type === 'zset') out[k] = await redis.zrange(k, '0', '-1', 'WITHSCORES');
    else out[k] = type;
  }
  return out;
}
