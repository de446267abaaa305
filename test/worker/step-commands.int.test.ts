/**
 * What a step costs Redis in round trips (issue 9): the commands strata's coordinator and
 * worker send per step, counted with MONITOR on the test Redis while runs of no-op steps go
 * (the no-op runtime: a real step's path minus the program). Counts, never times. Only
 * commands sent by a client count (those a script runs inside Redis are shown by MONITOR
 * as coming from `lua` and left out), split into strata's own (run keys) and BullMQ's
 * (keys under `<prefix>:bull:`, described in docs/performance.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { startRunParts, type RunParts } from '../../src/app/run-parts.ts';
import type { RedisHandle } from '../../src/app/redis-connection.ts';
import { DefinitionsStore } from '../../src/store/definitions-store.ts';
import { validateFlowDocument } from '../../src/flow/flow-document.ts';
import { compileFlow } from '../../src/plan/compile.ts';
import { NoopRuntime } from '../../runtime/noop-runtime.ts';
import { until } from '../support/processes.ts';
import { monitorRedis } from '../support/redis-monitor.ts';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

/** Commands clients send from now on (not those a script runs), as their arguments, until `stop`. */
async function clientCommands(): Promise<{ seen: string[][]; stop(): void }> {
  const m = await monitorRedis(inject('redisUrl'));
  return {
    get seen() {
      return m.seen.filter((s) => s.from !== 'lua').map((s) => s.args);
    },
    stop: () => m.stop(),
  };
}

/** The first key a command names: EVALSHA/EVAL sha numkeys key..., else the first argument. */
const firstKey = (args: string[]) => (/^eval/.test(args[0]) ? (Number(args[2]) > 0 ? args[3] : '') : (args[1] ?? ''));

const noop = (id: string) => ({ id, task: { image: 'strata/noop' } });

async function start(): Promise<{ parts: RunParts; prefix: string; run(root: unknown): Promise<string> }> {
  const prefix = `sc-${randomUUID().slice(0, 8)}`;
  const home = mkdtempSync(join(tmpdir(), 'strata-step-commands-'));
  const url = inject('redisUrl');
  const clients: Redis[] = [];
  const handle: RedisHandle = { url, connect: () => { const r = new Redis(url, { maxRetriesPerRequest: null }); clients.push(r); return r; }, stop: async () => undefined, reachable: async () => true, abandon: () => undefined };
  // A run falls due when a sync has not settled it within the grace (5 s): on a loaded machine
  // a chain of steps may take that long, and the coordinator's fold of it is not a step's cost.
  const config = loadConfig({ PORT: '0', REDIS_URL: url, STRATA_PREFIX: prefix, STRATA_HOME: home, STRATA_WORKER_CONCURRENCY: '10', STRATA_SYNC_GRACE_MS: '3600000' });
  const parts = await startRunParts(config, handle, new DefinitionsStore(handle.connect(), `${prefix}:`), { coordinator: true, worker: true, runtime: new NoopRuntime() });
  cleanup.push(async () => {
    await parts.close();
    for (const c of clients) c.disconnect();
    rmSync(home, { recursive: true, force: true });
  });
  await parts.worker!.worker.waitUntilReady();
  const done = new Set<string>();
  parts.sys.ports.onRunDone = (id) => done.add(id);
  return {
    parts, prefix,
    async run(root) {
      const doc = validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'count', version: '1' }, spec: { root } });
      const id = await parts.coordinator!.startRun(doc, compileFlow(doc), {}, {});
      await until(`run ${id} to end`, () => done.has(id), 60_000);
      expect(await parts.sys.store.status(id)).toBe('succeeded');
      return id;
    },
  };
}

describe('a step\'s Redis round trips', () => {
  it('strata sends at most 3 commands a step of its own in a chain (check, append, commit), fewer in a fan-out', async () => {
    const { prefix, run } = await start();
    await run({ sequence: [noop('warm-a'), noop('warm-b')] }); // scripts loaded, connections up
    // The end of a run queues its onEnd through an outbox swept after a grace (notifier.ts),
    // and deadlines are a book read when one is due: both are per run, and an earlier run's
    // sweep may fall inside a later run's window (it did under load), so they are not a step's.
    const perRun = (key: string) => key === `${prefix}:notify:outbox` || key === `${prefix}:deadlines`;
    const own = (seen: string[][]) => seen.filter((a) => !firstKey(a).startsWith(`${prefix}:bull:`) && firstKey(a).startsWith(`${prefix}:`) && !perRun(firstKey(a)));
    const chain = 20;
    let m = await clientCommands();
    await run({ sequence: Array.from({ length: chain }, (_, i) => noop(`s${i}`)) });
    m.stop();
    const chainOwn = own(m.seen);
    // Creating the run (the script, the first sync's reads of the plan and the log) and
    // ending it (the end's reads, the notification outbox) cost about ten for the whole run.
    expect(chainOwn.length, chainOwn.map((a) => `${a[0]} ${firstKey(a)}`).join('\n')).toBeLessThanOrEqual(3 * chain + 10);
    // The worker's check before a step is one command (a script), not one per key read.
    expect(chainOwn.filter((a) => a[0] === 'hget' && firstKey(a).endsWith(':steps')).length).toBe(0);

    const fan = 200;
    m = await clientCommands();
    await run({ fanOut: { over: Array.from({ length: fan }, (_, i) => i), concurrency: 10, do: noop('x') } });
    m.stop();
    const fanOwn = own(m.seen);
    // Completions that arrive together share one append and one commit.
    expect(fanOwn.length).toBeLessThan(3 * fan);
  });

  it('an idle worker waits for its next job 10 s a blocking read (BullMQ\'s longest), not 5: half the reads and fetches of an idle worker', async () => {
    const { prefix, run } = await start();
    const m = await clientCommands();
    await run({ sequence: [noop('a'), noop('b')] });
    // The worker, drained, blocks on its queue's marker (BullMQ's waitForJob: BZPOPMIN key timeout).
    const waits = await until('the worker to wait for a job', () => {
      const w = m.seen.filter((a) => a[0] === 'bzpopmin' && a[1] === `${prefix}:bull:steps:marker`);
      return w.length > 0 ? w : undefined;
    });
    m.stop();
    expect(waits.map((a) => a[2])).toEqual(waits.map(() => '10'));
  });
});
