/**
 * One viewer's event stream (followEvents) over real HTTP from a real Redis: events as
 * they are recorded with ids that resume, a heartbeat comment while the run is idle, and
 * `end` after the run's final state.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { followEvents } from '../../../src/api/routes/run-events.ts';
import type { RunsPort } from '../../../src/coordinator/runs-port.ts';
import { RunEventsHub } from '../../../src/store/run-events-hub.ts';
import { RunStore } from '../../../src/store/run-store.ts';
import { until } from '../../support/processes.ts';

const redis = new Redis(inject('redisUrl'));
const subscriber = new Redis(inject('redisUrl'));
const store = new RunStore(redis, `sse-${Date.now()}:`);
const hub = new RunEventsHub(store, subscriber);
const port = { follow: (id: string, from: number, deliver: Parameters<RunsPort['follow']>[2]) => hub.follow(id, from, deliver), eventsState: (id: string) => store.eventsState(id) } as RunsPort;
const app = new Hono().get('/:id', (c) => streamSSE(c, (s) => followEvents(s, port, c.req.param('id'), Number(c.req.header('last-event-id') ?? 0), 100)));
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
const url = () => `http://127.0.0.1:${(server.address() as { port: number }).port}`;
afterAll(async () => {
  hub.close();
  server.close();
  await redis.quit();
  await subscriber.quit();
});

/** SSE text to its messages: comments dropped, each message's fields by name. */
function messages(text: string): Array<Record<string, string>> {
  return text.split('\n\n').filter((b) => b.trim() && !b.startsWith(':')).map((b) => Object.fromEntries(b.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)])));
}
const brief = (m: Record<string, string>) => `${m.id ?? '-'} ${m.event} ${m.event === 'end' ? '' : (({ step, status }) => `${step}:${status}`)(JSON.parse(m.data))}`.trim();

describe('followEvents', () => {
  it('streams events as recorded, beats while idle, ends after the run\'s final state', async () => {
    await store.create('r', 'f@1', { root: { kind: 'sequence', seg: '', children: [] }, params: {} }, ['a'], {});
    await store.commit('r', [{ i: 0, steps: [{ type: 'status', step: 'a', status: 'running' }], run: { status: 'running' } }], true);
    const res = await fetch(`${url()}/r`);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += value;
      }
    })();
    await until('a heartbeat', () => text.includes(': keep-alive\n\n'));
    expect(messages(text).map(brief)).toEqual(['1 run :running', '2 step a:running']);
    await store.commit('r', [{ i: 1, steps: [{ type: 'status', step: 'a', status: 'succeeded' }], run: { status: 'succeeded' } }], true);
    await pump; // the server closes the stream after `end`
    expect(messages(text).map(brief)).toEqual(['1 run :running', '2 step a:running', '3 step a:succeeded', '4 run :succeeded', '- end']);
    // resuming after id 3 gives what came after, then the end
    const resumed = await (await fetch(`${url()}/r`, { headers: { 'last-event-id': '3' } })).text();
    expect(messages(resumed).map(brief)).toEqual(['4 run :succeeded', '- end']);
  });
});
