/** Attempts told apart (issue 8 item 11): every execution counts, and each after the first opens with a line in the step's log, at both levels. */
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowDoc as flow, shTask as sh } from '../support/documents.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';

let svc: RunTestService;
beforeAll(async () => {
  svc = await startRunService();
});
afterAll(async () => svc?.close());

/** Fails twice, then succeeds; says which try it is on stdout. */
const flaky = (counter: string) => sh(`n=$(( $(cat ${counter} 2>/dev/null || echo 0) + 1 )); echo $n > ${counter}; echo "try $n"; [ $n -ge 3 ]`);

const levels = [
  { level: 'macro', root: (task: unknown) => ({ sequence: [{ id: 'f', retries: 2, task }] }), step: 'f' },
  { level: 'micro (a container in a pod)', root: (task: unknown) => ({ id: 'p', pod: { flow: { sequence: [{ id: 'f', retries: 2, task }] } } }), step: 'p/f' },
];

describe.each(levels)('$level', ({ root, step }) => {
  it('a retried step counts every attempt, and its log marks where each attempt after the first begins', async () => {
    const counter = `${tmpdir()}/strata-attempts-${Math.random().toString(36).slice(2)}`;
    const r = await svc.call('POST', '/v1/runs', { flow: flow(root(flaky(counter))) });
    const run = await svc.waitRun(r.body.runId);
    expect(run.status).toBe('succeeded');
    expect(run.steps[step].attempts).toBe(3);
    const logs = (await svc.call('GET', `/v1/runs/${run.id}/steps/${step}/logs`)).text;
    // Line for line: no empty line before a mark (test/cli/log-marks.int.test.ts).
    expect(logs).toBe('try 1\n--- attempt 2 ---\ntry 2\n--- attempt 3 ---\ntry 3\n');
  });
});
