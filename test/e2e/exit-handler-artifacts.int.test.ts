/**
 * An exit handler of a task keeps its own artifacts (Argo tester 3, N2). The handler's step
 * id is the task's id and `onExit`; the artifact store once kept it under the task's own
 * artifacts path, so a task that wrote nothing (its path an empty file) made the handler
 * fail with ENOTDIR, and a task with an output named `onExit` made the handler's result
 * read as null. Real runs at both levels: coordinator, BullMQ, a worker and processes.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunView } from '../../src/run/run-view.ts';
import { LEVELS, type Level } from '../support/levels.ts';
import { runAtLevel } from '../support/level-runs.ts';
import { useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();

const sh = (script: string, extra: Record<string, unknown> = {}) => ({ task: { image: 'alpine', command: ['sh', '-c', script], ...extra } });

const runAt = async (level: Level, root: unknown, onExit?: unknown): Promise<RunView> => (await runAtLevel(svc, level, root, { name: 'exit-artifacts', onExit })).run;

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
  const run = await svc.runToEnd(argoFixtures('.').read('exit-container.yaml'));
  expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
  expect(run.steps.main).toMatchObject({ status: 'succeeded', result: 'main-ok' });
  expect(run.steps['main/onExit']).toMatchObject({ status: 'succeeded', result: 'exit handler sees Succeeded' });
});

describe('GET an exit handler\'s artifact', () => {
  it('from where it is kept (`main@onExit`), and from where a version before kept it (`main/onExit`), over HTTP', async () => {
    const run = await runAt(LEVELS[0], { id: 'main', ...sh('echo main-ok > "$STRATA_OUTPUTS/out.txt"', { outputs: ['out.txt'] }), onExit: sh('echo bye > "$STRATA_OUTPUTS/bye.txt"', { outputs: ['bye.txt'] }) });
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    const get = (step: string, name: string) => svc.call('GET', `/v1/runs/${run.id}/steps/${encodeURIComponent(step)}/artifacts/${name}`);
    const now = await get('main/onExit', 'bye.txt');
    expect(now.status, now.text).toBe(200);
    expect(now.text).toBe('bye\n');
    // The layout of before the exit-handler rule (runtime/step-file-name.ts): the handler's artifacts under the task's own.
    const store = join(svc.home, 'artifacts', run.id);
    expect(existsSync(join(store, 'main@onExit'))).toBe(true);
    mkdirSync(join(store, 'main', 'onExit'), { recursive: true });
    renameSync(join(store, 'main@onExit', 'bye.txt'), join(store, 'main', 'onExit', 'bye.txt'));
    rmSync(join(store, 'main@onExit'), { recursive: true });
    const legacy = await get('main/onExit', 'bye.txt');
    expect(legacy.status, legacy.text).toBe(200);
    expect(legacy.text).toBe('bye\n');
    // The task's own artifact is read where it always was, beside the legacy handler directory.
    const main = await get('main', 'out.txt');
    expect(main.status, main.text).toBe(200);
    expect(main.text).toBe('main-ok\n');
    const missing = await get('main/onExit', 'nope.txt');
    expect(missing.status).toBe(404);
  });
});
