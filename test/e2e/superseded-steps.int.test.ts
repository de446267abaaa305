/**
 * What a run shows of an earlier attempt that a later one replaced (docs/runs.md, Superseded
 * steps): a composite run again whole (`retryWhole`) whose fan-out made 3 items and then 1
 * left `fan/1` succeeded and `fan/2` failed from its first attempt beside a run that
 * succeeded (tester 15). The run's status is made of its current attempt's records; a
 * record of an earlier attempt that the current one did not make again is `superseded`,
 * its outcome then kept as `was`, in the run view (HTTP), `strata runs get`, and the counts
 * by status. Both levels: the run's root, and inside a pod driven by its quarterback.
 */
import { describe, expect, it } from 'vitest';
import { LEVELS } from '../support/levels.ts';
import { runAtLevel } from '../support/level-runs.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { runStrata } from '../support/processes.ts';

const svc = useRunService({ STRATA_WORKER_CONCURRENCY: '4' });
const tempDir = useTempDirs('superseded-');

/** Its first run gives the list [0,1,2], every later one [0] (a line per run in `dir/list`). */
const list = { id: 'list', task: { image: 'alpine', command: ['sh', '-c', 'echo x >> "$1/list"; if [ "$(wc -l < "$1/list")" -eq 1 ]; then echo "[0,1,2]"; else echo "[0]"; fi', 'sh', '{{ params.dir }}'], result: 'stdout' } };
/** A fan-out over `list`'s result whose item 2 fails. */
const fan = { id: 'fan', fanOut: { over: { result: './list' }, do: { task: { image: 'alpine', command: ['sh', '-c', 'test "$STRATA_ITEM" != 2'] } } } };

describe.each(LEVELS)('a composite run again whole ($name)', (level) => {
  it('marks the steps of its earlier attempt that the last one did not make `superseded`, never failed in a run that succeeded (HTTP and CLI)', async () => {
    const dir = tempDir();
    const root = { sequence: [{ id: 'grp', retryWhole: { limit: 1 }, sequence: [list, fan] }] };
    const { run, steps } = await runAtLevel(svc, level, root, { params: { dir }, timeoutMs: 60_000 });
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(steps['grp/fan/0'].status).toBe('succeeded');
    expect(steps['grp/fan/0'].attempts).toBe(2);
    expect({ status: steps['grp/fan/1'].status, was: steps['grp/fan/1'].was }).toEqual({ status: 'superseded', was: 'succeeded' });
    expect({ status: steps['grp/fan/2'].status, was: steps['grp/fan/2'].was }).toEqual({ status: 'superseded', was: 'failed' });
    expect(Object.entries(run.steps).filter(([, s]) => s.status === 'failed')).toEqual([]);
    // The cut view's counts and the CLI say the same.
    const summary = await svc.call('GET', `/v1/runs/${run.id}?summary=true`);
    expect(summary.body.steps[`${level.prefix}grp/fan/2`].status).toBe('superseded');
    const cli = await runStrata(['runs', 'get', run.id], cliEnv(svc));
    expect(cli.code).toBe(0);
    expect(cli.stdout).not.toContain('✗');
    expect(cli.stdout).toMatch(/↺ 2 +superseded .*an earlier attempt's: failed/);
    expect(cli.stdout).toMatch(/↺ 1 +superseded .*an earlier attempt's: succeeded/);
  }, 90_000);
});
