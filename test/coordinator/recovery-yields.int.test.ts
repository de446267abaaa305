/**
 * Issue 9: a service that starts over a big run left unrecorded (its process died after
 * the steps' completions were appended, before they were folded and recorded) takes the
 * run up by folding its log, and answers /healthz and other requests meanwhile: the log
 * is read and folded in chunks, with the event loop free between them (docs/runs.md).
 * Observed by the order of events, not by time: Redis's MONITOR sees the service read the
 * run's log chunk after chunk, and the mark this test sends once /healthz has answered
 * comes before the last of those reads. Before, the log was read in one command and
 * folded in one go, /healthz waiting behind it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, expect, inject, it } from 'vitest';
import { LOG_READ_ENTRIES as LOG_READ_CHUNK } from '../../src/store/run-store.ts';
import { validateFlowDocument } from '../../src/flow/flow-document.ts';
import { compileFlow } from '../../src/plan/compile.ts';
import { RunStore } from '../../src/store/run-store.ts';
import { spawnStrata, stop, until } from '../support/processes.ts';
import { monitorRedis } from '../support/redis-monitor.ts';

// Enough log entries for many chunks: the fold of each takes far longer than a request over loopback.
const N = 20 * LOG_READ_CHUNK;
const dir = mkdtempSync(join(tmpdir(), 'strata-recovery-'));
const cleanup: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

it('answers /healthz while it is still folding the log of a big run it takes up at start', async () => {
  const prefix = `recovery-${Date.now()}`;
  const redis = new Redis(inject('redisUrl'));
  cleanup.push(() => void redis.disconnect());
  // The stored run: a fan-out of N steps, every completion appended, none folded or recorded.
  const store = new RunStore(redis, `${prefix}:`, 10);
  const doc = validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'wide', version: '1' }, spec: { root: { fanOut: { over: Array.from({ length: N }, (_, i) => i), do: { task: { image: 'strata/noop' } } } } } });
  const compiled = compileFlow(doc);
  const id = `rbig${Date.now()}`;
  await store.create(id, 'wide@1', { root: compiled.root, params: compiled.params }, compiled.stepIds, {});
  for (let i = 0; i < N; i += 1000) {
    const events = Array.from({ length: Math.min(1000, N - i) }, (_, k) => ({ event: { type: 'finished' as const, step: String(i + k), attempt: 1, ok: true, at: Date.now() }, dedupe: `f|${i + k}|1` }));
    await store.append(id, events, 0);
  }
  const logKey = store.key(id, 'log');
  expect(await redis.llen(logKey)).toBe(N + 1);

  const watch = await monitorRedis(inject('redisUrl'));
  cleanup.push(() => watch.stop());
  const serve = spawnStrata(['serve'], { REDIS_URL: inject('redisUrl'), STRATA_PREFIX: prefix, STRATA_HOME: join(dir, 'home'), PORT: '0', STRATA_SYNC_GRACE_MS: '10' });
  cleanup.push(() => stop(serve));
  const url = await until('the API to listen', () => /API on (http:\/\/[\d.:]+)/.exec(serve.output())?.[1], 60_000);
  const logReads = () => watch.seen.filter((s) => s.from !== 'lua' && s.args[0] === 'lrange' && s.args[1] === logKey);
  // Once the service has begun reading the run's log, ask it for /healthz; mark the answer in Redis's stream.
  await until('the service to begin reading the run log', () => logReads().length > 0, 60_000, 5);
  const health = await fetch(`${url}/healthz`);
  expect(health.status).toBe(200);
  await redis.echo(`${prefix}-healthz-answered`);
  await until('the run to be recorded as ended', async () => (await store.status(id)) === 'succeeded', 300_000, 200);

  // The log was read in chunks, and /healthz was answered before the last chunk was read.
  const seen = watch.seen;
  const mark = seen.findIndex((s) => s.args[0] === 'echo' && s.args[1] === `${prefix}-healthz-answered`);
  const reads = seen.map((s, i) => ({ s, i })).filter(({ s }) => s.from !== 'lua' && s.args[0] === 'lrange' && s.args[1] === logKey);
  expect(reads.length).toBeGreaterThanOrEqual(N / LOG_READ_CHUNK);
  for (const { s } of reads) expect(Number(s.args[3]) - Number(s.args[2]) + 1).toBeLessThanOrEqual(LOG_READ_CHUNK);
  expect(mark).toBeGreaterThan(reads[0].i);
  expect(reads.at(-1)!.i).toBeGreaterThan(mark);
  // And the run was taken up correctly: every step recorded as succeeded.
  const view = await store.view(id);
  expect(Object.values(view!.steps).filter((s) => s.status === 'succeeded')).toHaveLength(N);
  expect(serve.exitCode).toBeNull();
}, 400_000);
