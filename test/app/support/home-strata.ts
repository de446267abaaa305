/**
 * Strata processes on a STRATA_HOME's own local Redis (REDIS_URL unset), for the tests of that
 * Redis (test/app/local-redis.int, home-redis-faults.int): fresh homes, the processes, and
 * what a home's `redis/server.json` and /proc say of its redis-server. Everything started is
 * killed after the file: the processes (thawed first, should a test have frozen one) and the
 * redis-servers working in a home's `redis/` directory.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { spawnStrata, until } from '../../support/processes.ts';
import { useTempDirs } from '../../support/temp-dirs.ts';

export type Proc = ReturnType<typeof spawnStrata>;

/** The redis-server a home names in `redis/server.json`. Throws when there is none (yet). */
export const serverOf = (h: string) => JSON.parse(readFileSync(join(h, 'redis', 'server.json'), 'utf8')) as { pid: number; port: number };

/** serverOf, or undefined while the file is missing or being written. */
export function tryServerOf(h: string): { pid: number; port: number } | undefined {
  try {
    return serverOf(h);
  } catch {
    return undefined;
  }
}

/** Pids of the redis-servers serving `<h>/redis` (a redis-server works in its --dir). */
export function serversOf(h: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/comm`, 'utf8').trim() === 'redis-server' && readlinkSync(`/proc/${name}/cwd`) === join(h, 'redis')) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export const exited = (p: Proc) => p.exitCode !== null || p.signalCode !== null;
export const apiUrl = (p: Proc) => until('the API to listen', () => /API on (http:\/\/[\d.:]+)/.exec(p.output())?.[1]);
export const ready = async (url: string) => (await fetch(`${url}/readyz`)).status === 200;

/**
 * `home()`: a fresh STRATA_HOME (under a temp dir named `prefix`); `strata(cmd, h, env)`: `strata
 * CMD` on its local Redis, PORT 0, prefix 'strata'; `keep(p)`: another process to kill after
 * the file. Call at a test file's top level.
 */
export function useHomeStrata(prefix: string) {
  const newTempDir = useTempDirs(prefix);
  const procs: Proc[] = [];
  const homes: string[] = [];
  afterAll(() => {
    for (const p of procs) {
      if (!exited(p)) {
        p.kill('SIGCONT');
        p.kill('SIGKILL');
      }
    }
    for (const h of homes) for (const pid of serversOf(h)) process.kill(pid, 'SIGKILL');
  });
  const keep = (p: Proc): Proc => {
    procs.push(p);
    return p;
  };
  return {
    home(): string {
      const h = newTempDir();
      homes.push(h);
      return h;
    },
    strata: (cmd: string, h: string, env: Record<string, string> = {}): Proc => keep(spawnStrata([cmd], { REDIS_URL: '', STRATA_HOME: h, PORT: '0', STRATA_PREFIX: 'strata', ...env })),
    keep,
  };
}
