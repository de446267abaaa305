/** The run store against a real Redis: step logs keep their last bytes. */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { RunStore } from '../../src/store/run-store.ts';

const redis = new Redis(inject('redisUrl'));
afterAll(async () => void (await redis.quit()));

describe('RunStore logs', () => {
  it('keeps the last bytes of a log past its cap, marked as cut', async () => {
    const store = new RunStore(redis, `logs-${Date.now()}:`);
    for (let i = 0; i < 30; i++) await store.appendLog('r', 's', `line ${String(i).padStart(2, '0')}\n`);
    const cap = 100;
    await store.appendLog('r', 'big', 'x'.repeat(500), cap);
    await store.appendLog('r', 'big', 'END', cap);
    const big = (await store.logs('r', 'big'))!;
    expect(big.length).toBe(cap);
    expect(big.startsWith('[earlier output cut]\n')).toBe(true);
    expect(big.endsWith('xxxEND')).toBe(true);
    expect((await store.logs('r', 's'))!.split('\n')[29]).toBe('line 29');
  });
});
