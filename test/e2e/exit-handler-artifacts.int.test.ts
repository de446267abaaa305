/**
 * An exit handler of a task keeps its own artifacts (Argo tester 3, N2). The handler's step
 * id is the task's id and `onExit`; the artifact store once kept it under the task's own
 * artifacts path, so a task that wrote nothing (its path an empty file) made the handler
 * fail with ENOTDIR, and a task with an output named `onExit` made the handler's result
 * read as null. Real runs at both levels: coordinator, BullMQ, a worker and processes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunView } from '../../src/run/run-view.ts';
import { LEVELS, type Level } from '../support/levels.ts';
import { useRunService } from '../support/use-run-service.ts';

const svc = useRunService();

const sh = (script: string, extra: Record<string, unknown> = {}) => ({ task: { image: 'alpine', command: ['sh', '-c', script], ...extra } });

async function runAt(level: Level, root: unknown, onExit?: unknown): Promise<RunView> {
  const spec = level.prefix === '' ? { root, ...(onExit ? { onExit } : {}) } : { root: level.wrap(root) };
  const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'exit-artifacts', version: '1' }, spec };
  const r = await svc.call('POST', '/v1/runs', { flow });
  expect(r.status, r.text).toBe(202);
  return svc.waitRun(r.body.runId, 30_000);
}

describe.each(LEVELS)('a task with an exit handler ($name)', (level) => {
  it('a task that wrote nothing, then its handler: both succeed', async () => {
    const run = await runAt(level, { id: 'main', ...sh('echo main-ok'), onExit: sh('echo "{\\"bye\\": 1}" > "$STRATA_OUTPUTS/result.json"') });
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(run.steps[`${level.prefix}main`]).toMatchObject({ status: 'succeeded' });
    expect(run.steps[`${level.prefix}main/onExit`]).toMatchObject({ status: 'succeeded', result: { bye: 1 } });
  });

  it("a task with an output named onExit keeps it, and the handler's result is its own", async () => {
    const main = { id: 'main', ...sh('echo kept > "$STRATA_OUTPUTS/onExit"; echo "{\\"main\\": 1}" > "$STRATA_OUTPUTS/result.json"', { outputs: ['onExit'] }) };
    const run = await runAt(level, { ...main, onExit: sh('echo "{\\"bye\\": 2}" > "$STRATA_OUTPUTS/result.json"') });
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(run.steps[`${level.prefix}main`]).toMatchObject({ status: 'succeeded', result: { main: 1 } });
    expect(run.steps[`${level.prefix}main/onExit`]).toMatchObject({ status: 'succeeded', result: { bye: 2 } });
    const art = await svc.call('GET', `/v1/runs/${run.id}/steps/${encodeURIComponent(`${level.prefix}main`)}/artifacts/onExit`);
    expect(art.status, art.text).toBe(200);
    expect(art.text).toBe('kept\n');
  });
});

it('a flow whose root is a task, with spec.onExit: both succeed (macro)', async () => {
  const run = await runAt(LEVELS[0], { id: 'main', ...sh('echo main-ok') }, sh('echo bye'));
  expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
  expect(run.steps['main/onExit']).toMatchObject({ status: 'succeeded' });
});

it('an Argo Workflow whose entrypoint is a container, with onExit: both succeed, the handler sees Succeeded', async () => {
  const run = await svc.runToEnd(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'argo', 'exit-container.yaml'), 'utf8'));
  expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
  expect(run.steps.main).toMatchObject({ status: 'succeeded', result: 'main-ok' });
  expect(run.steps['main/onExit']).toMatchObject({ status: 'succeeded', result: 'exit handler sees Succeeded' });
});
