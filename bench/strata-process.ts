/**
 * A real strata process for a benchmark: a redis-server of its own, a fresh STRATA_HOME, and
 * `strata <command>` (`up` or `serve`) started from the build (STRATA_BIN: another checkout's
 * bin/strata.js, for a side by side), on a free port; resolved once it prints its API's URL.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer } from '../src/store/redis-server.ts';
import { readProcStat, TICK_MS } from '../runtime/local/proc-stat.ts';

/** the strata to measure */
export const BIN = process.env.STRATA_BIN ?? join(import.meta.dirname, '..', 'bin', 'strata.js');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU time in ms (user + system; with `children`, of its reaped children) of a process, from /proc/PID/stat (clock ticks of 10 ms). Throws when the process is gone. */
export function cpuMs(pid: number | 'self', children = false): number {
  const s = readProcStat(pid);
  if (!s) throw new Error(`process ${pid} is gone: no CPU time to read`);
  return (children ? s.cutime + s.cstime : s.utime + s.stime) * TICK_MS;
}

export interface StrataProcess {
  /** the API's base URL, `http://127.0.0.1:PORT` */
  url: string;
  pid: number;
  /** SIGTERM, wait for the exit, stop Redis, remove the home. */
  stop(): Promise<void>;
}

/**
 * Start `strata <command>` with `env` over its defaults (REDIS_URL, STRATA_PREFIX = `name`,
 * STRATA_HOME, PORT 0). Waits up to 60 s for "API on http://..." in its output; throws with
 * the output's tail when it does not come (everything it started is stopped first).
 */
export async function startStrata(command: 'up' | 'serve', name: string, env: Record<string, string> = {}): Promise<StrataProcess> {
  const redis = await startRedisServer();
  const home = mkdtempSync(join(tmpdir(), `strata-bench-${name}-`));
  const child = spawn(process.execPath, [BIN, command], { env: { ...process.env, REDIS_URL: redis.url, STRATA_PREFIX: name, STRATA_HOME: home, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise((r) => child.once('exit', r));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await redis.stop();
    rmSync(home, { recursive: true, force: true });
  };
  let url: string | undefined;
  for (let i = 0; !url && i < 600 && child.exitCode === null; i++, await sleep(100)) url = /API on (http:\/\/[\d.:]+)/.exec(out)?.[1];
  if (!url) {
    await stop();
    throw new Error(`strata ${command} did not start: ${out.slice(-500)}`);
  }
  return { url, pid: child.pid!, stop };
}
