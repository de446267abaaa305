/**
 * The worker's check before a step (the run's status and the step's view): the checks of
 * one run asked in the same turn of the event loop go out as one script call, and each
 * step gets its own answer (src/store/step-checks.ts). Counted with MONITOR, never timed.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { RunStore } from '../../src/store/run-store.ts';
import { monitorRedis } from '../support/redis-monitor.ts';

const redis = new Redis(inject('redisUrl'));
afterAll(async () => void (await redis.quit()));

describe('step checks', () => {
  it('checks asked together go out as one call per run, each step answered for itself', async () => {
    const prefix = `checks-${randomUUID().slice(0, 8)}:`;
    const store = new RunStore(redis, prefix);
    const [a, b] = ['run-a', 'run-b'];
    await redis.hset(store.key(a), 'status', 'running');
    await redis.hset(store.key(a, 'steps'), 's1', JSON.stringify({ status: 'succeeded', attempt: 1 }), 's2', JSON.stringify({ status: 'running', attempt: 2 }));
    await redis.hset(store.key(b), 'status', 'cancelled');
    await store.statusAndProgress(a, 's1'); // the script loaded before counting
    const m = await monitorRedis(inject('redisUrl'));
    await redis.echo('from');
    const answers = await Promise.all([store.statusAndProgress(a, 's1'), store.statusAndProgress(a, 's2'), store.statusAndProgress(a, 'new'), store.statusAndProgress(b, 'x'), store.statusAndProgress('no-run', 's1')]);
    await redis.echo('to');
    const between = await m.between('from', 'to');
    // Only this connection's commands: other test files share the Redis.
    const self = m.seen.find((s) => s.args[0] === 'echo' && s.args[1] === 'from')!.from;
    const seen = between.filter((s) => s.from === self);
    m.stop();
    expect(answers).toEqual([
      ['running', { status: 'succeeded', attempt: 1 }],
      ['running', { status: 'running', attempt: 2 }],
      ['running', undefined],
      ['cancelled', undefined],
      [undefined, undefined],
    ]);
    // Three runs asked about: three calls, not five.
    expect(seen.map((s) => s.args[0])).toEqual(['evalsha', 'evalsha', 'evalsha']);
    await redis.del(store.key(a), store.key(a, 'steps'), store.key(b));
  });
});
