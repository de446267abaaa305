/**
 * A deadline holds each time its node runs again (tester: after `strata runs retry` a
 * composite's `timeout` was no longer enforced at the macro level, while inside a pod it
 * still was). The `deadline` event was appended once per run and step (its dedupe key
 * `d|step`, its timer `run|step`), so a composite started again (a retry of the run, a
 * composite around it run again by its retryWhole) had its deadline armed but never
 * answered, and ran to its end. Each arming now has its own number (engine-core.ts
 * armDeadline), carried by its timer and its event. A composite's retryWhole back-off had the
 * same fault: its attempts count from 1 on each start, so after a retry of the run its back-off
 * had the first start's dedupe key, was never appended, and the run waited for ever (macro);
 * it now names its start (BackoffCommand.started). Both levels (a run's steps, the same
 * steps inside a pod), a real service, real processes, real HTTP, `strata runs retry`.
 */
import { describe, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { LEVELS } from '../support/levels.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import type { RunView } from '../../src/run/run-view.ts';

const svc = useRunService();
const env = cliEnv(svc);
const sleep = (s: number, extra: Record<string, unknown> = {}) => ({ task: shTask(`sleep ${s}`), ...extra });

/** Post `flow`, wait for its first end, retry it with `strata runs retry`, and wait for the retry's end. */
async function runAndRetry(flow: unknown): Promise<[RunView, RunView]> {
  const r = await svc.call('POST', '/v1/runs', { flow });
  expect(r.status, r.text).toBe(202);
  const id = r.body.runId as string;
  const first = await svc.waitRun(id, 30_000);
  const retried = await runStrata(['runs', 'retry', id], env);
  expect(retried.code, retried.stderr).toBe(0);
  return [first, await svc.waitRun(id, 30_000)];
}

/** What decides the case: the run's status and error, and each of `ids`' status and error (inside the level). */
function outcome(run: RunView, prefix: string, ids: string[]) {
  return { status: run.status, steps: Object.fromEntries(ids.map((s) => [s, `${run.steps[prefix + s]?.status}: ${run.steps[prefix + s]?.error ?? ''}`])) };
}

describe.each(LEVELS)('a deadline on a retry, $name', ({ prefix, wrap }) => {
  const name = prefix === '' ? 'macro' : 'micro';

  it('a composite\'s timeout holds again after strata runs retry: the re-run fan-out times out from its new start', async () => {
    const root = { sequence: [{ id: 'fan', timeout: 1, fanOut: { over: [1, 2, 3], concurrency: 2, do: sleep(3) } }, { id: 'after', ...sleep(0) }] };
    const [first, second] = await runAndRetry(flowDoc(wrap(root), `retry-fan-${name}`));
    const want = { status: 'failed', steps: { fan: `failed: step ${prefix}fan timed out after 1s`, after: 'skipped: ' + first.steps[`${prefix}after`]?.error } };
    expect(outcome(first, prefix, ['fan', 'after'])).toEqual(want);
    expect(outcome(second, prefix, ['fan', 'after']), JSON.stringify(second.steps)).toEqual({ ...want, steps: { ...want.steps, after: 'skipped: ' + second.steps[`${prefix}after`]?.error } });
  }, 90_000);

  it('a leaf\'s timeout holds again after strata runs retry', async () => {
    const root = { sequence: [{ id: 'slow', ...sleep(3, { timeout: 1 }) }] };
    const [first, second] = await runAndRetry(flowDoc(wrap(root), `retry-leaf-${name}`));
    expect(outcome(first, prefix, ['slow'])).toEqual({ status: 'failed', steps: { slow: 'failed: timed out after 1s' } });
    expect(outcome(second, prefix, ['slow'])).toEqual({ status: 'failed', steps: { slow: 'failed: timed out after 1s' } });
  }, 90_000);

  it('a composite\'s timeout holds on each attempt of a composite around it run again by its retryWhole', async () => {
    const root = { sequence: [{ id: 'outer', retryWhole: { limit: 1 }, sequence: [{ id: 'inner', timeout: 1, sequence: [{ id: 'slow', ...sleep(3) }] }] }] };
    const { body } = await svc.call('POST', '/v1/runs', { flow: flowDoc(wrap(root), `retry-whole-${name}`) });
    const run = await svc.waitRun(body.runId, 30_000);
    expect(outcome(run, prefix, ['outer', 'outer/inner']), JSON.stringify(run.steps)).toEqual({
      status: 'failed',
      steps: { outer: `failed: step ${prefix}outer/inner timed out after 1s`, 'outer/inner': `failed: step ${prefix}outer/inner timed out after 1s` },
    });
    expect(run.steps[`${prefix}outer`].attempts).toBe(2);
  }, 90_000);

  it('a composite\'s retryWhole back-off is waited out again after strata runs retry: its attempts run again and the run ends', async () => {
    const root = { sequence: [{ id: 'group', retryWhole: { limit: 1, backoff: { duration: 1 } }, sequence: [{ id: 'bad', task: shTask('exit 3') }] }] };
    const [first, second] = await runAndRetry(flowDoc(wrap(root), `retry-backoff-${name}`));
    for (const run of [first, second]) expect({ status: run.status, attempt: run.steps[`${prefix}group`]?.attempt }, JSON.stringify(run.steps)).toEqual({ status: 'failed', attempt: 2 });
  }, 90_000);

  it('a composite\'s own timeout holds across its retryWhole attempts: one deadline from its first start', async () => {
    const root = { sequence: [{ id: 'group', timeout: 1, retryWhole: { limit: 3 }, sequence: [{ id: 'slow', ...sleep(3) }] }] };
    const { body } = await svc.call('POST', '/v1/runs', { flow: flowDoc(wrap(root), `retry-own-${name}`) });
    const run = await svc.waitRun(body.runId, 30_000);
    expect(outcome(run, prefix, ['group', 'group/slow'])).toEqual({
      status: 'failed',
      steps: { group: `failed: step ${prefix}group timed out after 1s`, 'group/slow': `cancelled: stopped: step ${prefix}group timed out after 1s` },
    });
  }, 90_000);
});

describe('a flow\'s spec.deadline on a retry of the run', () => {
  it('holds again from the retry\'s start', async () => {
    const root = { sequence: [{ id: 'slow', ...sleep(3) }] };
    const [first, second] = await runAndRetry({ ...flowDoc(root, 'retry-spec-deadline'), spec: { root, deadline: 1 } });
    const want = { status: 'failed', error: 'the run timed out after 1s' };
    expect({ status: first.status, error: first.error }).toEqual(want);
    expect({ status: second.status, error: second.error }, JSON.stringify(second.steps)).toEqual(want);
  }, 90_000);
});
