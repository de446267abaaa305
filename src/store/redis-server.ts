/**
 * Start a private redis-server on a free port (or a given one): for tests, benchmarks and
 * the chaos harness, with its data in `dir` when given (AOF on with `persist`). The local
 * Redis of a STRATA_HOME, shared by its processes, is home-redis.ts. Arguments are an argv
 * list, never a shell line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { StrataError } from '../errors/strata-error.ts';
import { appendAll } from '../flow/append-all.ts';

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

/** Whether nothing listens on loopback `port` (a listener of our own could take it). */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Resolves once something accepts connections on loopback `port`; rejects after `limitMs`. */
export function waitForPort(port: number, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  return new Promise<void>((resolve, reject) => {
    const probe = () => {
      const s = new Socket();
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new StrataError('unavailable', `redis-server did not accept connections within ${limitMs / 1000} s`));
        else setTimeout(probe, 20);
      });
      s.connect(port, '127.0.0.1');
    };
    probe();
  });
}

export async function startRedisServer(opts: { dir?: string; port?: number; persist?: boolean; extraArgs?: string[] } = {}): Promise<RedisServer> {
  const port = opts.port ?? (await freePort());
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--protected-mode', 'yes', '--loglevel', 'warning'];
  if (opts.dir) {
    mkdirSync(opts.dir, { recursive: true });
    args.push('--dir', opts.dir);
  }
  args.push('--appendonly', opts.persist ? 'yes' : 'no');
  appendAll(args, opts.extraArgs ?? []);
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.on('data', (d) => (stderr += d));
  await new Promise<void>((resolve, reject) => {
    child.once('error', (e) =>
      reject(new StrataError('unavailable', `cannot start redis-server (${(e as NodeJS.ErrnoException).code}): install it (apt-get install redis-server) or set REDIS_URL`)),
    );
    child.once('exit', (code) => reject(new StrataError('unavailable', `redis-server exited with ${code}: ${stderr.trim()}`)));
    waitForPort(port, 10_000).then(resolve, reject);
  });
  child.removeAllListeners('exit');
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
