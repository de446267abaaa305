/**
 * Process groups of containers: signal a whole group, tell a running process from a dead
 * one, and wait for a killed group to be empty. Killing is asynchronous in the kernel, and
 * a container's own children are not ours to hear exit, so the end of a pod waits
 * (briefly, looking in /proc) for every group it started to be gone.
 */
import { readdirSync } from 'node:fs';
import { readProcStat } from '../local/proc-stat.ts';
import { stackless } from '../stackless.ts';

/** Signal a whole process group; one that is already gone is fine. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    // ESRCH, the usual answer at a container's exit, without a stack trace (stackless.ts).
    stackless(() => process.kill(-pgid, signal));
  } catch {
    // ESRCH: nothing left in the group
  }
}

/**
 * True while `pid` is a live process. A zombie (dead, waiting for its parent or init to
 * reap it) is not running: orphans of killed containers can stay zombies for a while
 * where init reaps lazily.
 */
export function processRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  const stat = readProcStat(pid);
  return stat === undefined ? true : stat.state !== 'Z';
}

/** True while some process of group `pgid` is running (zombies do not count). */
export function groupRunning(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return true; // no /proc (macOS): kill(0) said the group exists
  }
  return pids.some((d) => {
    const s = readProcStat(Number(d));
    return s !== undefined && s.pgrp === pgid && s.state !== 'Z';
  });
}

/** Wait until none of these groups has a running process, at most `limitMs`; false if some still do. */
export async function groupsGone(pgids: Iterable<number>, limitMs = 2000): Promise<boolean> {
  const left = [...pgids];
  const until = Date.now() + limitMs;
  for (;;) {
    const running = left.filter(groupRunning);
    if (running.length === 0) return true;
    if (Date.now() >= until) return false;
    for (const g of running) signalGroup(g, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * When process `pid` started, in clock ticks since boot (proc(5), /proc/PID/stat field 22),
 * as text; undefined where /proc cannot tell. A pid and its start time name one process:
 * a pid written down before a reboot or reused since names another.
 */
export function processStartTime(pid: number): string | undefined {
  return readProcStat(pid)?.start;
}

