/**
 * The short chaos run (issue 13): 10 runs of the chaos flow (a dependency graph, a
 * fan-out of 10 with its fan-in, a pod of three containers) while a worker, `strata
 * serve` and Redis are SIGKILLed and started again. Every run succeeds, once; no step
 * runs twice at once; no recorded output is replaced; nothing is left over.
 * `npm run chaos` is the long version (100 runs, 40 kills).
 */
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chaosBase, chaosMet, formatReport, runChaos } from '../../scripts/chaos/harness.ts';
import { LEAVES } from '../../scripts/chaos/flows.ts';

describe('chaos (short)', () => {
  it('10 runs under SIGKILLs of a worker, serve and Redis: all succeed, 0 overlaps, 0 replaced, 0 left over', async () => {
    const report = await runChaos({ runs: 10, kills: 4, lockMs: 3000, settleMs: 150_000 });
    const text = formatReport(report);
    // One kill of each kind always happens; the fourth only while runs are still going.
    expect(report.kills.worker + report.kills.serve + report.kills.redis, text).toBeGreaterThanOrEqual(3);
    expect(Math.min(report.kills.worker, report.kills.serve, report.kills.redis), text).toBeGreaterThan(0);
    expect({ succeeded: report.succeeded, created: report.created, overlaps: report.overlaps, replaced: report.replaced, leftoverProcesses: report.leftoverProcesses, leftoverDirs: report.leftoverDirs, unstoppable: report.unstoppable }, text).toEqual({ succeeded: 10, created: 10, overlaps: 0, replaced: 0, leftoverProcesses: 0, leftoverDirs: 0, unstoppable: 0 });
    // Every leaf of every run left its start mark: the overlap check saw the steps run.
    expect(report.executions.steps, text).toBe(10 * LEAVES.length);
    expect(chaosMet(report), text).toBe(true);
    rmSync(report.dir, { recursive: true, force: true });
  }, 300_000);

  it('its files are never under /tmp, which every container has of its own: the steps\' marks would be hidden from the checks', async () => {
    expect(chaosBase('/tmp')).toBe('/var/tmp');
    expect(chaosBase('/tmp/x')).toBe('/var/tmp');
    expect(chaosBase('/var/tmp')).toBe('/var/tmp');
    expect(chaosBase('/scratch')).toBe('/scratch');
    await expect(runChaos({ runs: 1, kills: 0, dir: '/tmp/strata-chaos-refused' })).rejects.toThrow(/under \/tmp.*a \/tmp of its own/);
  });

  it('a run whose steps left no start mark is not met, whatever else it says', () => {
    const report = { runs: 1, created: 1, succeeded: 1, failed: 0, stuck: 0, overlaps: 0, replaced: 0, leftoverProcesses: 0, leftoverDirs: 0, unstoppable: 0, executions: { executions: 0, steps: 0, again: 0 } };
    expect(chaosMet(report as Parameters<typeof chaosMet>[0])).toBe(false);
    expect(chaosMet({ ...report, executions: { executions: LEAVES.length, steps: LEAVES.length, again: 0 } } as Parameters<typeof chaosMet>[0])).toBe(true);
  });
});
