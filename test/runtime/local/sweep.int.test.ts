import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { processesWithEnv, sweep } from '../../../runtime/local/sweep.ts';
import { processRunning } from '../../../runtime/process/process-group.ts';

function sleeper(env: Record<string, string>): number {
  const c = spawn('sleep', ['30'], { env: { PATH: process.env.PATH ?? '', ...env }, detached: true, stdio: 'ignore' });
  c.unref();
  return c.pid!;
}

describe('sweep', () => {
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
});
