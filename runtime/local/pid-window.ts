/**
 * Which processes can have been made since a moment: the pids allocated after it. Linux
 * hands out pids in increasing order, wrapping from pid_max back to 300 (the kernel's
 * RESERVED_PIDS), so a process made after the moment has a pid in the cyclic interval
 * (last pid then, last pid now], unless the counter went all the way round in between,
 * which takes at least pid_max - 300 new processes or threads (pid allocation in
 * kernel/pid.c, idr_alloc_cyclic). The last pid is the fifth field of /proc/loadavg;
 * new processes and threads are counted by `processes` in /proc/stat (every clone,
 * system-wide: counting more than the namespace's own only makes the check stricter).
 *
 * Why: the end of a pod looks for processes carrying its mark (sweep.ts). Everything
 * carrying it descends from the pod's first process, so only pids made since then need
 * their environment read: usually none but the few that other work on the machine made
 * meanwhile, where reading every process's environment cost milliseconds a step.
 */
import { readFileSync } from 'node:fs';
import { readProcText } from './proc-read.ts';

/** A moment in the machine's pid allocation. */
export interface PidMark {
  /** the last pid allocated at the moment */
  lastPid: number;
  /** processes and threads made since boot, at the moment */
  forks: number;
}

/** The moment now; undefined where /proc does not tell (not Linux). */
export function pidMark(): PidMark | undefined {
  try {
    // One read each (proc-read.ts): both files are made whole when opened.
    const lastPid = Number(readProcText('/proc/loadavg').trim().split(/\s+/)[4]);
    const stat = readProcText('/proc/stat');
    const at = stat.indexOf('\nprocesses ');
    const forks = at < 0 ? NaN : Number.parseInt(stat.slice(at + 11, stat.indexOf('\n', at + 11)), 10);
    return Number.isInteger(lastPid) && Number.isInteger(forks) ? { lastPid, forks } : undefined;
  } catch {
    return undefined;
  }
}

/** Lowest pid the kernel hands out after wrapping (RESERVED_PIDS). */
const RESERVED_PIDS = 300;

let maxSeen: number | undefined;
/** /proc/sys/kernel/pid_max, read once per process (root may change it, rarely; a smaller one only makes windows wrap sooner than counted). */
function pidMax(): number {
  if (maxSeen === undefined) {
    try {
      maxSeen = Number(readFileSync('/proc/sys/kernel/pid_max', 'latin1').trim());
    } catch {
      maxSeen = NaN;
    }
  }
  return maxSeen;
}

/** Pids allocated after a moment: a test, how many there can be, and the list. */
export interface PidWindow {
  has(pid: number): boolean;
  size: number;
  /** every pid in the window, in allocation order */
  list(): number[];
}

/**
 * A test telling whether a pid can belong to a process made after `since`; undefined when
 * any pid can (no mark, no /proc, or so many processes were made that the counter may have
 * gone round).
 */
export function madeSince(since: PidMark | undefined): PidWindow | undefined {
  if (!since) return undefined;
  const now = pidMark();
  const max = pidMax();
  if (!now || !Number.isInteger(max) || now.forks - since.forks >= max - RESERVED_PIDS - 1) return undefined;
  return pidWindow(since.lastPid, now.lastPid, max);
}

/**
 * The pids allocated after `from` up to `to`: the cyclic interval (from, to], wrapping
 * from `max` (pid_max: pids are below it) to RESERVED_PIDS.
 */
export function pidWindow(from: number, to: number, max: number): PidWindow {
  const range = (a: number, b: number) => Array.from({ length: Math.max(0, b - a + 1) }, (_, i) => a + i);
  if (from <= to) return { has: (pid) => pid > from && pid <= to, size: to - from, list: () => range(from + 1, to) };
  return {
    has: (pid) => (pid > from && pid < max) || (pid <= to && pid >= RESERVED_PIDS),
    size: Math.max(0, max - 1 - from) + Math.max(0, to - RESERVED_PIDS + 1),
    list: () => [...range(from + 1, max - 1), ...range(RESERVED_PIDS, to)],
  };
}
