/** Step jobs that end without their step finishing: a worker stopped gracefully, infrastructure failures past their retries. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PodRuntime } from '../../runtime/pod-runtime.ts';
import { until } from '../support/processes.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';
import { flowDoc as flow } from '../support/documents.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { usePrefixes } from '../support/test-service.ts';

const newPrefix = usePrefixes();

const newTempDir = useTempDirs('strata-worker-');

const flowDoc = (root: unknown) => flow(root, 'w');
const dir = newTempDir();
const open: RunTestService[] = [];
afterAll(async () => {
  for (const s of open) await s.close().catch(() => undefined);
});

describe('step worker', () => {
  it('a worker stopped mid-step hands the step back and another worker finishes it', async () => {
    const prefix = newPrefix('graceful');
    const first = await startRunService({}, {}, prefix);
    open.push(first);
    const tries = join(dir, 'graceful');
    const r = await first.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: 'slow', task: { image: 'alpine', command: ['sh', '-c', `echo x >> ${tries}; sleep 1`] } }] }) });
    await until('the step to start', () => existsSync(tries));
    await first.close(); // graceful: SIGTERM-like
    const second = await startRunService({}, {}, prefix);
    open.push(second);
    const run = await second.waitRun(r.body.runId, 30_000);
    expect(run.status).toBe('succeeded');
    expect(readFileSync(tries, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('a step whose runtime keeps failing fails with the reason once BullMQ\'s attempts are spent', async () => {
    const broken: PodRuntime = { name: 'broken', run: async () => { throw new Error('disk full'); } };
    const svc = await startRunService({}, { runtime: broken });
    open.push(svc);
    const r = await svc.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: 'a', task: { image: 'alpine', command: ['true'] } }] }) });
    const run = await svc.waitRun(r.body.runId, 30_000);
    expect(run.status).toBe('failed');
    expect(run.steps.a.error).toMatch(/infrastructure failure: disk full/);
  });
});
