/**
 * The last line of "nothing a pod started is left running": every container of a local
 * pod carries the pod's unique STRATA_SCRATCH in its environment, and so does everything
 * it starts, even a process that left its process group (setsid) or one whose pid the
 * quarterback died before telling. At the end of a pod, processes carrying the mark are
 * found in /proc and killed. Linux only; elsewhere it finds nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { processRunning } from '../process/process-group.ts';

/** Pids of the processes whose environment holds `name=value` exactly. */
export function processesWithEnv(name: string, value: string): number[] {
  const entry = Buffer.from(`${name}=${value}\0`);
  const inner = Buffer.concat([Buffer.from([0]), entry]);
  let dirs: string[];
  try {
    dirs = readdirSync('/proc');
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const d of dirs) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    let env: Buffer;
    try {
      env = readFileSync(`/proc/${d}/environ`);
    } catch {
      continue; // gone, or not ours to read
    }
    if (env.subarray(0, entry.length).equals(entry) || env.includes(inner)) found.push(Number(d));
  }
  return found;
}

/** SIGKILL every process marked `name=value` and wait (at most `limitMs`) until none runs; returns the pids killed. */
export async function sweep(name: string, value: string, limitMs = 2000): Promise<number[]> {
  const killed = new Set<number>();
  const until = Date.now() + limitMs;
  for (;;) {
    const left = processesWithEnv(name, value).filter(processRunning);
    if (left.length === 0 || Date.now() >= until) return [...killed];
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
        killed.add(pid);
      } catch {
        // gone already
      }
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}
