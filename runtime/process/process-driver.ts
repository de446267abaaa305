/**
 * ContainerDriver for the local runtime: a container is a child process. Its argv is the
 * task's command and args (no shell unless the task runs `sh -c` itself) or its image's
 * mapped command; it runs in its own process group, so a kill or a timeout reaches
 * everything it started. The exit is reported from the child's 'exit' event, at once.
 * Given a launcher (launcher-client.ts), containers are started by that small process
 * instead of this one: their pid is then known a moment after start().
 */
import { bwrapCommand, START_EXIT, startProblem, type StartProblem } from '../local/private-view.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { argvFor, BUILTIN_IMAGES, type ImageMap } from '../image-map.ts';
import type { ContainerDriver, ContainerExit, ContainerSpec } from './container-driver.ts';
import type { LaunchedChild, Launcher } from './launcher-client.ts';
import { groupsGone, signalGroup } from './process-group.ts';
import { timedOutError } from '../../src/engine/timeout-error.ts';
import { isTransientFault } from '../../src/engine/transient-fault.ts';

export interface ProcessDriverOptions {
  /** image name -> command, for tasks without a command (default: the built-ins) */
  imageMap?: ImageMap;
  /** after SIGTERM, how long before SIGKILL (default 2000 ms) */
  killGraceMs?: number;
  /** told when a container process starts and when it is gone (its pid is its group id) */
  onProcess?: (event: 'started' | 'exited', step: string, attempt: number, pid: number) => void;
  /** start containers in this launcher process rather than in this one */
  launcher?: Launcher;
}

interface Running {
  child: ChildProcess | LaunchedChild;
  /** its process group, once it started */
  pid?: number;
  attempt: number;
  /** why we stopped it, when we did */
  reason?: string;
  /** it was stopped at its timeout (the exit's `reason`) */
  timedOut?: boolean;
  timers: NodeJS.Timeout[];
}

const DEFAULT_GRACE_MS = 2000;
/** how long a container's output is still read after it exited */
const STDIO_LINGER_MS = 2000;

/** Containers as child processes, each in its own process group. */
export class ProcessDriver implements ContainerDriver {
  private readonly running = new Map<string, Running>();
  private readonly closing = new Set<Promise<void>>();
  /** process groups started, to see them empty at the end */
  private readonly groups = new Set<number>();
  private readonly imageMap: ImageMap;
  private readonly graceMs: number;
  private readonly onProcess: ProcessDriverOptions['onProcess'];
  private readonly launcher: Launcher | undefined;

  constructor(opts: ProcessDriverOptions = {}) {
    this.imageMap = opts.imageMap ?? BUILTIN_IMAGES;
    this.graceMs = opts.killGraceMs ?? DEFAULT_GRACE_MS;
    this.onProcess = opts.onProcess;
    this.launcher = opts.launcher;
  }

  /** Start one container; `onExit` is called exactly once, never synchronously. */
  start(spec: ContainerSpec, onExit: (e: ContainerExit) => void, onLog?: (stream: 'stdout' | 'stderr', chunk: string) => void): void {
    const { step, attempt } = spec;
    // A program that cannot be started (not found, not executable) failed with an exit code of its own (START_EXIT); anything else is an error.
    const fail = (error: string, exitCode: number | null = null, transient = false): void => void setImmediate(() => onExit({ step, attempt, exitCode, error, ...(transient ? { transient } : {}) }));
    const mapped = argvFor(spec.task, this.imageMap);
    if (typeof mapped === 'string') return fail(mapped);
    // In a private view, bubblewrap runs the program and sets its working directory in the view.
    // A task naming none starts in a directory of its own, never in this process's.
    // bubblewrap would say only `execvp: No such file or directory`, exiting 1 as a program may: the same sentences as without it.
    const unstartable = spec.sandbox ? startProblem(mapped[0], spec.task.workingDir, spec.env.PATH ?? process.env.PATH, spec.sandboxPath) : undefined;
    if (unstartable) return fail(unstartable.error, unstartable.exitCode);
    const own = spec.task.workingDir ? [] : spec.ownDir ? ['--chdir', spec.ownDir] : [];
    const argv = spec.sandbox ? [bwrapCommand(), ...spec.sandbox, ...own, '--', ...mapped] : mapped;
    const cwd = spec.sandbox ? undefined : (spec.task.workingDir ?? spec.ownDir);
    let child: ChildProcess | LaunchedChild;
    try {
      child = this.launcher
        ? this.launcher.spawn(argv, { env: spec.env, ...(cwd !== undefined ? { cwd } : {}) })
        : spawn(argv[0], argv.slice(1), { env: spec.env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'E2BIG') return fail(tooBig(mapped[0], argv, spec.env));
      return fail(`could not start "${argv[0]}": ${(e as Error).message}`, null, isTransientFault({ code: (e as NodeJS.ErrnoException).code }));
    }
    const entry: Running = { child, attempt, timers: [] };
    let done = false;
    const finish = (exit: ContainerExit) => {
      if (done) return;
      done = true;
      for (const t of entry.timers) clearTimeout(t);
      if (this.running.get(step) === entry) this.running.delete(step);
      if (entry.pid !== undefined) {
        // Like a container whose main process ended: whatever it left behind goes too.
        signalGroup(entry.pid, 'SIGKILL');
        this.onProcess?.('exited', step, attempt, entry.pid);
      }
      // A process that left the group (setsid) may hold the pipes open: stop reading after a while.
      setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, STDIO_LINGER_MS).unref();
      onExit(exit);
    };
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (entry.pid !== undefined) return;
      const why: StartProblem = err.code === 'E2BIG' ? { error: tooBig(mapped[0], argv, spec.env) } : cannotStart(argv[0], err, cwd);
      // Classified by its code where it is known (EAGAIN: the process limit, for now), never later by the words.
      const transient = why.exitCode === undefined && isTransientFault({ code: err.code });
      finish({ step, attempt, exitCode: why.exitCode ?? null, error: why.error, ...(transient ? { transient } : {}) });
    });
    const logsEnded = pipeLogs(child, onLog, this.closing);
    child.once('exit', (code: number | null, signal: NodeJS.Signals | null) => {
      const lost = 'lost' in child ? child.lost : undefined;
      finish({ step, attempt, exitCode: code, ...(signal ? { signal } : {}), ...(entry.reason ? { error: entry.reason } : lost ? { error: lost, lost: true } : {}), ...(entry.timedOut ? { reason: 'timeout' as const } : {}), logsEnded });
    });
    this.closing.add(logsEnded);
    const started = (pid: number) => {
      entry.pid = pid;
      this.groups.add(pid);
      this.onProcess?.('started', step, attempt, pid);
      if (entry.reason) this.signalStop(entry);
      if (spec.timeoutMs !== undefined) {
        entry.timers.push(setTimeout(() => this.stop(entry, timedOutError(spec.timeoutMs! / 1000), true), spec.timeoutMs));
      }
    };
    if (child.pid !== undefined) {
      this.running.set(step, entry);
      started(child.pid);
    } else if (this.launcher) {
      // Started elsewhere: running (and stoppable) now, its pid when the launcher says so.
      this.running.set(step, entry);
      child.once('spawn', () => {
        if (!done) started(child.pid!);
      });
    }
    // else: it could not start, and 'error' follows
  }

  /** Stop a running container: SIGTERM to its group, SIGKILL after the grace period. */
  kill(step: string): void {
    const entry = this.running.get(step);
    if (entry) this.stop(entry, 'killed');
  }

  /**
   * Resolves once every container's output has been read to the end and none of the
   * process groups it started has a process left (waiting at most a few seconds).
   */
  async drain(): Promise<void> {
    while (this.closing.size > 0) await Promise.all([...this.closing]);
    const groups = [...this.groups].filter((g) => ![...this.running.values()].some((r) => r.pid === g));
    await groupsGone(groups);
    for (const g of groups) this.groups.delete(g);
  }

  /** Pids (= process group ids) of the containers running now. */
  pids(): number[] {
    return [...this.running.values()].map((r) => r.pid).filter((p): p is number => p !== undefined);
  }

  private stop(entry: Running, reason: string, timedOut = false): void {
    if (entry.reason) return;
    entry.reason = reason;
    entry.timedOut = timedOut;
    // One whose pid is not known yet is stopped as soon as it is.
    if (entry.pid !== undefined) this.signalStop(entry);
  }

  private signalStop(entry: Running): void {
    const pid = entry.pid!;
    signalGroup(pid, 'SIGTERM');
    entry.timers.push(setTimeout(() => signalGroup(pid, 'SIGKILL'), this.graceMs));
  }
}

function pipeLogs(child: ChildProcess | LaunchedChild, onLog: ((stream: 'stdout' | 'stderr', chunk: string) => void) | undefined, set: Set<Promise<void>>): Promise<void> {
  const p = new Promise<void>((resolve) => {
    for (const stream of ['stdout', 'stderr'] as const) {
      const decoder = new StringDecoder('utf8');
      child[stream]?.on('data', (b: Buffer) => onLog?.(stream, decoder.write(b)));
      child[stream]?.on('end', () => {
        const rest = decoder.end();
        if (rest) onLog?.(stream, rest);
      });
    }
    child.once('close', () => resolve());
  });
  void p.then(() => set.delete(p));
  return p;
}

/**
 * E2BIG in the user's words: the program it asked for (not bubblewrap, which runs it), and
 * the bytes of its command line and environment together, which Linux bounds by ARG_MAX
 * (a quarter of the stack limit, 2 MiB by default). One value too big for a single
 * argument is refused before this, naming its field (src/engine/substitute.ts).
 */
function tooBig(program: string, argv: string[], env: Record<string, string | undefined>): string {
  const bytes = argv.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0) + Object.entries(env).reduce((n, [k, v]) => n + Buffer.byteLength(`${k}=${v ?? ''}`) + 1, 0);
  return `could not start "${program}": its command line and environment are ${bytes.toLocaleString('en')} bytes together, more than Linux lets one program start with (E2BIG: ARG_MAX, 2 MiB with the default stack limit): pass large values in files (inputs or artifacts)`;
}

/** Why spawn could not start `cmd`: not found (ENOENT) and not executable (EACCES) are the program's failures, with a shell's exit codes (START_EXIT). */
function cannotStart(cmd: string, err: NodeJS.ErrnoException, cwd: string | undefined): StartProblem {
  if (err.code === 'ENOENT' && cwd !== undefined && !existsSync(cwd)) return { error: `could not start "${cmd}": working directory ${cwd} does not exist` };
  if (err.code === 'ENOENT') return { error: `could not start "${cmd}": command not found`, exitCode: START_EXIT.notFound };
  if (err.code === 'EACCES') return { error: `could not start "${cmd}": permission denied (not executable?)`, exitCode: START_EXIT.notExecutable };
  return { error: `could not start "${cmd}": ${err.message}` };
}
