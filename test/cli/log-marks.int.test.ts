/**
 * The lines strata writes into a step's log (the mark that opens a later attempt, `---
 * attempt 2 ---`; the retry back-off note) stand on lines of their own, with no empty line
 * before them: the mark was written as `\n--- attempt 2 ---\n`, so after output that ended
 * its line the log had an empty line there, which `strata logs RUN` printed as an empty
 * `s: ` line, and the logs route and the log stream sent as is. After output that did not
 * end its line, the line is still ended first (the back-off note was glued to it). Both
 * levels (a task, a container in a pod); the CLI as real processes, real HTTP.
 */
import { describe, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const env = cliEnv(svc);
const CLI_TEST_MS = 120_000;

/** A step whose first attempt writes `first` (printf) and fails, its second writes `two` (STRATA_ATTEMPT says which). */
const twice = (first: string) => shTask(`if [ -n "$STRATA_ATTEMPT" ] && [ "$STRATA_ATTEMPT" -gt 1 ]; then echo two; else printf '${first}'; exit 3; fi`);

const levels = [
  { level: 'macro (a task)', wrap: (node: Record<string, unknown>) => node, step: 's' },
  { level: 'micro (a container in a pod)', wrap: (node: Record<string, unknown>) => ({ id: 'p', pod: { flow: { sequence: [node] } } }), step: 'p/s' },
];

const cases = [
  { output: 'a line ended', first: 'one\\n', retry: { limit: 1 }, log: 'one\n--- attempt 2 ---\ntwo\n' },
  { output: 'a line not ended', first: 'one', retry: { limit: 1 }, log: 'one\n--- attempt 2 ---\ntwo\n' },
];

/** The run of `node` at `level`, which must succeed. */
async function ran(node: Record<string, unknown>, name: string): Promise<string> {
  const run = await svc.runToEnd({ flow: flowDoc(node, name) });
  expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
  return run.id;
}

describe.each(levels)('strata\'s lines in a step\'s log, $level', ({ wrap, step }) => {
  it.each(cases)('after $output: on lines of their own, no empty line before them', async ({ first, retry, log }) => {
    const runId = await ran(wrap({ id: 's', retry, task: twice(first) }), 'log-marks');
    // The stored log, through the logs route.
    expect((await svc.call('GET', `/v1/runs/${runId}/steps/${step}/logs`)).text).toBe(log);
    // One step's log, and every step's, each line prefixed.
    const one = await runStrata(['logs', runId, step], env);
    expect(one.code).toBe(0);
    expect(one.stdout).toBe(`--- attempt 1 (run 1) ---\n${log}`);
    const all = await runStrata(['logs', runId], env);
    expect(all.code).toBe(0);
    const prefixed = `--- attempt 1 (run 1) ---\n${log}`.split('\n').slice(0, -1).map((l) => `${step}: ${l}\n`).join('');
    expect(all.stdout).toContain(prefixed);
    expect(all.stdout).not.toMatch(/^\S+: $/m);
    // Through the run's log stream (the run has ended: it sends what is kept and ends).
    const followed = await runStrata(['logs', runId, '-f'], env);
    expect(followed.code).toBe(0);
    expect(followed.stdout).toBe(all.stdout);
  }, CLI_TEST_MS);
});

describe('the retry back-off note', () => {
  it.each(cases)('after $output: on a line of its own, no empty line before the mark', async ({ first, log }) => {
    const runId = await ran({ id: 's', retry: { limit: 1, backoff: { duration: '1s' } }, task: twice(first) }, 'log-marks-backoff');
    const note = 'strata: attempt 2 in 1 s (retry back-off)\n';
    expect((await svc.call('GET', `/v1/runs/${runId}/steps/s/logs`)).text).toBe(log.replace('--- attempt 2', `${note}--- attempt 2`));
  }, CLI_TEST_MS);
});
