import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makePodDirs, OWNER_FILE } from '../../../runtime/local/pod-dirs.ts';
import { reapStalePods } from '../../../runtime/local/stale-pods.ts';
import { processRunning } from '../../../runtime/process/process-group.ts';
import { TempDirs } from '../../sidecar/harness.ts';
import { deadPid } from '../../support/processes.ts';

const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

/** The pid of a process that has come and gone. */

describe('reapStalePods', () => {
  it('kills the orphans of a pod whose worker died and removes its directories; a live worker\'s pod stays', async () => {
    const opts = { shmDir: await dirs.make(), tmpDir: await dirs.make() };
    const dead = await makePodDirs('r1', 'p', true, opts);
    await writeFile(join(dead.root, OWNER_FILE), String(await deadPid()));
    const orphan = spawn('sleep', ['30'], { env: { PATH: process.env.PATH ?? '', STRATA_SCRATCH: dead.scratch }, detached: true, stdio: 'ignore' });
    const live = await makePodDirs('r1', 'q', true, opts);
    try {
      expect(await reapStalePods(opts)).toEqual([dead.root]);
      expect(processRunning(orphan.pid!)).toBe(false);
      expect(existsSync(dead.root)).toBe(false);
      expect(existsSync(live.scratch)).toBe(true);
    } finally {
      if (processRunning(orphan.pid!)) orphan.kill('SIGKILL');
    }
  });
});
