/**
 * The events hub against a real Redis: viewers get a run's events in order without
 * repeats, pushed from one subscription; idle viewers cost Redis nothing; a lost message is
 * read back from the list.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { StepEvent } from '../../src/run/run-view.ts';
import { RunEventsHub } from '../../src/store/run-events-hub.ts';
import { RunStore } from '../../src/store/run-store.ts';
import { until } from '../support/processes.ts';

/** A connection that counts the commands it sends. */
function countingRedis(): { redis: Redis; sent: string[] } {
  const redis = new Redis(inject('redisUrl'));
  const sent: string[] = [];
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((cmd: { name: string }, ...rest: unknown[]) => {
    sent.push(cmd.name);
    return (send as (...a: unknown[]) => unknown)(cmd, ...rest);
  }) as typeof redis.sendCommand;
  return { redis, sent };
}

const opened: Array<{ close(): void } | Redis> = [];
afterAll(async () => {
  for (const o of opened) if (o instanceof Redis) await o.quit();
  else o.close();
});

async function setUp() {
  const commands = countingRedis();
  const subscriber = countingRedis();
  const store = new RunStore(commands.redis, `hub-${Math.random().toString(36).slice(2, 8)}:`);
  const hub = new RunEventsHub(store, subscriber.redis);
  opened.push(commands.redis, subscriber.redis, hub);
  await store.create('r', 'f@1', { root: { kind: 'sequence', seg: '', children: [] }, params: {} }, ['a', 'b', 'c'], {});
  const set = (step: string, status: 'running' | 'succeeded') => ({ type: 'status' as const, step, status });
  return { store, hub, commands, subscriber, set };
}

const seen = () => {
  const got: StepEvent[] = [];
  return { got, deliver: (es: StepEvent[]) => void got.push(...es), text: () => got.map((e) => `${e.seq}:${e.step}:${e.status}`) };
};

describe('RunEventsHub', () => {
  it('hands each viewer the backlog from its position, then each new event once and in order', async () => {
    const { store, hub, set } = await setUp();
    await store.commit('r', [{ i: 0, steps: [set('a', 'running')] }], true);
    const first = seen();
    const late = seen();
    const stop = await hub.follow('r', 0, first.deliver);
    expect(first.text()).toEqual(['0:a:running']);
    await store.commit('r', [{ i: 1, steps: [set('a', 'succeeded'), set('b', 'running')] }], true);
    await until('events', () => first.got.length === 3);
    await hub.follow('r', 2, late.deliver);
    await store.commit('r', [{ i: 2, steps: [set('b', 'succeeded')] }], true);
    await until('events', () => first.got.length === 4 && late.got.length === 2);
    expect(first.text()).toEqual(['0:a:running', '1:a:succeeded', '2:b:running', '3:b:succeeded']);
    expect(late.text()).toEqual(['2:b:running', '3:b:succeeded']);
    stop();
    await store.commit('r', [{ i: 3, steps: [set('c', 'running')] }], true);
    await until('events', () => late.got.length === 3);
    expect(first.got).toHaveLength(4);
    expect(hub.watching()).toBe(1);
  });

  it('serves 100 viewers of one run from one subscription, and sends Redis nothing while the run is idle', async () => {
    const { store, hub, commands, subscriber, set } = await setUp();
    await store.commit('r', [{ i: 0, steps: [set('a', 'running')] }], true);
    const viewers = Array.from({ length: 100 }, seen);
    const before = commands.sent.length;
    await Promise.all(viewers.map((v) => hub.follow('r', 0, v.deliver)));
    // one backlog read per viewer, one SUBSCRIBE for all of them
    expect(commands.sent.slice(before).filter((c) => c === 'lrange')).toHaveLength(100);
    expect(subscriber.sent.filter((c) => c === 'subscribe')).toHaveLength(1);
    const idleFrom = commands.sent.length + subscriber.sent.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(commands.sent.length + subscriber.sent.length).toBe(idleFrom);
    // a change reaches every viewer without any viewer reading Redis
    await store.commit('r', [{ i: 1, steps: [set('a', 'succeeded')] }], true);
    const afterCommit = commands.sent.length;
    await until('events', () => viewers.every((v) => v.got.length === 2));
    expect(commands.sent.length).toBe(afterCommit);
  });

  it('reads back events whose message it missed', async () => {
    const { store, hub, subscriber, set } = await setUp();
    const v = seen();
    await hub.follow('r', 0, v.deliver);
    // An event in the list that was never published (as if lost while disconnected) ...
    await store.redis.rpush(store.key('r', 'events'), JSON.stringify({ seq: 0, step: 'a', status: 'running', at: new Date().toISOString() }));
    subscriber.redis.disconnect(true);
    await until('events', () => v.got.length === 1); // ... is read back once subscribed again
    await store.redis.rpush(store.key('r', 'events'), JSON.stringify({ seq: 1, step: 'a', status: 'succeeded', at: new Date().toISOString() }));
    // ... or by the next message, whose first seq shows the gap.
    await store.commit('r', [{ i: 1, steps: [set('b', 'running')] }], true);
    await until('events', () => v.got.length === 3);
    expect(v.text()).toEqual(['0:a:running', '1:a:succeeded', '2:b:running']);
  });
});
