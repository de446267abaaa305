/**
 * CPU time a benchmark reads, in plain JavaScript so that the small spawning process
 * (spawn-lanes.mjs) and the TypeScript benchmarks (measure.ts) share it.
 */
import { readFileSync } from 'node:fs';

/** CPU time (user + system) of this process and of the children it has reaped, in ms. */
export function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000 + childrenCpuMs();
}

/** CPU of reaped children (/proc/self/stat, proc(5): cutime + cstime, in clock ticks of 10 ms); 0 where /proc is missing. */
function childrenCpuMs() {
  try {
    // Split as runtime/local/proc-stat.ts does (after the last ')'), which plain node cannot import (no TypeScript loader in spawn-lanes.mjs).
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) * 10;
  } catch {
    return 0;
  }
}
