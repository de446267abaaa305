/**
 * The watchdog: one small process per worker process that outlives it only to clean up
 * after it. The worker tells it, on its stdin, what it starts and makes (process groups,
 * the STRATA_SCRATCH marks of its pods, directories); when that stdin ends, the worker is
 * gone (exited, crashed or SIGKILLed: the kernel closes the pipe in every case), and the
 * watchdog SIGKILLs every group still registered, every process still carrying a
 * registered mark (those that left their group), removes every registered directory,
 * and exits. It is in its own session and ignores SIGINT, SIGTERM and SIGHUP, so a
 * Ctrl-C or a signal to the worker's group does not take it along.
 *
 * Why a process and not a cgroup or PR_SET_PDEATHSIG: neither is reachable from Node
 * without native code or privileges, and a wrapper per step would cost a process start
 * per step. One watchdog per worker costs one process start per worker and a few bytes
 * on a pipe per step. Protocol (guard.ts): JSON lines `["+g", pgid]`, `["-g", pgid]`,
 * `["+m", dir]`, `["-m", dir]`, `["+d", dir]`, `["-d", dir]`, `["+e", dir]` (a directory
 * removed at the end if it is empty then: shared with other processes), `["+x", dir, pid]`
 * (a directory where the worker `pid` makes its executions' inputs directories: those of
 * that pid found there at the end are removed).
 */
import { readdirSync, rmSync, rmdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sweep } from '../local/sweep.ts';
import { groupsGone, signalGroup } from '../process/process-group.ts';
import { lineSplitter } from '../quarterback/protocol.ts';

const groups = new Set<number>();
const marks = new Set<string>();
const dirs = new Set<string>();
const emptied = new Set<string>();
const execRoots = new Map<string, number>();

/** An execution's inputs directory (src/worker/step-files.ts): `<...>.<pid>.<seq>.in`. */
const EXECUTION_INPUTS = /\.(\d+)\.[0-9a-z]+\.in$/;

function apply(line: string): void {
  let op: unknown;
  let arg: unknown;
  let pid: unknown;
  try {
    [op, arg, pid] = JSON.parse(line) as [unknown, unknown, unknown];
  } catch {
    return;
  }
  if (op === '+g' && typeof arg === 'number' && arg > 1) groups.add(arg);
  else if (op === '-g' && typeof arg === 'number') groups.delete(arg);
  else if (op === '+m' && typeof arg === 'string') marks.add(arg);
  else if (op === '-m' && typeof arg === 'string') marks.delete(arg);
  else if (op === '+d' && typeof arg === 'string' && arg.startsWith('/')) dirs.add(arg);
  else if (op === '-d' && typeof arg === 'string') dirs.delete(arg);
  else if (op === '+e' && typeof arg === 'string' && arg.startsWith('/')) emptied.add(arg);
  else if (op === '+x' && typeof arg === 'string' && arg.startsWith('/') && Number.isInteger(pid)) execRoots.set(arg, pid as number);
}

/** The inputs directories of worker `pid` in `root`. */
function executionDirs(root: string, pid: number): string[] {
  try {
    return readdirSync(root).filter((name) => Number(EXECUTION_INPUTS.exec(name)?.[1]) === pid).map((name) => join(root, name));
  } catch {
    return []; // gone, or never made
  }
}

let ended = false;

async function cleanUp(): Promise<void> {
  if (ended) return;
  ended = true;
  for (const g of groups) signalGroup(g, 'SIGKILL');
  for (const m of marks) await sweep('STRATA_SCRATCH', m);
  await groupsGone(groups);
  for (const [root, pid] of execRoots) for (const d of executionDirs(root, pid)) rmSync(d, { recursive: true, force: true });
  for (const d of dirs) {
    rmSync(d, { recursive: true, force: true });
    try {
      rmdirSync(dirname(d)); // the run's directory, once no other step of the run uses it
    } catch {
      // not empty, or gone
    }
  }
  for (const e of emptied) {
    try {
      rmdirSync(e);
    } catch {
      // in use by another process, or gone
    }
  }
  process.exit(0);
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => undefined);
const lines = lineSplitter(apply);
process.stdin.on('data', (b: Buffer) => lines.push(b));
process.stdin.on('end', () => {
  lines.end();
  void cleanUp();
});
process.stdin.on('error', () => void cleanUp());
process.stdout.write('ready\n');
