/**
 * The local redis-server of a STRATA_HOME, shared by every strata process of that home
 * (`strata up`, `strata serve`, `strata worker`) when REDIS_URL is unset. Its state lives
 * in `<home>/redis/`: the data (AOF on), `server.json` (pid and port of the server) and
 * `users/<pid>` (one file per strata process using it), all read and written under a
 * lock (pid-lock.ts).
 *
 * - A process opening it adopts the server `server.json` names when that server answers
 *   on its port and serves this very directory (`CONFIG GET dir`); otherwise it starts
 *   one, detached in its own session (a Ctrl-C in the terminal reaches strata, which stops
 *   cleanly, not Redis under it).
 * - A process never signals a pid it read from a file. A server named there that still
 *   runs with this directory but does not answer (frozen, busy) is refused with a sentence,
 *   never killed or doubled (two servers on one AOF would corrupt it). "With this directory"
 *   is the process's working directory, where redis-server works (`--dir`): its command line
 *   is rewritten by redis-server to `redis-server 127.0.0.1:PORT`, so a check of it found no
 *   server beside a frozen one and started a second (tester 17).
 * - A server that is gone (killed, crashed) is started again on the port it had, so that
 *   processes still connected to that port find it again: by the next process of the home
 *   that opens it, and by the processes using it as soon as their connections lose it
 *   (`keep`); they had answered 503 for ever, or been stranded on the old port while a new
 *   process started one on another.
 * - The last strata process of the home to let go stops it, with Redis's own SHUTDOWN
 *   (the AOF is flushed) after checking again that it serves this directory. Users that
 *   died without letting go do not count.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import { StrataError } from '../errors/strata-error.ts';
import { processRunning as running } from '../../runtime/process/process-group.ts';
import { withPidLock } from './pid-lock.ts';
import { freePort, portFree, waitForPort } from './redis-server.ts';

export interface HomeRedis {
  url: string;
  port: number;
  /** true when this process started the server, false when it adopted a running one */
  started: boolean;
  /**
   * Start the server again on this port when it is gone (its pid no longer a redis-server
   * working in this directory), as the home's other processes would; nothing when it runs,
   * answering or not, or after `release`. Resolves with what was done, said through `say`.
   * One look at a time (a call while one is made answers with it), and at most one a second
   * (a call within a second of the last look's start does nothing: `recent`): every
   * connection of the process calls it each time it tries to reconnect.
   */
  keep(): Promise<Kept>;
  /** Let go; the last user of the home stops the server. */
  release(): Promise<void>;
}

/** What HomeRedis.keep did. */
export type Kept = 'running' | 'restarted' | 'moved' | 'released' | 'recent';

/** HomeRedis.keep looks at most once in this long. */
const KEEP_EVERY_MS = 1000;

interface ServerState {
  pid: number;
  port: number;
}

/** The directory a redis-server answering on `port` serves, or undefined when none answers. */
async function servedDir(port: number): Promise<string | undefined> {
  const r = new Redis({ host: '127.0.0.1', port, lazyConnect: true, connectTimeout: 1000, commandTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  r.on('error', () => undefined);
  try {
    await r.connect();
    const [, dir] = (await r.config('GET', 'dir')) as [string, string];
    return dir;
  } catch {
    return undefined;
  } finally {
    r.disconnect();
  }
}

/**
 * True when process `pid` is a redis-server working in `dir` (Linux: its name and working
 * directory; redis-server changes to its `--dir` as it starts and rewrites its command line).
 */
function holdsDir(pid: number, dir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'redis-server' && readlinkSync(`/proc/${pid}/cwd`) === dir;
  } catch {
    return false;
  }
}

async function readState(dir: string): Promise<ServerState | undefined> {
  try {
    const s = JSON.parse(await readFile(join(dir, 'server.json'), 'utf8')) as ServerState;
    return Number.isInteger(s.pid) && Number.isInteger(s.port) ? s : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Open the home's local Redis, adopting the running one or starting it; `dataDir` is
 * `<home>/redis`; `say` hears a sentence when a lock left by a crashed process is taken over.
 */
export async function openHomeRedis(dataDir: string, say: (s: string) => void = () => undefined): Promise<HomeRedis> {
  mkdirSync(join(dataDir, 'users'), { recursive: true });
  const dir = realpathSync(dataDir);
  const lock = <T>(fn: () => Promise<T>) => withPidLock(join(dir, 'lock'), fn, { say });
  const { port, started } = await lock(async () => {
    const state = await readState(dir);
    if (state && running(state.pid)) {
      if ((await servedDir(state.port)) === dir) {
        await writeFile(join(dir, 'users', String(process.pid)), '');
        return { port: state.port, started: false };
      }
      if (holdsDir(state.pid, dir)) {
        throw new StrataError('unavailable', `the redis-server of this STRATA_HOME (pid ${state.pid}) does not answer on port ${state.port}; stop it, or set REDIS_URL`);
      }
    }
    // A server that is gone is started on its port when that is free: the home's processes
    // still running (frozen while it died, say) find it there again.
    const port = await startServer(dir, state?.port);
    await writeFile(join(dir, 'users', String(process.pid)), '');
    return { port, started: true };
  });
  // One release however often it is asked for: a second stop (a second Ctrl-C) waits for the
  // first one's instead of ending the process in the middle of it.
  let releasing: Promise<void> | undefined;
  let keeping: Promise<Kept> | undefined;
  let lookedAt = -Infinity;
  let movedSaid = false;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    started,
    keep() {
      if (keeping) return keeping;
      if (Date.now() - lookedAt < KEEP_EVERY_MS) return Promise.resolve('recent' as const);
      lookedAt = Date.now();
      keeping = lock(async (): Promise<Kept> => {
        if (releasing) return 'released' as const;
        const state = await readState(dir);
        if (state && running(state.pid) && ((await servedDir(state.port)) === dir || holdsDir(state.pid, dir))) {
          if (state.port === port) return 'running' as const;
          if (movedSaid) return 'moved' as const;
          movedSaid = true;
          say(`the redis-server of ${dirname(dir)} runs on port ${state.port} now, not ${port} where this process was started: restart it`);
          return 'moved' as const;
        }
        await startServer(dir, port, true);
        say(`the redis-server of ${dirname(dir)} (${state ? `pid ${state.pid}, ` : ''}port ${port}) had stopped: started it again on its port (its data in ${dir})`);
        return 'restarted' as const;
      }).finally(() => (keeping = undefined));
      return keeping;
    },
    release() {
      releasing ??= lock(async () => {
        await rm(join(dir, 'users', String(process.pid)), { force: true });
        if ((await liveUsers(dir)).length > 0) return;
        const state = await readState(dir);
        if (!state || state.port !== port || (await servedDir(port)) !== dir) return;
        await shutdown(port, state.pid);
        await rm(join(dir, 'server.json'), { force: true });
      });
      return releasing;
    },
  };
}

/** Pids of the strata processes still using the home's server; files of dead ones are removed. */
async function liveUsers(dir: string): Promise<number[]> {
  const live: number[] = [];
  for (const name of await readdir(join(dir, 'users')).catch(() => [] as string[])) {
    const pid = Number(name);
    if (Number.isInteger(pid) && pid > 0 && running(pid)) live.push(pid);
    else await rm(join(dir, 'users', name), { force: true });
  }
  return live;
}

/**
 * Start the home's redis-server, detached in its own session; returns its port once it
 * answers. On `port` when given and free (else a free one, unless `only`: then the port taken
 * is the error).
 */
async function startServer(dir: string, wanted?: number, only = false): Promise<number> {
  await mkdir(dir, { recursive: true });
  const free = wanted !== undefined && (await portFree(wanted));
  if (only && !free) throw new StrataError('unavailable', `cannot start the redis-server of ${dirname(dir)} again on port ${wanted}: something else listens there`);
  const port = free ? wanted! : await freePort();
  const log = join(dir, 'redis.log');
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'yes', '--dir', dir, '--appendonly', 'yes', '--save', '', '--loglevel', 'warning', '--logfile', log];
  const child = spawn('redis-server', args, { detached: true, stdio: 'ignore' });
  const exited = new Promise<string>((resolve) => {
    child.once('error', (e) => resolve(`cannot start redis-server (${(e as NodeJS.ErrnoException).code}): install it (apt-get install redis-server) or set REDIS_URL`));
    child.once('exit', (code) => resolve(`redis-server exited with ${code}: ${lastLine(log)}`));
  });
  const up = waitForPort(port, 10_000).then(() => undefined);
  const why = await Promise.race([up, exited]);
  if (typeof why === 'string') throw new StrataError('unavailable', why);
  child.removeAllListeners('exit');
  child.unref();
  await writeFile(join(dir, 'server.json'), JSON.stringify({ pid: child.pid, port }));
  return port;
}

/** SHUTDOWN through Redis itself (it flushes the AOF), then wait for the process to be gone. */
async function shutdown(port: number, pid: number): Promise<void> {
  const r = new Redis({ host: '127.0.0.1', port, lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    await r.shutdown().catch(() => undefined); // the connection closes as it answers
  } catch {
    // gone already
  } finally {
    r.disconnect();
  }
  for (let i = 0; i < 200 && running(pid); i++) await new Promise((res) => setTimeout(res, 25));
}

function lastLine(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').pop() ?? '';
  } catch {
    return '';
  }
}
