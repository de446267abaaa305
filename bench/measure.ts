/** What the benchmarks measure besides wall time: CPU time of this process and of Redis, Redis commands and memory. */
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

export interface Figure {
  name: string;
  value: number;
  unit: string;
}

/** CPU time (user + system) of this process and of the children it has reaped, in ms. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000 + childrenCpuMs();
}

/** CPU of reaped children (/proc/self/stat: cutime + cstime, in clock ticks of 10 ms); 0 where /proc is missing. */
function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) * 10;
  } catch {
    return 0;
  }
}

/** Redis's own CPU time (INFO cpu: used_cpu_user + used_cpu_sys), in ms. */
export async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const user = Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? 0);
  const sys = Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? 0);
  return (user + sys) * 1000;
}

/** Commands Redis has run since its counters were reset (INFO commandstats), INFO and CONFIG left out. */
export async function commandCount(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  let total = 0;
  for (const m of info.matchAll(/cmdstat_(\w+):calls=(\d+)/g)) if (m[1] !== 'info' && m[1] !== 'config') total += Number(m[2]);
  return total;
}

/** Redis's used memory in bytes (INFO memory). */
export async function redisMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}
