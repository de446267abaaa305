/**
 * The worker's side of the watchdog (watchdog.ts): register what a step starts and makes
 * while it runs, unregister it when the step is over. Should the worker die without
 * unregistering (SIGKILL, a crash), the watchdog kills the registered process groups and
 * marked processes and removes the registered directories within milliseconds.
 *
 * One Guard per worker process, shared by the worker (attempt directories) and the local
 * runtime (process groups, pod directories). Registering is a write of a short line on a
 * pipe, nothing per step but that; a directory is registered before it is made, so its
 * line goes out at once (with whatever waits), while the rest (a mark, a group that exists
 * already, what is let go) waits for it or for the end of the event loop's turn: a few
 * writes a step rather than one per line. A watchdog that dies is started again and told
 * everything still registered.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { builtCopy } from '../built-copy.ts';

/** How the watchdog is started: node on runtime/watchdog/bin.cjs (its compiled copy when there is a fresh one: built-copy.ts). */
export const defaultWatchdog = (): string[] => [process.execPath, fileURLToPath(builtCopy(new URL('./bin.cjs', import.meta.url)))];

type Op = '+g' | '-g' | '+m' | '-m' | '+d' | '-d' | '+e' | '+x';

/**
 * How long what is let go (a group, a mark, a directory) may wait for a registration to
 * carry it, in ms. A step's end lets go of its group, mark and directories, and the next
 * step's first registration (its directory) comes soon after in a busy worker: one write and
 * one wake of the watchdog a step fewer (docs/performance.md). Should the worker die within
 * it, the watchdog kills a group already gone (ESRCH; pids are not reused that fast) and
 * removes directories already removed: nothing.
 */
export const LET_GO_MS = 1000;

/** A worker's registrations with its watchdog. */
export class Guard {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private closed = false;
  private readonly groups = new Set<number>();
  private readonly marks = new Set<string>();
  private readonly dirs = new Set<string>();
  /** lines not yet written */
  private pending = '';
  private flushing = false;
  private readonly emptied = new Set<string>();
  private readonly execRoots = new Map<string, number>();
  /** the timer that writes what was let go when no registration has carried it (LET_GO_MS) */
  private letGoTimer: NodeJS.Timeout | undefined;

  /** `letGoMs`: how long what is let go may wait for a registration to carry it (LET_GO_MS). */
  constructor(private readonly command: string[] = defaultWatchdog(), private readonly letGoMs = LET_GO_MS) {}

  /** Start the watchdog if it is not running; resolves once it reads its stdin, rejects when it cannot start. */
  start(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.ready ??= this.spawn();
    return this.ready;
  }

  /** The running watchdog's pid, if one runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** A process group started (its leader's pid). */
  group(pgid: number): void {
    this.groups.add(pgid);
    this.send('+g', pgid);
  }

  /**
   * The process groups registered now (their leaders' pids, live: the set itself). Every
   * container and quarterback is started in a session of its own, so these are also the
   * sessions of the pods' processes that run now (sweep.ts, skipSessions).
   */
  groupsNow(): ReadonlySet<number> {
    return this.groups;
  }

  ungroup(pgid: number): void {
    if (this.groups.delete(pgid)) this.letGo('-g', pgid);
  }

  /** A pod's STRATA_SCRATCH: every process carrying it in its environment belongs to the pod. */
  mark(scratch: string): void {
    this.marks.add(scratch);
    this.send('+m', scratch);
  }

  unmark(scratch: string): void {
    if (this.marks.delete(scratch)) this.letGo('-m', scratch);
  }

  /** A directory to remove should the worker die: told at once, before it is made. */
  dir(path: string): void {
    this.dirs.add(path);
    this.send('+d', path);
    this.flush();
  }

  /** Several directories, in one write. */
  dirsAll(paths: string[]): void {
    for (const p of paths) {
      this.dirs.add(p);
      this.send('+d', p);
    }
    this.flush();
  }

  undir(path: string): void {
    if (this.dirs.delete(path)) this.letGo('-d', path);
  }

  /**
   * A directory where this process makes its executions' inputs directories (named
   * `<...>.<pid>.<seq>.in`, src/worker/step-files.ts): should the worker die, every one of
   * them there whose pid is `pid` is removed. Told once per root, before the first is
   * made, so that a step's own directory costs no line to the watchdog (a write a step,
   * 7-8% of a no-op step's CPU in the profile; docs/performance.md).
   */
  execDirsIn(root: string, pid = process.pid): void {
    if (this.execRoots.get(root) === pid) return;
    this.execRoots.set(root, pid);
    this.send('+x', root, pid);
    this.flush();
  }

  /**
   * A directory shared with other processes (an instance's namespace in /dev/shm): removed
   * when the worker is gone, after the registered directories, if it is empty then.
   */
  dirIfEmpty(path: string): void {
    if (this.emptied.has(path)) return;
    this.emptied.add(path);
    this.send('+e', path);
  }

  /**
   * Let the watchdog go: its stdin ends, and it kills and removes whatever is still
   * registered (nothing, after a clean stop) and exits. Waits at most `limitMs`.
   */
  async close(limitMs = 5000): Promise<void> {
    this.flush();
    this.closed = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.stdin?.end();
    await Promise.race([gone, new Promise<void>((r) => setTimeout(r, limitMs).unref())]);
  }

  private send(op: Op, arg: number | string, pid?: number): void {
    if (this.closed) return;
    if (!this.child) this.start().catch(() => undefined); // a failure is start()'s to tell
    this.pending += `${JSON.stringify(pid === undefined ? [op, arg] : [op, arg, pid])}\n`;
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => this.flush());
    }
  }

  /** Let go of something registered: written with the next registration, or after letGoMs (LET_GO_MS). */
  private letGo(op: Op, arg: number | string): void {
    if (this.closed) return;
    this.pending += `${JSON.stringify([op, arg])}\n`;
    if (this.flushing || this.letGoTimer) return;
    this.letGoTimer = setTimeout(() => this.flush(), this.letGoMs);
    this.letGoTimer.unref();
  }

  /** Write what waits. */
  private flush(): void {
    this.flushing = false;
    if (this.letGoTimer) {
      clearTimeout(this.letGoTimer);
      this.letGoTimer = undefined;
    }
    if (this.pending === '') return;
    // A watchdog being started again is sent everything registered by spawn().
    if (this.child) this.child.stdin?.write(this.pending);
    this.pending = '';
  }

  private spawn(): Promise<void> {
    const [cmd, ...args] = this.command;
    const child = spawn(cmd, args, { detached: true, stdio: ['pipe', 'pipe', 'ignore'] });
    this.child = child;
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    child.stdin!.on('error', () => undefined); // it died: 'exit' starts another
    let up = false;
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout!.once('data', () => {
        up = true;
        child.stdout!.destroy();
        resolve();
      });
      const failed = (why: string) => reject(new Error(`the watchdog (${cmd} ${args.join(' ')}) could not start: ${why}`));
      child.once('exit', (code, sig) => failed(sig ? `killed by ${sig}` : `exited with code ${code}`));
      child.once('error', (e) => failed(e.message));
    });
    child.once('exit', () => {
      // One that never came up is not started again: start() said why.
      if (this.closed || this.child !== child || !up) return;
      // Killed by someone: start another, which is told everything still registered.
      this.child = undefined;
      this.ready = undefined;
      this.start().catch(() => undefined);
    });
    // Everything registered before it was started goes out now, in order.
    for (const g of this.groups) child.stdin!.write(`${JSON.stringify(['+g', g])}\n`);
    for (const m of this.marks) child.stdin!.write(`${JSON.stringify(['+m', m])}\n`);
    for (const d of this.dirs) child.stdin!.write(`${JSON.stringify(['+d', d])}\n`);
    for (const e of this.emptied) child.stdin!.write(`${JSON.stringify(['+e', e])}\n`);
    for (const [root, pid] of this.execRoots) child.stdin!.write(`${JSON.stringify(['+x', root, pid])}\n`);
    return ready;
  }
}
