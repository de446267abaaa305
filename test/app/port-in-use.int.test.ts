/**
 * A port strata is told to listen on that another program holds (PORT for `strata up` and
 * `serve`, STRATA_METRICS_PORT for `strata worker`) stops the process with exit 2 and one
 * sentence naming the variable, the address and what to do, having stopped what it had
 * started (its home's redis-server). It had been `strata: internal error: listen EADDRINUSE`
 * (exit 1), and `strata worker` then ran on, taking steps, deaf to SIGTERM (tester 17).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processRunning } from '../../runtime/process/process-group.ts';
import { runStrata, until } from '../support/processes.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-port-');
const held: Server[] = [];
afterAll(async () => {
  for (const s of held) await new Promise((r) => s.close(r));
});

/** A port another program (this test) listens on, on `host`. */
async function heldPort(host: string): Promise<number> {
  const s = createServer();
  held.push(s);
  await new Promise<void>((r) => s.listen(0, host, () => r()));
  return (s.address() as { port: number }).port;
}

/** The last line a process wrote to stderr (its log lines, JSON, come before). */
const lastLine = (text: string) => text.trim().split('\n').pop();

/** The home's redis-server, once the process that started it has let go: gone. */
async function expectRedisStopped(home: string): Promise<void> {
  const file = join(home, 'redis', 'server.json');
  if (!existsSync(file)) return;
  const { pid } = JSON.parse(readFileSync(file, 'utf8')) as { pid: number };
  await until('the home\'s redis-server to stop', () => !processRunning(pid));
}

describe('a port held by another program', () => {
  for (const cmd of ['up', 'serve']) {
    it(`strata ${cmd} with PORT held: exit 2, one sentence, its redis-server stopped`, async () => {
      const port = await heldPort('127.0.0.1');
      const home = newTempDir();
      const r = await runStrata([cmd], { REDIS_URL: '', STRATA_HOME: home, PORT: String(port) });
      expect(lastLine(r.stderr)).toBe(`strata: PORT ${port}: 127.0.0.1:${port} is in use by another program: stop it, or set PORT to a free port (0: any)`);
      expect(r.stderr).not.toContain('internal error');
      expect(r.code).toBe(2);
      await expectRedisStopped(home);
    });
  }

  it('strata worker with STRATA_METRICS_PORT held: exit 2, one sentence, its redis-server stopped', async () => {
    const port = await heldPort('0.0.0.0');
    const home = newTempDir();
    const r = await runStrata(['worker'], { REDIS_URL: '', STRATA_HOME: home, STRATA_METRICS_PORT: String(port) });
    expect(lastLine(r.stderr)).toBe(`strata: STRATA_METRICS_PORT ${port}: 0.0.0.0:${port} is in use by another program: stop it, or set STRATA_METRICS_PORT to a free port (0: any)`);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(2);
    await expectRedisStopped(home);
  }, 60_000);
});
