/**
 * A step that runs again starts again: its record's `startedAt` is its new attempt's start,
 * so its duration is that attempt's. run-commit-5.lua kept the first start it had recorded
 * for every later start, so a step re-run by a retry of the run (`strata runs retry`)
 * counted its duration from the earlier run, and so did a step's own retry, at both levels
 * (a task, a container in a pod). The earlier starts stay in the run's events. Real
 * service, real processes; times compared with a mark taken before the new attempt could
 * start, not measured.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { until } from '../support/processes.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const newTempDir = useTempDirs('strata-rerun-started-');

type Step = { status: string; attempt: number; pod?: { attempt: number; execution: number }; startedAt: string | null; finishedAt: string | null; durationMs?: number; error: string | null };
const stepOf = async (runId: string, id: string): Promise<Step> => (await svc.call('GET', `/v1/runs/${runId}`)).body.steps[id];

/** A step that fails (exit 3) until `dir/ok` exists, then holds on until `dir/go` exists and succeeds. */
const failsUntilOk = (dir: string) => shTask(`if [ -f ${dir}/ok ]; then while [ ! -f ${dir}/go ]; do sleep 0.1; done; exit 0; else echo boom >&2; exit 3; fi`);
/** A step whose first attempt waits for `dir/fail` and fails, leaving `dir/ok`; the next succeeds. */
const failsOnceWhenTold = (dir: string) => shTask(`if [ -f ${dir}/ok ]; then exit 0; else while [ ! -f ${dir}/fail ]; do sleep 0.1; done; touch ${dir}/ok; exit 3; fi`);

const levels = [
  { level: 'macro (a task)', wrap: (node: Record<string, unknown>) => ({ sequence: [{ id: 'first', task: shTask('exit 0') }, node] }), step: (id: string) => id, pod: undefined },
  { level: 'micro (a container in a pod)', wrap: (node: Record<string, unknown>) => ({ id: 'p', pod: { flow: { sequence: [{ id: 'first', task: shTask('exit 0') }, node] } } }), step: (id: string) => `p/${id}`, pod: 'p' },
];

describe.each(levels)('a step run again, $level', ({ wrap, step, pod }) => {
  it('by a retry of the run: starts at its new attempt, its duration that attempt\'s, its error and end cleared while it runs', async () => {
    const dir = newTempDir();
    const started = await svc.call('POST', '/v1/runs', { flow: flowDoc(wrap({ id: 's', task: failsUntilOk(dir) }), 'rerun-started-retry') });
    expect(started.status).toBe(202);
    const runId = started.body.runId as string;
    expect((await svc.waitRun(runId)).status).toBe('failed');
    const before = await stepOf(runId, step('s'));
    expect(before.startedAt).toBeTruthy();
    expect(before.finishedAt).toBeTruthy();
    writeFileSync(join(dir, 'ok'), '');
    // Nothing of the new attempt can start before this mark.
    const mark = Date.now();
    expect((await svc.call('POST', `/v1/runs/${runId}/retry`)).status).toBe(200);
    const running = await until('the step to run again', async () => {
      const s = await stepOf(runId, step('s'));
      // A container's own attempt starts at 1 in each run of its pod: the pod's attempt says it runs again.
      return s.status === 'running' && (pod ? s.pod?.attempt === 2 : s.attempt === 2) && s;
    });
    expect(Date.parse(running.startedAt!)).toBeGreaterThanOrEqual(mark);
    expect(running.finishedAt).toBeNull();
    expect(running.error).toBeNull();
    writeFileSync(join(dir, 'go'), '');
    expect((await svc.waitRun(runId)).status).toBe('succeeded');
    const after = await stepOf(runId, step('s'));
    expect(after.startedAt).toBe(running.startedAt);
    expect(Date.parse(after.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(after.startedAt!));
    expect(after.durationMs).toBe(Date.parse(after.finishedAt!) - Date.parse(after.startedAt!));
    // A step the retry kept did not run again: its times are its first run's.
    const kept = await stepOf(runId, step('first'));
    expect(Date.parse(kept.startedAt!)).toBeLessThan(mark);
    // A pod run again for it starts again too.
    if (pod) expect(Date.parse((await stepOf(runId, pod)).startedAt!)).toBeGreaterThanOrEqual(mark);
  });

  it('by its own retry: starts at its second attempt', async () => {
    const dir = newTempDir();
    const started = await svc.call('POST', '/v1/runs', { flow: flowDoc(wrap({ id: 's', retries: 1, task: failsOnceWhenTold(dir) }), 'rerun-started-own') });
    expect(started.status).toBe(202);
    const runId = started.body.runId as string;
    await until('the first attempt to run', async () => (await stepOf(runId, step('s')))?.status === 'running');
    const first = await stepOf(runId, step('s'));
    const mark = Date.now();
    writeFileSync(join(dir, 'fail'), '');
    expect((await svc.waitRun(runId)).status).toBe('succeeded');
    const after = await stepOf(runId, step('s'));
    expect(after.attempt).toBe(2);
    expect(Date.parse(first.startedAt!)).toBeLessThan(mark);
    expect(Date.parse(after.startedAt!)).toBeGreaterThanOrEqual(mark);
  });
});
