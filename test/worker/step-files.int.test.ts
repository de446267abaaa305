/**
 * Argo tester 2, fault 15: the workers' RAM directories of instances long gone
 * (/dev/shm/strata-<ns>-work, one per STRATA_HOME) piled up, empty, by the thousand. A
 * worker starting sweeps them: every execution directory of a dead process goes, then every
 * such directory left empty; one a live process still uses stays, as do other directories.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deadPid } from '../support/processes.ts';
import { sweepRamWorkRoots } from '../../src/worker/step-files.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-sweep-');


describe('sweeping stale RAM work directories', () => {
  it('removes the empty ones and those whose executions all belong to dead processes; keeps live ones and others', async () => {
    const shm = newTempDir();
    const dirs = (...names: string[]) => names.map((n) => join(shm, n));
    const [empty, dead, live, mixed, notWork, other] = dirs('strata-0000000a-work', 'strata-0000000b-work', 'strata-0000000c-work', 'strata-0000000d-work', 'strata-0000000e', 'someone-else-work');
    for (const d of [empty, dead, live, mixed, notWork, other]) mkdirSync(d);
    const gone = await deadPid();
    const deadExec = join(dead, `r1~a.0000.1.${gone}.1.in`);
    const liveExec = join(live, `r2~b.0000.1.${process.pid}.1.in`);
    const mixedDead = join(mixed, `r3~c.0000.1.${gone}.2.in`);
    const mixedLive = join(mixed, `r3~c.0000.2.${process.pid}.3.in`);
    for (const d of [deadExec, liveExec, mixedDead, mixedLive]) mkdirSync(d);

    await sweepRamWorkRoots(shm);

    for (const d of [empty, dead, deadExec, mixedDead]) expect(existsSync(d), d).toBe(false);
    for (const d of [live, liveExec, mixed, mixedLive, notWork, other]) expect(existsSync(d), d).toBe(true);
  });
});
