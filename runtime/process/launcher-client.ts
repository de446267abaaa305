/**
 * The worker's side of the process launcher (launcher.ts): containers started there look
 * like child processes here (`LaunchedChild`: 'spawn', 'error', 'exit' and 'close' events,
 * stdout and stderr streams), so the process driver runs them as it runs its own.
 *
 * The launcher is started on first use and again after it dies. Should it die while
 * containers run, each one's process group is killed from here and the container ends
 * with `lost` set: the step did not fail, the machinery did (run-task.ts turns it into an
 * infrastructure failure, which BullMQ retries).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { builtCopy } from '../built-copy.ts';
import { frame, frameReader, nulByteIn, spawnFrame, type FromLauncher } from './launcher-protocol.ts';
import { signalGroup } from './process-group.ts';

/** The launcher written in TypeScript: node on runtime/process/launcher-bin.cjs (its compiled copy when there is a fresh one: built-copy.ts). */
export const nodeLauncher = (): string[] => [process.execPath, fileURLToPath(builtCopy(new URL('./launcher-bin.cjs', import.meta.url)))];

/**
 * The launcher in C (launcher.c), when the build compiled it (scripts/build-launcher.mjs:
 * dist/runtime/process/strata-launcher, used from the sources too while dist/ is fresh) and
 * `STRATA_NATIVE_LAUNCHER` is not `0`: it starts each container with posix_spawn rather than
 * Node's fork, at about half the CPU a container (docs/performance.md, Fifteenth pass).
 * Undefined otherwise.
 */
export function nativeLauncher(env: Record<string, string | undefined> = process.env): string[] | undefined {
  if (env.STRATA_NATIVE_LAUNCHER === '0') return undefined;
  const bin = fileURLToPath(builtCopy(new URL('./strata-launcher', import.meta.url)));
  return existsSync(bin) ? [bin] : undefined;
}

/** How the launcher is started: the C one when it is built and `env` does not turn it off (nativeLauncher), else the Node.js one. */
export const defaultLauncher = (env: Record<string, string | undefined> = process.env): string[] => nativeLauncher(env) ?? nodeLauncher();

/** A container started by the launcher, shaped like the part of ChildProcess the process driver uses. */
export class LaunchedChild extends EventEmitter {
  pid: number | undefined;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  /** why it ended without its own exit being heard (the launcher died) */
  lost: string | undefined;
  exited = false;
  closed = false;

  constructor(
    readonly id: number,
    private readonly drop: () => void,
  ) {
    super();
    // Both streams let go before the end (a process that left its group holds them): stop reading there too.
    let gone = 0;
    for (const s of [this.stdout, this.stderr]) {
      s.once('close', () => {
        if (++gone === 2 && !this.closed) {
          this.drop();
          if (this.exited) this.close();
        }
      });
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stdout.end();
    this.stderr.end();
    this.emit('close');
  }
}

/** One launcher process, shared by the containers of a local runtime. */
export class Launcher {
  private proc: ChildProcess | undefined;
  private readonly children = new Map<number, LaunchedChild>();
  private next = 0;
  private closed = false;

  constructor(private readonly command: string[] = defaultLauncher()) {}

  /** Start `argv` in a process group of its own with exactly `env`, in `cwd`. */
  spawn(argv: string[], opts: { env: Record<string, string>; cwd?: string }): LaunchedChild {
    const id = ++this.next;
    const child = new LaunchedChild(id, () => this.write({ t: 'drop', id }, false));
    if (this.closed) {
      setImmediate(() => child.emit('error', new Error('the process launcher is closed')));
      return child;
    }
    const request = { argv, env: opts.env, ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}) };
    // Refused as Node's spawn refuses it: the frame's strings end at a NUL.
    const nul = nulByteIn(request);
    if (nul !== undefined) {
      setImmediate(() => {
        child.emit('error', Object.assign(new TypeError(nul), { code: 'ERR_INVALID_ARG_VALUE' }));
        child.close();
      });
      return child;
    }
    this.children.set(id, child);
    this.hold(true);
    this.send(spawnFrame(id, request));
    return child;
  }

  /** The launcher's pid while one runs. */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Let the launcher go: it kills what still runs and exits (waits at most `limitMs`). */
  async close(limitMs = 5000): Promise<void> {
    this.closed = true;
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.stdin?.end();
    await Promise.race([gone, new Promise<void>((r) => setTimeout(r, limitMs).unref())]);
  }

  /** Send a message, starting the launcher first when none runs and `start` says so. */
  private write(m: object, start = true): void {
    this.send(frame(m), start);
  }

  private send(bytes: Buffer, start = true): void {
    const proc = this.proc ?? (start ? this.start() : undefined);
    proc?.stdin?.write(bytes);
  }

  private start(): ChildProcess {
    const [cmd, ...args] = this.command;
    const proc = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    this.proc = proc;
    proc.stdin!.on('error', () => undefined); // it died: 'exit' says so
    proc.stdout!.on('data', frameReader<FromLauncher & { n?: number }>((h, payload) => this.receive(h, payload)));
    proc.once('exit', (code, signal) => this.lose(proc, `the process launcher (pid ${proc.pid}) ${signal ? `was killed by ${signal}` : `exited with code ${code}`}`));
    proc.once('error', (e) => this.lose(proc, `the process launcher could not start: ${e.message}`));
    if (this.children.size === 0) this.hold(false);
    return proc;
  }

  /** Keep this process's event loop alive while containers run, not while the launcher idles. */
  private hold(busy: boolean): void {
    const proc = this.proc;
    if (!proc) return;
    const handles = [proc, proc.stdout, proc.stdin] as unknown as Array<{ ref?: () => void; unref?: () => void } | null>;
    for (const h of handles) (busy ? h?.ref : h?.unref)?.call(h);
  }

  private receive(h: FromLauncher, payload?: Buffer): void {
    if (h.t === 'ready') return;
    const child = this.children.get(h.id);
    if (!child) return;
    switch (h.t) {
      case 'spawn':
        child.pid = h.pid;
        child.emit('spawn');
        break;
      case 'error':
        this.forget(child);
        child.emit('error', Object.assign(new Error(h.message), { code: h.code }));
        child.close();
        break;
      case 'data':
        if (payload) (h.s === 1 ? child.stdout : child.stderr).write(payload);
        break;
      case 'exit':
        child.exited = true;
        child.emit('exit', h.code, h.signal);
        break;
      case 'close':
        this.forget(child);
        child.close();
        break;
    }
  }

  private forget(child: LaunchedChild): void {
    this.children.delete(child.id);
    if (this.children.size === 0) this.hold(false);
  }

  /** The launcher is gone: what it ran is killed, and ends here as lost. */
  private lose(proc: ChildProcess, why: string): void {
    if (this.proc !== proc) return;
    this.proc = undefined;
    const children = [...this.children.values()];
    this.children.clear();
    for (const child of children) {
      if (child.pid === undefined) {
        child.emit('error', new Error(why));
        child.close();
        continue;
      }
      signalGroup(child.pid, 'SIGKILL');
      child.lost = why;
      if (!child.exited) {
        child.exited = true;
        child.emit('exit', null, 'SIGKILL');
      }
      child.close();
    }
  }
}
