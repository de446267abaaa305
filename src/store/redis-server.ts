/**
 * Start a private redis-server: for `strata up` when REDIS_URL is unset (data under
 * STRATA_HOME, AOF on) and for tests (a free port, no persistence). Arguments are an
 * argv list, never a shell line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, Socket } from 'node:net';
import { StrataError } from '../errors/strata-error.ts';

export interface RedisServer {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A TCP port free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startRedisServer(opts: { dir?: string; port?: number; persist?: boolean } = {}): Promise<RedisServer> {
  const port = opts.port ?? (await freePort());
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--protected-mode', 'yes', '--loglevel', 'warning'];
  if (opts.dir) {
    mkdirSync(opts.dir, { recursive: true });
    args.push('--dir', opts.dir);
    // A redis-server left behind by a strata that was killed still owns this data: stop it first.
    await stopLeftover(join(opts.dir, 'redis-server.pid'));
  }
  args.push('--appendonly', opts.persist ? 'yes' : 'no');
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.on('data', (d) => (stderr += d));
  await new Promise<void>((resolve, reject) => {
    child.once('error', (e) =>
      reject(new StrataError('unavailable', `cannot start redis-server (${(e as NodeJS.ErrnoException).code}): install it (apt-get install redis-server) or set REDIS_URL`)),
    );
    child.once('exit', (code) => reject(new StrataError('unavailable', `redis-server exited with ${code}: ${stderr.trim()}`)));
    const deadline = Date.now() + 10_000;
    const probe = () => {
      const s = new Socket();
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new StrataError('unavailable', 'redis-server did not accept connections within 10 s'));
        else setTimeout(probe, 20);
      });
      s.connect(port, '127.0.0.1');
    };
    probe();
  });
  child.removeAllListeners('exit');
  if (opts.dir && child.pid) writeFileSync(join(opts.dir, 'redis-server.pid'), String(child.pid));
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Stop the redis-server whose pid a file holds, if it still runs; then forget the file. */
async function stopLeftover(pidFile: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const isRedis = () => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('redis-server');
    } catch {
      return true; // no /proc: trust the pid file
    }
  };
  if (Number.isInteger(pid) && pid > 1 && alive() && isRedis()) {
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
  }
  rmSync(pidFile, { force: true });
}
