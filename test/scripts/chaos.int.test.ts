/**
 * The short chaos run (issue 13): 10 runs of the chaos flow (a dependency graph, a
 * fan-out of 10 with its fan-in, a pod of three containers) while a worker, `strata
 * serve` and Redis are SIGKILLed and started again. Every run succeeds, once; no step
 * runs twice at once; no recorded output is replaced; nothing is left over.
 * `npm run chaos` is the long version (100 runs, 40 kills).
 */
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chaosMet, formatReport, runChaos } from '../../scripts/chaos/harness.ts';

describe('chaos (short)', () => {
  it('10 runs under SIGKILLs of a worker, serve and Redis: all succeed, 0 overlaps, 0 replaced, 0 left over', async () => {
    const report = await runChaos({ runs: 10, kills: 4, lockMs: 3000, settleMs: 150_000 });
    const text = formatReport(report);
    // One kill of each kind always happens; the fourth only while runs are still going.
    expect(report.kills.worker + report.kills.serve + report.kills.redis, text).toBeGreaterThanOrEqual(3);
    expect(Math.min(report.kills.worker, report.kills.serve, report.kills.redis), text).toBeGreaterThan(0);
    expect({ succeeded: report.succeeded, created: report.created, overlaps: report.overlaps, replaced: report.replaced, leftoverProcesses: report.leftoverProcesses, leftoverDirs: report.leftoverDirs, unstoppable: report.unstoppable }, text).toEqual({ succeeded: 10, created: 10, overlaps: 0, replaced: 0, leftoverProcesses: 0, leftoverDirs: 0, unstoppable: 0 });
    expect(chaosMet(report), text).toBe(true);
    rmSync(report.dir, { recursive: true, force: true });
  }, 300_000);
});
