/** Real strata processes for crash tests: spawned with the test's Redis and prefix, killed for real. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { readProcStat } from '../../runtime/local/proc-stat.ts';

/**
 * Start `strata ARGS` as a real process; `output()` is what it wrote so far (stdout and
 * stderr, in order). `detached`: in a process group of its own, as a terminal's job.
 * `entry`: node's arguments before ARGS instead of bin/strata.js (a test's own entry).
 */
export function spawnStrata(args: string[], env: Record<string, string>, opts: { detached?: boolean; entry?: string[] } = {}): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [...(opts.entry ?? ['bin/strata.js']), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...(opts.detached ? { detached: true } : {}) });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return Object.assign(child, { output: () => out });
}

/** Wait until `pred` holds, polling every `everyMs` (50 ms). */
export async function until<T>(what: string, pred: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * The worker a macro step runs under, from the step's parent pid ($PPID): a step's
 * container is started by its worker's process launcher (runtime/process/launcher.ts),
 * whose parent is the worker (through bubblewrap in a private view).
 */
export function workerOf(parent: number): number {
  // In a private view (a /tmp of its own) the step's parent is bubblewrap, a child of the launcher.
  const launcher = comm(parent) === 'bwrap' ? parentOf(parent) : parent;
  return parentOf(launcher);
}

function parentOf(pid: number): number {
  const ppid = readProcStat(pid)?.ppid;
  if (ppid === undefined) throw new Error(`process ${pid} is gone`);
  return ppid;
}

function comm(pid: number): string {
  return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

/** Run `strata ARGS` as a real process; resolves with its exit code and output. */
export function runStrata(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // `cwd`: the directory the command runs in (the checkout's when not given).
    const child = spawn(process.execPath, [resolvePath('bin/strata.js'), ...args], { env: { ...process.env, ...env }, ...(cwd ? { cwd } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The pid of a process that has exited: one no live process has (until the kernel reuses it). */
export async function deadPid(): Promise<number> {
  const c = spawn('true');
  await new Promise((r) => c.once('exit', r));
  return c.pid!;
}
