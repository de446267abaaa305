/** `strata runs watch` keeps following a run across a server restart, resuming with Last-Event-ID. */
import { createServer } from 'node:net';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { spawnStrata, stop, until } from '../support/processes.ts';
import { usePrefixes, testHome } from '../support/test-service.ts';

const newPrefix = usePrefixes();

const started: Array<ReturnType<typeof spawnStrata>> = [];
afterAll(async () => {
  for (const p of started) await stop(p);
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('strata runs watch', () => {
  it('reconnects after the server restarts and ends with the run, each event printed once', async () => {
    const prefix = newPrefix('watch');
    const port = await freePort();
    const env = { REDIS_URL: inject('redisUrl'), STRATA_PREFIX: prefix, STRATA_HOME: testHome(prefix), PORT: String(port) };
    const up = spawnStrata(['up'], env);
    started.push(up);
    const url = await until('the API to listen', () => /API on (http:\/\/[\d.:]+)/.exec(up.output())?.[1]);
    const res = await fetch(`${url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flow: flowDoc({ sequence: [{ id: 'first', task: shTask('true') }, { id: 'slow', task: shTask('sleep 2') }, { id: 'last', task: shTask('true') }] }) }) });
    const { runId } = (await res.json()) as { runId: string };
    const watch = spawnStrata(['runs', 'watch', runId], { STRATA_URL: url });
    started.push(watch);
    await until('the slow step to run', () => /▶ slow running/.test(watch.output()));
    await stop(up);
    await until('the watch to notice', () => /lost the connection/.test(watch.output()));
    const again = spawnStrata(['up'], env);
    started.push(again);
    const code = await new Promise<number | null>((resolve) => (watch.exitCode !== null ? resolve(watch.exitCode) : watch.once('exit', (c) => resolve(c))));
    const text = watch.output();
    expect(text).toMatch(/connection back, resuming after event \d+/);
    expect(text).toMatch(new RegExp(`run ${runId} succeeded`));
    expect(code).toBe(0);
    expect(text.match(/✓ first succeeded/g)).toHaveLength(1);
    expect(text.match(/✓ last succeeded/g)).toHaveLength(1);
  }, 60_000);
});
