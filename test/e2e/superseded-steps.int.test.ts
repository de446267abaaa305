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

describe('a retry of the run whose fan-out comes out shorter (HTTP and CLI retry)', () => {
  it.each(['http', 'cli'])('%s: the items the retried run no longer makes are superseded; the run succeeds with no failed step', async (route) => {
    const dir = tempDir();
    // `pick` gives [0,1,2] and fails (the run goes on past it: continueOn), then [0] when the retry runs it again.
    const pick = { id: 'pick', continueOn: { failed: true }, task: { image: 'alpine', command: ['sh', '-c', 'echo x >> "$1/pick"; if [ "$(wc -l < "$1/pick")" -eq 1 ]; then echo "[0,1,2]"; exit 1; fi; echo "[0]"', 'sh', '{{ params.dir }}'], result: 'stdout' } };
    const root = { sequence: [pick, { id: 'fan', fanOut: { over: { result: 'pick' }, do: { task: { image: 'alpine', command: ['sh', '-c', 'test "$STRATA_ITEM" != 2'] } } } }] };
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: `retry-shorter-${route}`, version: '1' }, spec: { params: { dir }, root } };
    const first = await svc.runToEnd({ flow }, { timeoutMs: 60_000 });
    expect(first.status, JSON.stringify(first.steps)).toBe('failed');
    expect([first.steps['fan/1'].status, first.steps['fan/2'].status]).toEqual(['succeeded', 'failed']);
    if (route === 'http') expect((await svc.call('POST', `/v1/runs/${first.id}/retry`)).status).toBe(200);
    else expect((await runStrata(['runs', 'retry', first.id], cliEnv(svc))).code).toBe(0);
    const again = await svc.waitRun(first.id, 60_000);
    expect(again.status, JSON.stringify(again.steps)).toBe('succeeded');
    expect(again.steps['fan/0'].status).toBe('succeeded');
    expect([again.steps['fan/1'].status, again.steps['fan/1'].was, again.steps['fan/2'].status, again.steps['fan/2'].was]).toEqual(['superseded', 'succeeded', 'superseded', 'failed']);
    expect(Object.entries(again.steps).filter(([, st]) => st.status === 'failed')).toEqual([]);
  }, 90_000);
});
