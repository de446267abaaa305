/**
 * A retry of the run keeps what succeeded (docs/runs.md): a kept step did not run again, so
 * its record stays its own: attempts, start, end, duration. A tester saw a kept step and a
 * fan-in with `attempts 3`, `finishedAt` the retry's time and a duration of 14 minutes
 * after `strata runs retry`. Real service, real processes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const newTempDir = useTempDirs('strata-retry-kept-');

type Step = { status: string; attempt: number; attempts: number; startedAt: string | null; finishedAt: string | null; durationMs?: number; result?: unknown };
const stepsOf = async (runId: string): Promise<Record<string, Step>> => (await svc.call('GET', `/v1/runs/${runId}`)).body.steps;
const times = (s: Step) => ({ status: s.status, attempts: s.attempts, startedAt: s.startedAt, finishedAt: s.finishedAt, durationMs: s.durationMs, result: s.result });

/** A fan-out, a fan-in summing its results (the fan-out named `so`, its id from the run's root), then a step that fails until `dir/ok` exists. */
const steps = (dir: string, so = 'so') => ({
  sequence: [
    { id: 'so', fanOut: { over: [1, 2], do: { task: { ...shTask('echo $(( {{ item }} * 10 ))'), result: 'stdout' } } } },
    { id: 'total', fanIn: { from: 'so', do: { task: { ...shTask(`echo $(( $(echo '{{ steps["${so}"].result }}' | tr -d "[] " | tr , +) ))`), result: 'stdout' } } } },
    { id: 's', task: shTask(`[ -f ${dir}/ok ] || exit 3`) },
  ],
});

const levels = [
  { level: 'macro (tasks)', root: (dir: string) => steps(dir), id: (s: string) => s },
  { level: 'micro (containers in a pod, resumed by the retry)', root: (dir: string) => ({ id: 'p', pod: { flow: steps(dir, 'p/so') } }), id: (s: string) => `p/${s}` },
];

describe.each(levels)('a retry of the run, $level', ({ root, id: at }) => {
  it('leaves the records of the steps it keeps as they were: attempts, start, end, result', async () => {
    const dir = newTempDir();
    const started = await svc.call('POST', '/v1/runs', { flow: flowDoc(root(dir), 'retry-kept-times') });
    expect(started.status).toBe(202);
    const runId = started.body.runId as string;
    expect((await svc.waitRun(runId)).status).toBe('failed');
    const before = await stepsOf(runId);
    const kept = Object.keys(before).filter((id) => id.startsWith(at('')) && id !== at('s') && before[id].status === 'succeeded');
    expect(kept).toEqual(expect.arrayContaining(['so', 'so/0', 'so/1', 'total'].map(at)));
    expect(before[at('total')].result).toBe(30);
    writeFileSync(join(dir, 'ok'), '');
    expect((await svc.call('POST', `/v1/runs/${runId}/retry`)).status).toBe(200);
    expect((await svc.waitRun(runId)).status).toBe('succeeded');
    const after = await stepsOf(runId);
    for (const id of kept) expect({ id, ...times(after[id]) }).toEqual({ id, ...times(before[id]) });
    expect(after[at('s')].status).toBe('succeeded');
  });
});
