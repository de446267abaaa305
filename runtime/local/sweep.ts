/**
 * The last line of "nothing a pod started is left running": every container of a local
 * pod carries the pod's unique STRATA_SCRATCH in its environment, and so does everything
 * it starts, even a process that left its process group (setsid) or one whose pid the
 * quarterback died before telling. At the end of a pod, processes carrying the mark are
 * found in /proc and killed. Linux only; elsewhere it finds nothing.
 *
 * Given the moment the pod's first process was about to start (`since`, pid-window.ts),
 * only processes made after it are looked at: everything carrying the mark descends from
 * that process. Of those, only the ones whose session began after it too: the pod's first
 * process starts a session of its own (it is started detached: setsid), and a process is
 * in its parent's session or, having called setsid, in one it leads; so every descendant
 * is in a session whose leader was made after the moment, and the processes other work on
 * the machine made meanwhile, in the sessions of its shells and services, are left out
 * without their environment being read (docs/performance.md, Eleventh pass). Without it
 * (a pod of a worker that died, a watchdog's last sweep) every process's environment is
 * read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readProc } from './proc-read.ts';
import { readProcStat } from './proc-stat.ts';
import { processRunning } from '../process/process-group.ts';
import { madeSince, type PidMark, type PidWindow } from './pid-window.ts';

/** Pids of the processes whose environment holds `name=value` exactly, all of them read. */
export function processesWithEnv(name: string, value: string): number[] {
  const marked = matcher(name, value);
  return candidates(undefined).pids.filter((pid) => {
    try {
      return marked(readFileSync(`/proc/${pid}/environ`));
    } catch {
      return false; // gone, or not ours to read
    }
  });
}

/**
 * processesWithEnv, looking only at processes made after `since` when given, and reading
 * their environments off the event loop: reading a process's environment waits for its
 * memory map, which a process being made or exec'd holds for a while on a busy machine.
 */
export async function markedProcesses(name: string, value: string, since?: PidMark, skipSessions?: ReadonlySet<number>): Promise<number[]> {
  const marked = matcher(name, value);
  const { pids, listed, window } = candidates(since);
  // Only the pids that still name a process (a system call each, where reading an environment
  // costs several hops to libuv's thread pool: open, reads, close, proc-read.ts; most of a
  // window's pids are gone by the end of a pod, the pod's own processes, reaped), and given a
  // window, only those in a session begun in it (above): one synchronous read of its stat each.
  const looked = window ? pids.filter((pid) => sessionIn(pid, window, skipSessions)) : pids.filter(exists);
  const found = await Promise.all(looked.map((pid) => readProc(`/proc/${pid}/environ`).then((env) => (marked(env) ? pid : 0), () => 0)));
  // A thread's id reads as its process (its environment included): only processes count.
  return found.filter((pid) => pid > 0 && (listed || isProcess(pid)));
}

/** Whether a process (or thread) of this id exists, zombies included; one we may not signal exists too. */
function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function matcher(name: string, value: string): (env: Buffer) => boolean {
  const entry = Buffer.from(`${name}=${value}\0`);
  const inner = Buffer.concat([Buffer.from([0]), entry]);
  return (env) => env.subarray(0, entry.length).equals(entry) || env.includes(inner);
}

/** Up to this many pids made since the mark are looked at one by one rather than by listing /proc. */
const PROBE_LIMIT = 64;

/**
 * The processes to look at: those made since `since` when it tells, else all; never this
 * one. A small window's pids are taken as they are (a pid no longer there fails its read,
 * a thread's is weeded out once it matches: markedProcesses); listing /proc, every process
 * of the machine, is what cost most per step (docs/performance.md).
 */
function candidates(since: PidMark | undefined): { pids: number[]; listed: boolean; window?: PidWindow } {
  const window = madeSince(since);
  if (window && window.size <= PROBE_LIMIT) return { pids: window.list().filter((pid) => pid !== process.pid), listed: false, window };
  let dirs: string[];
  try {
    dirs = readdirSync('/proc'); // processes only: threads are not listed
  } catch {
    return { pids: [], listed: true };
  }
  return { pids: dirs.map(Number).filter((pid) => Number.isInteger(pid) && pid !== process.pid && (!window || window.has(pid))), listed: true, ...(window ? { window } : {}) };
}

/**
 * Whether `pid` names a live process (or thread, or zombie) whose session's leader is in
 * `window` and not in `skip`: its session id is field 6 of /proc/PID/stat (proc(5)), after
 * the command name in parentheses, which may hold any character. A session id names its
 * leader's pid, which the kernel does not hand out again while the session lasts, so one in
 * the window began after the window's moment. False when the process is gone.
 */
function sessionIn(pid: number, window: PidWindow, skip?: ReadonlySet<number>): boolean {
  // Read without waiting on the process's memory map, unlike its environment.
  const stat = readProcStat(pid);
  if (!stat) return false; // gone
  const { session } = stat;
  return !Number.isInteger(session) || (window.has(session) && !skip?.has(session));
}

/** Whether `pid` is a process rather than a thread of one (its thread group id is itself). */
function isProcess(pid: number): boolean {
  try {
    return new RegExp(`\\nTgid:\\s*${pid}\\n`).test(readFileSync(`/proc/${pid}/status`, 'latin1'));
  } catch {
    return false;
  }
}

/**
 * SIGKILL every process marked `name=value` (made after `since`, when given) and wait (at
 * most `limitMs`; what a scan found is killed even past it, and waited for up to `limitMs` more) until none runs; returns the pids killed. `skipSessions`: with `since`,
 * sessions not looked in, those of other pods' processes that run now (their leaders, each
 * a container or quarterback started in a session of its own): whatever is in them descends
 * from another pod's process, not from this pod's.
 */
export async function sweep(name: string, value: string, o: { since?: PidMark; limitMs?: number; skipSessions?: ReadonlySet<number> } = {}): Promise<number[]> {
  const { since, limitMs = 2000, skipSessions } = o;
  const killed = new Set<number>();
  const until = Date.now() + limitMs;
  for (;;) {
    const left = (await markedProcesses(name, value, since, skipSessions)).filter(processRunning);
    if (left.length === 0) return [...killed];
    // Killed before the time is checked: a scan that took past the limit (seconds of /proc reads
    // on a loaded machine) still kills what it found, and only the waiting is cut short.
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
        killed.add(pid);
      } catch {
        // gone already
      }
    }
    if (Date.now() >= until) {
      // No new scan past the limit, but what was killed is waited for (a look at each pid, no /proc walk) a while more.
      const last = Date.now() + limitMs;
      while ([...killed].some(processRunning) && Date.now() < last) await new Promise((r) => setTimeout(r, 5));
      return [...killed];
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}
