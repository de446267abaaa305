/**
 * Tester 16: a `timeout` or `spec.deadline` written as a duration (`timeout: 2s`, `1m30s`) was
 * refused ('must be a number of seconds ... or text with {{ references }} giving seconds or a
 * duration like 30s'), while the same text given by a reference (`"{{ params.t }}"` with t =
 * 2s) was taken, and a retry's back-off takes `30s` as written. Now a duration as written is
 * taken wherever a computed one is (src/flow/duration.ts literalSeconds), read as its seconds
 * when the flow is compiled. Real HTTP, runs and the CLI.
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flowDoc } from '../support/documents.ts';
import { runStrata } from '../support/processes.ts';
import { useRunService } from '../support/use-run-service.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const svc = useRunService();
const tempDir = useTempDirs('literal-durations-');
const sleep = (id: string, s: number, extra: Record<string, unknown> = {}) => ({ id, task: { image: 'alpine', command: ['sh', '-c', `sleep ${s}`] }, ...extra });

describe('a timeout or deadline written as a duration', () => {
  it('a task\'s timeout: 1s stops it at 1 s; a sequence\'s 1m and a flow\'s deadline of 2m30s let the rest run: failed at the task\'s timeout', async () => {
    const root = { id: 'seq', timeout: '1m', sequence: [sleep('slow', 30, { timeout: '1s' })] };
    const run = await svc.runToEnd({ flow: { ...flowDoc(root, 'literal-timeout'), spec: { root, deadline: '2m30s' } } }, { timeoutMs: 60_000 });
    expect([run.status, run.steps.slow.status, run.steps.slow.error]).toEqual(['failed', 'failed', 'timed out after 1s']);
  });

  it('a flow\'s deadline: 1s stops the run at 1 s', async () => {
    const root = { sequence: [sleep('slow', 30)] };
    const run = await svc.runToEnd({ flow: { ...flowDoc(root, 'literal-deadline'), spec: { root, deadline: '1s' } } }, { timeoutMs: 60_000 });
    expect([run.status, run.error]).toEqual(['failed', expect.stringMatching(/timed out after 1s/)]);
  });

  it('what is no duration is refused as before, 400 naming the place, and the message says a duration is taken', async () => {
    for (const [timeout, deadline] of [['soon', undefined], ['0s', undefined], ['8d', undefined], [undefined, '2w']] as const) {
      const root = { sequence: [sleep('t', 0, timeout !== undefined ? { timeout } : {})] };
      const r = await svc.call('POST', '/v1/runs', { flow: { ...flowDoc(root, 'literal-bad'), spec: { root, ...(deadline !== undefined ? { deadline } : {}) } } });
      const place = timeout !== undefined ? 'spec.root.sequence[0].timeout' : 'spec.deadline';
      expect([r.status, r.body.error.details.problems[0].path, r.body.error.message]).toEqual([400, place, expect.stringContaining('a duration like 30s, 2m, 1h30m')]);
    }
  });

  it('strata plan --dry-run takes it too', async () => {
    const file = join(tempDir(), 'flow.json');
    writeFileSync(file, JSON.stringify(flowDoc({ sequence: [sleep('t', 0, { timeout: '90s' })] }, 'literal-plan')));
    const r = await runStrata(['plan', file, '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
  });
});
