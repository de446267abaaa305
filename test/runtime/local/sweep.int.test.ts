import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pidMark } from '../../../runtime/local/pid-window.ts';
import { markedProcesses, processesWithEnv, sweep } from '../../../runtime/local/sweep.ts';
import { processRunning } from '../../../runtime/process/process-group.ts';
import { readProcStat } from '../../../runtime/local/proc-stat.ts';
import { countOpens } from '../../support/fs-calls.ts';
import { until } from '../../support/processes.ts';

/** Once `pid` (started as `setsid sleep ...`) leads a session of its own and runs sleep: waited for, not a pause guessed long enough. */
async function execedInOwnSession(pid: number): Promise<void> {
  await until(`setsid ${pid} to exec sleep in a session of its own`, () => {
    const s = readProcStat(pid);
    return s !== undefined && s.session === pid && s.comm === 'sleep';
  });
}

function sleeper(env: Record<string, string>): number {
  const c = spawn('sleep', ['30'], { env: { PATH: process.env.PATH ?? '', ...env }, detached: true, stdio: 'ignore' });
  c.unref();
  return c.pid!;
}

describe('sweep', () => {
  it('kills what it found even when its time ran out while it looked (a slow /proc scan on a loaded machine)', async () => {
    const mark = `/dev/shm/strata/test-${process.pid}-${Date.now()}-late`;
    const marked = sleeper({ STRATA_SCRATCH: mark });
    try {
      // No time at all: the first scan ends past the limit, as a scan of seconds does under load.
      expect(await sweep('STRATA_SCRATCH', mark, { limitMs: 0 })).toEqual([marked]);
      await until('the marked process to be gone', () => !processRunning(marked));
    } finally {
      if (processRunning(marked)) process.kill(marked, 'SIGKILL');
    }
  });

  it('finds processes by an exact environment entry and kills them', async () => {
    const mark = `/dev/shm/strata/test-${process.pid}-${Date.now()}`;
    const marked = sleeper({ FIRST: 'x', STRATA_SCRATCH: mark });
    const markedFirst = sleeper({ STRATA_SCRATCH: mark });
    const similar = sleeper({ STRATA_SCRATCH: `${mark}-other` });
    try {
      expect(processesWithEnv('STRATA_SCRATCH', mark).sort()).toEqual([marked, markedFirst].sort());
      expect((await sweep('STRATA_SCRATCH', mark)).sort()).toEqual([marked, markedFirst].sort());
      expect(processRunning(marked)).toBe(false);
      expect(processRunning(markedFirst)).toBe(false);
      expect(processRunning(similar)).toBe(true);
    } finally {
      process.kill(similar, 'SIGKILL');
    }
  });

  it('given the moment a pod started, finds the marked processes made since, those that left their group too', async () => {
    const mark = `/dev/shm/strata/test-since-${process.pid}-${Date.now()}`;
    const before = sleeper({ STRATA_SCRATCH: mark });
    const since = pidMark();
    expect(since).toBeDefined();
    // One in a session of its own, as a program that called setsid would be.
    const left = spawn('setsid', ['sleep', '30'], { env: { PATH: process.env.PATH ?? '', STRATA_SCRATCH: mark }, stdio: 'ignore' });
    const inGroup = sleeper({ STRATA_SCRATCH: mark });
    await execedInOwnSession(left.pid!);
    try {
      const found = await markedProcesses('STRATA_SCRATCH', mark, since);
      expect(found.sort()).toEqual([left.pid!, inGroup].sort());
      // Everything made since the moment is what the pod can have made: the earlier one is not looked at.
      expect(found).not.toContain(before);
      expect((await sweep('STRATA_SCRATCH', mark, { since })).sort()).toEqual([left.pid!, inGroup].sort());
      expect(processRunning(inGroup)).toBe(false);
    } finally {
      process.kill(before, 'SIGKILL');
    }
  });

  it('given the moment, reads the environment only of processes in a session begun since: not of those other work made meanwhile in older sessions, nor of other pods\' sessions named', async () => {
    const mark = `/dev/shm/strata/test-session-${process.pid}-${Date.now()}`;
    const since = pidMark();
    // Made after the moment, in this process's session (which began before it): as a test suite or a
    // shell on the machine makes processes while a pod runs. One carries the mark without descending
    // from a pod's process: nothing of the pod can be in a session begun before the pod.
    const others = [0, 1, 2].map((i) => spawn('sleep', ['30'], { env: { PATH: process.env.PATH ?? '', ...(i === 0 ? { STRATA_SCRATCH: mark } : {}) }, stdio: 'ignore' }).pid!);
    const left = spawn('setsid', ['sleep', '30'], { env: { PATH: process.env.PATH ?? '', STRATA_SCRATCH: mark }, stdio: 'ignore' });
    const inGroup = sleeper({ STRATA_SCRATCH: mark });
    // Another pod's container, in a session of its own begun since, which the caller names (the worker's running containers).
    const otherPod = sleeper({ STRATA_SCRATCH: `${mark}-other` });
    await execedInOwnSession(left.pid!);
    const opens = countOpens(/^\/proc\/\d+\/environ$/);
    try {
      const found = await markedProcesses('STRATA_SCRATCH', mark, since, new Set([otherPod]));
      expect(found.sort()).toEqual([left.pid!, inGroup].sort());
      const read = [...opens.paths.keys()].map((p) => Number(p.split('/')[2]));
      expect(read).toEqual(expect.arrayContaining([left.pid!, inGroup]));
      for (const pid of [...others, otherPod]) expect(read).not.toContain(pid);
    } finally {
      opens.stop();
      for (const pid of [...others, left.pid!, inGroup, otherPod]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
  });
});
