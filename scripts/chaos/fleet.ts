/**
 * The processes the chaos harness runs and kills: one redis-server with AOF (every write
 * fsynced before it is acknowledged), one `strata serve` and N `strata worker`s on one
 * STRATA_HOME. Each can be SIGKILLed and started again in its place (Redis on the same
 * port and data, serve on the same port). Every strata process carries CHAOS_MARK in its
 * environment, and so does everything it starts, so what is left over can be found.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startRedisServer, type RedisServer } from '../../src/store/redis-server.ts';

const STRATA = fileURLToPath(new URL('../../bin/strata.js', import.meta.url));

export interface FleetOptions {
  dir: string;
  workers: number;
  mark: string;
  /** STRATA_LOCK_MS of the workers: how soon a killed worker's steps are taken over */
  lockMs: number;
}

export class Fleet {
  readonly home: string;
  readonly apiPort: Promise<number>;
  private redisPort = 0;
  private redis: RedisServer | undefined;
  private serve: ChildProcess | undefined;
  private readonly workers: Array<ChildProcess | undefined> = [];
  private started = 0;

  constructor(private readonly o: FleetOptions) {
    this.home = join(o.dir, 'home');
    mkdirSync(join(o.dir, 'logs'), { recursive: true });
    this.apiPort = freePort();
  }

  get url(): Promise<string> {
    return this.apiPort.then((p) => `http://127.0.0.1:${p}`);
  }

  async start(): Promise<void> {
    this.redisPort = await freePort();
    await this.startRedis();
    await this.startServe();
    for (let i = 0; i < this.o.workers; i++) this.startWorker(i);
  }

  async startRedis(): Promise<void> {
    // appendfsync always: a write Redis acknowledged survives its SIGKILL (the guarantees assume it).
    this.redis = await startRedisServer({ dir: join(this.o.dir, 'redis'), port: this.redisPort, persist: true, extraArgs: ['--appendfsync', 'always'] });
  }

  async startServe(): Promise<void> {
    this.serve = this.strata('serve', { PORT: String(await this.apiPort) });
  }

  startWorker(i: number): void {
    this.workers[i] = this.strata('worker', { STRATA_WORKER_CONCURRENCY: '4' });
  }

  /** SIGKILL one: a worker (by index), serve or Redis; resolves once it is gone. */
  async kill(what: { worker: number } | 'serve' | 'redis'): Promise<void> {
    const child = what === 'redis' ? this.redis?.process : what === 'serve' ? this.serve : this.workers[what.worker];
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }

  /** Start again whatever was killed or died. */
  async revive(): Promise<void> {
    const dead = (c: ChildProcess | undefined) => !c || c.exitCode !== null || c.signalCode !== null;
    if (dead(this.redis?.process)) await this.startRedis();
    if (dead(this.serve)) await this.startServe();
    this.workers.forEach((w, i) => dead(w) && this.startWorker(i));
  }

  /** Stop serve and the workers as an operator would (SIGTERM); returns how many did not stop within `limitMs` (then SIGKILLed). */
  async stopStrata(limitMs = 30_000): Promise<number> {
    const late = await Promise.all([this.serve, ...this.workers].map((c) => stop(c, limitMs)));
    return late.filter(Boolean).length;
  }

  async stopRedis(): Promise<void> {
    await this.redis?.stop();
  }

  /** Pids of the processes the harness itself holds (Redis's included), which are not leftovers. */
  ownPids(): number[] {
    return [this.redis?.process.pid, this.serve?.pid, ...this.workers.map((w) => w?.pid)].filter((p): p is number => p !== undefined);
  }

  private strata(cmd: string, extra: Record<string, string>): ChildProcess {
    const log = createWriteStream(join(this.o.dir, 'logs', `${cmd}-${++this.started}.log`));
    const env = {
      ...process.env,
      REDIS_URL: `redis://127.0.0.1:${this.redisPort}`,
      STRATA_HOME: this.home,
      STRATA_PREFIX: 'chaos',
      STRATA_LOCK_MS: String(this.o.lockMs),
      STRATA_STALLED_MS: String(Math.max(1000, Math.round(this.o.lockMs / 2))),
      STRATA_LOG_LEVEL: 'warn',
      CHAOS_MARK: this.o.mark,
      ...extra,
    };
    const child = spawn(process.execPath, [STRATA, cmd], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    return child;
  }
}

/** SIGTERM, then SIGKILL after `limitMs`; resolves true when it had to. */
function stop(c: ChildProcess | undefined, limitMs: number): Promise<boolean> {
  if (!c || c.exitCode !== null || c.signalCode !== null) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => c.kill('SIGKILL'), limitMs);
    c.once('exit', (_code, sig) => {
      clearTimeout(timer);
      resolve(sig === 'SIGKILL');
    });
    c.kill('SIGTERM');
  });
}
