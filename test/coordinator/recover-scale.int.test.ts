/**
 * Issue 9: taking up a due run checks that each running step still has a job that can run.
 * That check must not scan BullMQ's wait list per step (getState runs LPOS over it): with
 * 90,000 steps waiting, a 100,000-node tree Dataset's run, it was quadratic and held Redis
 * for minutes. Counted, not timed: the commands Redis ran (INFO commandstats) on a Redis of
 * this test's own, while the coordinator takes up a run whose 200 steps wait for a worker.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import type { RedisHandle } from '../../src/app/redis-connection.ts';
import { startRunParts, type RunParts } from '../../src/app/run-parts.ts';
import { newRunId } from '../../src/coordinator/coordinator.ts';
import { validateFlowDocument } from '../../src/flow/flow-document.ts';
import { compileFlow } from '../../src/plan/compile.ts';
import { prepareRun } from '../../src/run/prepared-run.ts';
import { DefinitionsStore } from '../../src/store/definitions-store.ts';
import { startRedisServer, type RedisServer } from '../../src/store/redis-server.ts';

let server: RedisServer;
let home: string;
let parts: RunParts;
const clients: Redis[] = [];

beforeAll(async () => {
  server = await startRedisServer();
  home = await mkdtemp(join(tmpdir(), 'strata-recover-'));
  const handle: RedisHandle = { url: server.url, connect: () => { const r = new Redis(server.url, { maxRetriesPerRequest: null }); clients.push(r); return r; }, stop: async () => undefined, reachable: async () => true, abandon: () => undefined };
  const config = loadConfig({ PORT: '0', REDIS_URL: server.url, STRATA_HOME: home, STRATA_RUNTIME: 'noop' });
  // A coordinator and no worker: the steps' jobs stay waiting.
  parts = await startRunParts(config, handle, new DefinitionsStore(handle.connect(), 'strata:'), { coordinator: true, worker: false });
});

afterAll(async () => {
  await parts?.close();
  for (const c of clients) c.disconnect();
  await server?.stop();
  await rm(home, { recursive: true, force: true });
});

it('checks the running steps of a due run without scanning the wait list', async () => {
  const doc = validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'wide', version: '1' }, spec: { root: { fanOut: { over: Array.from({ length: 200 }, (_, i) => i), do: { task: { image: 'strata/noop' } } } } } });
  const c = compileFlow(doc);
  const id = newRunId();
  await parts.port!.start(prepareRun('wide@1', c.root, c.params, c.stepIds), { flow: 'wide@1' }, id);
  const admin = new Redis(server.url);
  clients.push(admin);
  // Its 200 steps are running and their jobs wait.
  for (let i = 0; i < 200 && (await admin.llen('strata:bull:steps:wait')) < 200; i++) await new Promise((r) => setTimeout(r, 50));
  expect(await admin.llen('strata:bull:steps:wait')).toBe(200);
  await admin.config('RESETSTAT');
  // What a coordinator does with a due run (a process that carried it on may have died).
  await (parts.coordinator as unknown as { recover(id: string): Promise<void> }).recover(id);
  const stats = await admin.info('commandstats');
  const calls = (cmd: string) => Number(new RegExp(`cmdstat_${cmd}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
  expect(calls('lpos')).toBe(0);
  // Each running step's job was looked at: found, and in neither the completed nor the failed set.
  expect(calls('hgetall')).toBeGreaterThanOrEqual(200);
  expect(calls('zscore')).toBeGreaterThanOrEqual(400);
  // Nothing was enqueued again: every job was still there to run.
  expect(await admin.llen('strata:bull:steps:wait')).toBe(200);
});
