/**
 * A process's line of /proc/PID/stat (proc(5)), read and split in one place. Its second field,
 * the command name in parentheses, may hold spaces and parentheses of its own (a program may
 * name itself `a) (b`), so the fields after it are found after the LAST `)`. The file is made
 * whole at open (proc_single_show), so one short read is all of it (proc-read.ts). Plain
 * JavaScript run by node without a loader (bench/cpu-time.mjs) imports this as compiled
 * into dist/.
 */
import { readProcText } from './proc-read.ts';

/** The fields strata reads of /proc/PID/stat; times in clock ticks (USER_HZ, 100 a second on Linux). */
export interface ProcStat {
  pid: number;
  /** the command name, without its parentheses (at most 15 bytes, as the kernel keeps it) */
  comm: string;
  /** R, S, D, Z, T, ... */
  state: string;
  ppid: number;
  /** the process group's id */
  pgrp: number;
  /** the session's id: its leader's pid (NaN should the line be cut) */
  session: number;
  /** CPU in user and kernel mode, the process's own and its waited-for children's (fields 14-17) */
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
  /** when it started, in ticks since boot (field 22), as text: with the pid, it names one process */
  start: string;
}

/** `text`, a /proc/PID/stat line, as its fields; the comm is what lies between the first `(` and the last `)`. */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  // Fields after the command name: field 3 (state) is f[0].
  const f = text.slice(close + 2).split(' ');
  const n = (i: number) => Number(f[i]);
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: f[0],
    ppid: n(1),
    pgrp: n(2),
    session: n(3),
    utime: n(11),
    stime: n(12),
    cutime: n(13),
    cstime: n(14),
    start: f[19],
  };
}

/** The stat of process `pid` (or this process), or undefined when it is gone or /proc is missing. */
export function readProcStat(pid: number | 'self'): ProcStat | undefined {
  try {
    return parseProcStat(readProcText(`/proc/${pid}/stat`));
  } catch {
    return undefined;
  }
}

/** Milliseconds of one clock tick of the times above (USER_HZ is 100 on Linux, whatever the kernel's HZ). */
export const TICK_MS = 10;
